/**
 * The inspector's one HTML page, shared by the inspector server and the VS Code extension so both
 * show the same bundle under the same strict Content Security Policy: scripts only with the nonce,
 * styles and fonts only from the page's own origin (or the webview's), no remote content, no eval.
 */

export interface InspectorPageOptions {
  /** A fresh random nonce per page load; it admits the bundle and the styles Monaco creates. */
  nonce: string;
  /** The origin allowed for styles, fonts and images: the server's origin, or `webview.cspSource`. */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  /** The codicon font; preloaded so icons do not flash in late. */
  fontUri?: string;
  /** Monaco's editor worker script; the page loads it through a blob so both hosts allow it. */
  workerUri?: string;
  transport: 'websocket' | 'postmessage';
  /**
   * The WebSocket to talk to, for the websocket transport.
   * @default the serving origin's `/ws`
   * @example 'ws://127.0.0.1:4310/ws'
   */
  wsUrl?: string;
}

function attribute(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

export function inspectorPageHtml(options: InspectorPageOptions): string {
  const { nonce, cspSource } = options;
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(nonce)) throw new Error('the nonce must be at least 16 base64 characters');
  const connect = options.transport === 'websocket' ? `connect-src ${options.wsUrl === undefined ? 'ws://127.0.0.1:*' : new URL(options.wsUrl).origin.replace(/^http/, 'ws')} ${cspSource}; ` : `connect-src ${cspSource}; `;
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    // Style elements need the nonce or the origin. Monaco renders its view lines as HTML with
    // style attributes, which only 'unsafe-inline' admits; CSP 3 lets that apply to attributes alone,
    // which cannot run script or load anything, while style elements stay strict.
    `style-src-elem ${cspSource} 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    // Monaco's worker is started from a blob that imports the worker script from the page's origin.
    `worker-src blob: ${cspSource}`,
  ].join('; ');
  const config = { transport: options.transport, wsUrl: options.wsUrl ?? null, workerUri: options.workerUri ?? null, nonce };
  const preload = options.fontUri === undefined ? '' : `\n<link rel="preload" href="${attribute(options.fontUri)}" as="font" type="font/ttf" crossorigin>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attribute(`${csp}; ${connect}`.replace(/; $/, ''))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Medallion Inspector</title>
<link rel="icon" href="data:,">${preload}
<link rel="stylesheet" href="${attribute(options.styleUri)}" nonce="${nonce}">
</head>
<body>
<div id="app"></div>
<script type="application/json" id="inspector-config">${JSON.stringify(config).replaceAll('<', '\\u003c')}</script>
<script nonce="${nonce}" src="${attribute(options.scriptUri)}"></script>
</body>
</html>
`;
}
