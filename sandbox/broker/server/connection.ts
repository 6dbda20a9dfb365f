/**
 * One client connection: frames in, responses out, strictly in request order.
 *
 * Kafka clients match responses by correlation id and some (kafka-python) fail on any reordering,
 * so requests are processed one at a time per connection while later ones queue (pitfall 3).
 * A pending Fetch therefore holds back later requests on the same connection, as in real Kafka.
 * Anything malformed closes this connection only; the broker keeps serving everyone else.
 */
import type { Socket } from 'node:net';
import { ConnectionSession } from '../sasl/index';
import type { BufferPool } from './buffer-pool';
import { FrameError, FrameReader } from './frame-reader';
import type { RequestDispatcher } from './request-dispatcher';

/** Produce's API key: its frames are done with once handled (the log has written the batches). */
const PRODUCE_KEY = 0;

export interface ConnectionOptions {
  maxFrameBytes: number;
  /**
   * With SASL on, the largest frame accepted before the connection has authenticated, so a peer
   * without credentials cannot make the broker hold 100 MiB (Kafka's sasl.server.max.receive.size).
   */
  unauthenticatedMaxFrameBytes?: number;
  /** Lends the large buffers of fetch reads and of frames; they go back once written or appended. */
  bufferPool?: BufferPool;
  onProtocolError(remote: string, reason: string): void;
}

export class Connection {
  private readonly reader: FrameReader;
  private readonly queue: Buffer[] = [];
  private processing = false;
  /** Set once a response that must be the last is written; whatever the peer sends after is dropped. */
  private ending = false;
  private readonly closeListeners = new Set<() => void>();
  readonly remoteAddress: string;
  readonly session = new ConnectionSession();

  constructor(
    private readonly socket: Socket,
    private readonly dispatcher: RequestDispatcher,
    private readonly options: ConnectionOptions,
  ) {
    this.remoteAddress = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    const pool = options.bufferPool;
    const before = options.unauthenticatedMaxFrameBytes;
    const limit = before === undefined ? options.maxFrameBytes : () => (this.session.authenticated ? options.maxFrameBytes : Math.min(before, options.maxFrameBytes));
    this.reader = new FrameReader(limit, pool ? (size) => pool.allocate(size) : undefined);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => this.socket.destroy());
    socket.on('close', () => {
      for (const listener of [...this.closeListeners]) listener();
      this.closeListeners.clear();
    });
  }

  /** A buffer for a response's bytes; the connection returns it to the pool once they are written. */
  allocate(size: number): Buffer {
    return this.options.bufferPool?.allocate(size) ?? Buffer.allocUnsafe(size);
  }

  onClose(listener: () => void): () => void {
    if (this.socket.destroyed) {
      listener();
      return () => undefined;
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.ending) return;
    let frames: Buffer[];
    try {
      frames = this.reader.push(chunk);
    } catch (error) {
      this.fail(error instanceof FrameError ? error.message : String(error));
      return;
    }
    if (frames.length === 0) return;
    this.queue.push(...frames);
    // Stop reading while a backlog is processed so a fast producer cannot fill our memory.
    if (this.queue.length > 64) this.socket.pause();
    if (!this.processing) void this.drain();
  }

  private async drain(): Promise<void> {
    this.processing = true;
    try {
      while (this.queue.length > 0 && !this.socket.destroyed) {
        const frame = this.queue.shift()!;
        let outcome: Awaited<ReturnType<RequestDispatcher['dispatch']>>;
        try {
          outcome = await this.dispatcher.dispatch(frame, this);
        } catch (error) {
          // drain() runs detached, so anything thrown here would be an unhandled rejection, which
          // ends the process: a bug met by one request must close only its connection.
          this.fail(`internal error: ${error instanceof Error ? error.message : String(error)}`);
          return;
        }
        // Nothing keeps a Produce frame once it is handled: the log wrote its batches synchronously
        // and the request's other fields were copied out. Other requests' frames may be referenced
        // by what a handler kept (group metadata, say), so only Produce frames are reused.
        if (frame.length >= 2 && frame.readInt16BE(0) === PRODUCE_KEY) this.options.bufferPool?.release(frame);
        if (outcome.kind === 'close') {
          this.fail(outcome.reason);
          return;
        }
        if (outcome.kind === 'respond' && !this.socket.destroyed) this.write(outcome.chunks);
        if (outcome.kind === 'respond' && outcome.thenClose !== undefined) {
          // end(), not destroy(): the response (a SASL failure's reason) must reach the client first.
          this.options.onProtocolError(this.remoteAddress, outcome.thenClose);
          this.queue.length = 0;
          this.ending = true;
          this.socket.end();
          // A peer that never closes its side must not hold the socket open.
          setTimeout(() => this.socket.destroy(), 2_000).unref();
          return;
        }
        if (this.queue.length <= 16 && this.socket.isPaused()) this.socket.resume();
      }
    } finally {
      this.processing = false;
    }
  }

  private write(chunks: Buffer[]): void {
    const pool = this.options.bufferPool;
    // The last write's callback runs once every chunk before it is written too (or the socket
    // failed): only then may pooled chunks (fetched records) be lent out again.
    const done = pool ? () => { for (const chunk of chunks) pool.release(chunk); } : undefined;
    if (chunks.length === 1) {
      this.socket.write(chunks[0]!, done);
      return;
    }
    this.socket.cork();
    for (let i = 0; i < chunks.length; i++) this.socket.write(chunks[i]!, i === chunks.length - 1 ? done : undefined);
    this.socket.uncork();
  }

  private fail(reason: string): void {
    this.options.onProtocolError(this.remoteAddress, reason);
    this.queue.length = 0;
    this.socket.destroy();
  }
}
