// What the host put in the page (see sandbox/inspector/page-html.ts): the transport and where things are.
export interface PageConfig {
  transport: 'websocket' | 'postmessage';
  wsUrl: string | null;
  workerUri: string | null;
  nonce: string;
}

function read(): PageConfig {
  const text = document.getElementById('inspector-config')?.textContent;
  if (!text) throw new Error('the page has no inspector-config');
  return JSON.parse(text) as PageConfig;
}

export const pageConfig: PageConfig = read();
