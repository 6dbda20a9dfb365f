/**
 * How messages leave the page: postMessage inside VS Code (the extension relays them, unread, to
 * the inspector server's WebSocket) or a WebSocket to the serving origin in a browser. Both carry
 * the same JSON text, so nothing above this file knows which host it runs in.
 */
import type { HostMessage } from '../sandbox/protocol/inspector';
import type { PageConfig } from './page-config';

export interface Transport {
  send(text: string): void;
  onMessage(listener: (message: HostMessage) => void): void;
  onStatus(listener: (status: 'open' | 'closed') => void): void;
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare global {
  function acquireVsCodeApi(): VsCodeApi;
}

let vscodeApi: VsCodeApi | undefined;

/** VS Code hands out its API once per page, so it is kept here for the transport and the state. */
export function vsCode(): VsCodeApi | undefined {
  if (vscodeApi === undefined && typeof acquireVsCodeApi === 'function') vscodeApi = acquireVsCodeApi();
  return vscodeApi;
}

function postMessageTransport(api: VsCodeApi): Transport {
  const listeners: ((m: HostMessage) => void)[] = [];
  window.addEventListener('message', (event: MessageEvent) => {
    const data: unknown = event.data;
    const text = typeof data === 'string' ? data : JSON.stringify(data);
    let message: HostMessage;
    try {
      message = JSON.parse(text) as HostMessage;
    } catch {
      return;
    }
    for (const l of listeners) l(message);
  });
  return {
    // The extension's relay serializes what it is given, so it is given the message, not its text.
    send: (text) => api.postMessage(JSON.parse(text)),
    onMessage: (l) => listeners.push(l),
    onStatus: (l) => l('open'),
  };
}

/** A WebSocket that reconnects after a drop, queueing what is sent meanwhile. */
function webSocketTransport(url: string): Transport {
  const listeners: ((m: HostMessage) => void)[] = [];
  const statusListeners: ((s: 'open' | 'closed') => void)[] = [];
  const queue: string[] = [];
  let socket: WebSocket;
  let retryMs = 250;
  const connect = () => {
    socket = new WebSocket(url);
    socket.addEventListener('open', () => {
      retryMs = 250;
      for (const l of statusListeners) l('open');
      for (const text of queue.splice(0)) socket.send(text);
    });
    socket.addEventListener('message', (event: MessageEvent) => {
      const message = JSON.parse(String(event.data)) as HostMessage;
      for (const l of listeners) l(message);
    });
    socket.addEventListener('close', () => {
      for (const l of statusListeners) l('closed');
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 5000);
    });
  };
  connect();
  return {
    send: (text) => (socket.readyState === WebSocket.OPEN ? socket.send(text) : queue.push(text)),
    onMessage: (l) => listeners.push(l),
    onStatus: (l) => statusListeners.push(l),
  };
}

export function createTransport(config: PageConfig): Transport {
  const api = config.transport === 'postmessage' ? vsCode() : undefined;
  if (api !== undefined) return postMessageTransport(api);
  const url = config.wsUrl ?? `${location.origin.replace(/^http/, 'ws')}/ws`;
  return webSocketTransport(url);
}
