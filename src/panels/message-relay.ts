/**
 * Relays raw JSON messages between a webview and the inspector's WebSocket, in both directions,
 * without reading them: the inspector page and `medallion inspect` share the protocol, the extension
 * host only carries it. The page posts JSON text (objects are serialized), socket text goes to the
 * page as it came. Messages the webview sends before the socket opens wait in a bounded queue.
 * One hook sees webview messages first: the page's requests meant for the host (a download).
 * This file imports no `vscode`, so it is tested in plain Node with a real WebSocket server. `ws` is
 * loaded on first use, so activating the extension does not pay for it.
 */
import type WebSocket from 'ws';

/** The part of a VS Code webview the relay needs. */
export interface WebviewEndpoint {
  postMessage(message: unknown): PromiseLike<boolean>;
  onDidReceiveMessage(listener: (message: unknown) => void): { dispose(): void };
}

export interface RelayOptions {
  /**
   * Most webview messages kept while the socket is not open; older ones are dropped first.
   * @default 1000
   */
  maxQueued?: number;
  /** Told when the socket closes or fails, with the reason. */
  onClose?: (reason: string) => void;
  /**
   * Sees each webview message, parsed, before it is relayed; returning true keeps it from the socket.
   * Only messages whose text contains `"kind"` are parsed, so requests pass through unread.
   */
  forHost?: (message: Record<string, unknown>) => boolean;
}

export class MessageRelay {
  /** Subscribes to the webview at once, so no message is lost while `ws` loads and the socket opens. */
  static async open(webview: WebviewEndpoint, url: string, options: RelayOptions = {}): Promise<MessageRelay> {
    const early: unknown[] = [];
    const buffering = webview.onDidReceiveMessage((m) => early.push(m));
    const { default: WebSocketClass } = await import('ws');
    buffering.dispose();
    return new MessageRelay(webview, new WebSocketClass(url, { maxPayload: 64 * 1024 * 1024 }), options, early);
  }

  private readonly socket: WebSocket;
  private readonly queue: string[] = [];
  private readonly subscription: { dispose(): void };
  private closed = false;
  /** Webview messages dropped because the queue was full. */
  dropped = 0;

  private constructor(webview: WebviewEndpoint, socket: WebSocket, options: RelayOptions, early: unknown[]) {
    const maxQueued = options.maxQueued ?? 1000;
    this.socket = socket;
    const fromWebview = (message: unknown) => {
      const text = typeof message === 'string' ? message : JSON.stringify(message);
      if (options.forHost && text.includes('"kind"') && options.forHost(parseObject(text) ?? {})) return;
      if (this.socket.readyState === this.socket.OPEN) this.socket.send(text);
      else if (!this.closed) {
        this.queue.push(text);
        if (this.queue.length > maxQueued) {
          this.queue.shift();
          this.dropped++;
        }
      }
    };
    for (const message of early) fromWebview(message);
    this.subscription = webview.onDidReceiveMessage(fromWebview);
    this.socket.on('open', () => {
      for (const text of this.queue.splice(0)) this.socket.send(text);
    });
    this.socket.on('message', (data, isBinary) => {
      if (!isBinary) void webview.postMessage(data.toString());
    });
    const finish = (reason: string) => {
      if (this.closed) return;
      this.closed = true;
      this.queue.length = 0;
      options.onClose?.(reason);
    };
    this.socket.on('close', (code) => finish(`the inspector closed the connection (code ${code})`));
    this.socket.on('error', (error) => finish(error.message));
  }

  dispose(): void {
    this.subscription.dispose();
    this.closed = true;
    this.socket.close();
  }
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
