/**
 * A bare TCP connection to the broker that sends arbitrary bytes and reads whole response frames.
 * The fuzz test and the wire-level checks use it to say things no well-behaved client would say,
 * and to see exactly what the broker answers (or that it closed the connection).
 */
import { connect, type Socket } from 'node:net';
import { TestTimeoutError } from './timeouts';

export class RawConnection {
  private readonly chunks: Buffer[] = [];
  private buffered = 0;
  private waiter: (() => void) | undefined;
  private closedFlag = false;
  /** Bytes received in total, so callers can tell an answer from silence. */
  bytesReceived = 0;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      this.bytesReceived += chunk.length;
      this.waiter?.();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closedFlag = true;
      this.waiter?.();
    });
  }

  static open(host: string, port: number, timeoutMs = 5_000): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new TestTimeoutError(`connect to ${host}:${port} timed out`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.setNoDelay(true);
        resolve(new RawConnection(socket));
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /**
   * Writes bytes as they are; resolves when the kernel took them, the peer is gone, or `timeoutMs`
   * passed (a broker that stopped reading this connection must not stall the caller).
   */
  write(bytes: Buffer, timeoutMs = 2_000): Promise<void> {
    if (this.closedFlag || this.socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.socket.write(bytes, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Prefixes `payload` with its int32 size and sends it. */
  sendFrame(payload: Buffer): Promise<void> {
    const size = Buffer.alloc(4);
    size.writeInt32BE(payload.length);
    return this.write(Buffer.concat([size, payload]));
  }

  /**
   * The next response frame (without its size prefix), or null if the broker closed the connection
   * first. Rejects after `timeoutMs` so silence is reported, not waited on forever.
   */
  async readFrame(timeoutMs: number): Promise<Buffer | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.buffered >= 4) {
        const head = this.peek(4);
        const size = head.readInt32BE(0);
        if (this.buffered >= 4 + size) {
          this.take(4);
          return this.take(size);
        }
      }
      if (this.closedFlag) return null;
      const left = deadline - Date.now();
      if (left <= 0) throw new TestTimeoutError(`no response frame within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
  }

  /** Resolves true once the broker closes the connection, false if it is still open after `timeoutMs`. */
  async waitClosed(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closedFlag && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
    return this.closedFlag;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private peek(n: number): Buffer {
    return Buffer.concat(this.chunks).subarray(0, n);
  }

  private take(n: number): Buffer {
    const all = Buffer.concat(this.chunks);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks.length = 0;
    if (rest.length > 0) this.chunks.push(rest);
    this.buffered = rest.length;
    return out;
  }
}
