// The inspector page's entry. style-nonce must come first: it has to patch style creation before
// Monaco and uPlot create their style elements.
import './style-nonce';
import '@vscode/codicons/dist/codicon.css';
import './inspector.css';
import { startApp } from './app';
import { InspectorClient } from './client';
import { pageConfig } from './page-config';
import { createTransport } from './transport';

const transport = createTransport(pageConfig);
const client = new InspectorClient(transport);
startApp(document.getElementById('app') as HTMLElement, client, transport);
