// One TCP connection to a Kafka broker speaking the wire protocol through the broker's generated
// codec. Requests are pipelined: each is written as soon as it is made, and responses, which Kafka
// sends in request order on a connection, are matched to their requests by correlation id.
import { connect, type Socket } from 'node:net';
import { decodeResponse, encodeRequest, type ApiKey, type ApiMessages } from '../../../broker/codec/index';

/** A connection failure: the request may or may not have reached the broker, so it is retriable. */
export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
}

/** Opens the TCP socket to a broker; tests pass one that goes through a fault-injecting proxy. */
export type SocketFactory = (host: string, port: number) => Socket;

const defaultSocketFactory: SocketFactory = (host, port) => connect({ host, port });

interface Pending {
  apiKey: ApiKey;
  version: number;
  resolve(frame: Buffer): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** The most a response frame may claim to be, so a corrupt size cannot make us allocate gigabytes. */
const MAX_FRAME_BYTES = 256 * 1024 * 1024;

export class KafkaConnection {
  private readonly pending = new Map<number, Pending>();
  private nextCorrelationId = 1;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private failure: Error | undefined;

  private constructor(
    private readonly socket: Socket,
    readonly address: string,
    private readonly clientId: string,
    private readonly requestTimeoutMs: number,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.fail(new ConnectionError(`${address}: ${error.message}`)));
    socket.on('close', () => this.fail(new ConnectionError(`${address}: connection closed`)));
  }

  /** Connects to host:port, rejecting after `timeoutMs`. */
  static open(host: string, port: number, options: { clientId: string; connectTimeoutMs: number; requestTimeoutMs: number; socketFactory?: SocketFactory }): Promise<KafkaConnection> {
    const address = `${host}:${port}`;
    return new Promise((resolve, reject) => {
      const socket = (options.socketFactory ?? defaultSocketFactory)(host, port);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new ConnectionError(`${address}: no connection after ${options.connectTimeoutMs} ms`));
      }, options.connectTimeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.setNoDelay(true);
        resolve(new KafkaConnection(socket, address, options.clientId, options.requestTimeoutMs));
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(new ConnectionError(`${address}: ${error.message}`));
      });
    });
  }

  get broken(): boolean {
    return this.failure !== undefined;
  }

  /** Sends a request now and resolves with the decoded response. */
  request<K extends ApiKey>(apiKey: K, version: number, body: ApiMessages[K]['request']): Promise<ApiMessages[K]['response']> {
    if (this.failure) return Promise.reject(this.failure);
    const correlationId = this.nextCorrelationId;
    this.nextCorrelationId = (this.nextCorrelationId + 1) | 0 || 1;
    const frames = encodeRequest(apiKey, version, correlationId, this.clientId, body);
    return new Promise<ApiMessages[K]['response']>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new ConnectionError(`${this.address}: no answer to API ${apiKey} within ${this.requestTimeoutMs} ms`)), this.requestTimeoutMs);
      this.pending.set(correlationId, {
        apiKey,
        version,
        timer,
        reject,
        resolve: (frame) => {
          try {
            resolve(decodeResponse(apiKey, version, frame).body);
          } catch (error) {
            reject(error as Error);
          }
        },
      });
      this.socket.cork();
      for (const frame of frames) this.socket.write(frame);
      this.socket.uncork();
    });
  }

  close(): void {
    this.fail(new ConnectionError(`${this.address}: closed by the client`));
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered >= 4) {
      const head = this.chunks[0]!.length >= 4 ? this.chunks[0]! : Buffer.concat(this.chunks);
      const size = head.readInt32BE(0);
      if (size < 4 || size > MAX_FRAME_BYTES) {
        this.fail(new ConnectionError(`${this.address}: response frame of ${size} bytes`));
        return;
      }
      if (this.buffered < 4 + size) return;
      const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
      const frame = all.subarray(4, 4 + size);
      const rest = all.subarray(4 + size);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
      const correlationId = frame.readInt32BE(0);
      const pending = this.pending.get(correlationId);
      if (!pending) {
        this.fail(new ConnectionError(`${this.address}: response to unknown correlation id ${correlationId}`));
        return;
      }
      this.pending.delete(correlationId);
      clearTimeout(pending.timer);
      pending.resolve(frame);
    }
  }

  private fail(error: Error): void {
    if (!this.failure) this.failure = error;
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(this.failure);
    }
    this.pending.clear();
    if (!this.socket.destroyed) this.socket.destroy();
  }
}
