// The inspector's host side: the page's HTML (shared with the VS Code extension) and the server.
export { inspectorPageHtml } from './page-html';
export type { InspectorPageOptions } from './page-html';
export { startInspectorServer } from './server';
export type { InspectorServer, InspectorServerOptions } from './server';
