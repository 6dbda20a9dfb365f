/**
 * The inspector server: one HTTP origin serving the page, the bundle, export downloads and a
 * WebSocket that carries the protocol. It takes an open Warehouse, so the process that materializes
 * (the only one that may open the DuckDB file) can also host the inspector.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventMessage, HostMessage, MethodName, RequestMessage } from '../protocol/inspector';
import { parseRequest } from '../protocol/inspector';
import type { Warehouse } from '../warehouse/index';
import { startCountsFeed } from './counts-feed';
import { ExportStore } from './exports';
import type { Handlers } from './handlers';
import { createHandlers } from './handlers';
import { inspectorPageHtml } from './page-html';
import { ParamError } from './params';
import { protocolError } from './result-sql';
import { serveAsset } from './static-files';

export interface InspectorServerOptions {
  warehouse: Warehouse;
  /**
   * The interface to bind.
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * The TCP port; 0 picks a free one.
   * @default 0
   */
  port?: number;
  /**
   * The built webview bundle: inspector.js, inspector.css, editor.worker.js and codicon.ttf.
   * @example 'dist/webview'
   */
  webviewDir: string;
}

export interface InspectorServer {
  /** The page's address, e.g. `http://127.0.0.1:4310/`. */
  url: string;
  /** The WebSocket address a relay (the VS Code extension) connects to. */
  wsUrl: string;
  close(): Promise<void>;
}

/** A socket message larger than this is refused: SQL text and parameters are small. */
const maxMessageBytes = 4 * 1024 * 1024;

export async function startInspectorServer(options: InspectorServerOptions): Promise<InspectorServer> {
  const host = options.host ?? '127.0.0.1';
  const exports = new ExportStore(options.warehouse);
  const handlers = createHandlers(options.warehouse, exports);
  let origin = '';

  const server = createServer((request, response) => {
    handleHttp(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500);
      response.end(error instanceof Error ? error.message : String(error));
    });
  });

  async function handleHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!hostAllowed(request.headers.host)) {
      response.writeHead(421).end('unexpected Host header');
      return;
    }
    const url = new URL(request.url ?? '/', origin);
    if (request.method !== 'GET') {
      response.writeHead(405).end();
      return;
    }
    if (url.pathname === '/' || url.pathname === '/index.html') {
      const nonce = randomBytes(18).toString('base64');
      const html = inspectorPageHtml({
        nonce,
        cspSource: origin,
        scriptUri: '/assets/inspector.js',
        styleUri: '/assets/inspector.css',
        workerUri: `${origin}/assets/editor.worker.js`,
        transport: 'websocket',
        wsUrl: `${origin.replace(/^http/, 'ws')}/ws`,
      });
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
      return;
    }
    if (url.pathname.startsWith('/assets/')) {
      serveAsset(options.webviewDir, url.pathname.slice('/assets/'.length), response);
      return;
    }
    if (url.pathname.startsWith('/download/')) {
      const download = exports.take(url.pathname.slice('/download/'.length));
      if (download === undefined) {
        response.writeHead(404).end('no such download (each is served once, for ten minutes)');
        return;
      }
      response.writeHead(200, { 'content-type': download.contentType, 'content-disposition': `attachment; filename="${download.fileName}"` });
      const stream = createReadStream(download.file);
      stream.pipe(response);
      stream.on('close', download.done);
      return;
    }
    response.writeHead(404).end('not found');
  }

  // A page on another site could open a WebSocket to 127.0.0.1 and query the warehouse; browsers
  // send its Origin, so only the inspector's own origin (or no Origin: a local relay) is accepted.
  // The Host check keeps a DNS-rebound name from reaching the page itself.
  let allowedHosts = new Set<string>();
  function hostAllowed(value: string | undefined): boolean {
    return value !== undefined && allowedHosts.has(value.toLowerCase());
  }

  const sockets = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes });
  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', origin);
    const from = request.headers.origin;
    // `/ws` is the page's path; `/` is accepted too, for relays that derive the socket from the page's URL.
    if ((url.pathname !== '/ws' && url.pathname !== '/') || !hostAllowed(request.headers.host) || (from !== undefined && from !== origin && !from.startsWith('vscode-webview://'))) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => sockets.emit('connection', ws, request));
  });
  sockets.on('connection', (ws: WebSocket) => {
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        send(ws, { kind: 'response', id: -1, ok: false, error: { message: 'binary messages are not part of the protocol', kind: 'protocol' } });
        return;
      }
      void answer(ws, String(data));
    });
  });

  async function answer(ws: WebSocket, text: string): Promise<void> {
    // A relay passes every page message on; the page's notes to its host (a finished download) need no answer.
    if (/^\{"kind":"download"/.test(text)) return;
    const request = parseRequest(text);
    if ('error' in request) {
      send(ws, { kind: 'response', id: request.id ?? -1, ok: false, error: { message: request.error, kind: 'protocol' } });
      return;
    }
    try {
      const result = await dispatch(handlers, request);
      send(ws, { kind: 'response', id: request.id, ok: true, result });
    } catch (error) {
      const sql = typeof (request.params as { sql?: unknown }).sql === 'string' ? (request.params as { sql: string }).sql : undefined;
      const mapped = error instanceof ParamError ? { message: error.message, kind: 'params' } : protocolError(error, sql, sql === undefined ? undefined : sql);
      send(ws, { kind: 'response', id: request.id, ok: false, error: mapped });
    }
  }

  const feed = startCountsFeed(options.warehouse, (counts, tablesChanged) => {
    const messages: EventMessage[] = [{ kind: 'event', event: 'counts/changed', counts }];
    if (tablesChanged) messages.push({ kind: 'event', event: 'schema/changed' });
    for (const ws of sockets.clients) for (const m of messages) send(ws, m);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  origin = `http://${hostInUrl}:${port}`;
  allowedHosts = new Set([`${hostInUrl}:${port}`, `127.0.0.1:${port}`, `localhost:${port}`]);

  return {
    url: `${origin}/`,
    wsUrl: `${origin.replace(/^http/, 'ws')}/ws`,
    async close() {
      feed.stop();
      for (const ws of sockets.clients) ws.terminate();
      sockets.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      exports.close();
    },
  };
}

function send(ws: WebSocket, message: HostMessage): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
}

function dispatch(handlers: Handlers, request: RequestMessage): Promise<unknown> {
  const handler = handlers[request.method as MethodName] as (params: unknown) => Promise<unknown>;
  return handler(request.params);
}
