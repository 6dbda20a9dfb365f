/**
 * Splits a TCP byte stream into Kafka request frames (a 4-byte big-endian size, then that many bytes).
 *
 * The claimed size is checked against a limit before anything is allocated for it, and bytes are only
 * ever copied once a whole frame has arrived, so a peer that claims 2 GB and sends 10 bytes costs
 * nothing but those 10 bytes.
 */
export class FrameError extends Error {
  override readonly name = 'FrameError';
}

export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private expected = -1;

  /**
   * @param maxFrameBytes the largest frame accepted, like Kafka's socket.request.max.bytes; a
   *   function is asked for each frame (the limit is lower before SASL authentication).
   * @param allocate where a frame that spans several reads is assembled (a pool may lend it).
   */
  constructor(
    private readonly maxFrameBytes: number | (() => number),
    private readonly allocate: (size: number) => Buffer = Buffer.allocUnsafe,
  ) {}

  /** Feeds bytes in; returns the frames (without their size prefix) completed by them. */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Buffer[] = [];
    for (;;) {
      if (this.expected < 0) {
        if (this.buffered < 4) break;
        const size = this.peekInt32();
        const limit = typeof this.maxFrameBytes === 'number' ? this.maxFrameBytes : this.maxFrameBytes();
        if (size < 0 || size > limit) {
          throw new FrameError(`frame size ${size} outside 0..${limit}`);
        }
        this.consume(4);
        this.expected = size;
      }
      if (this.buffered < this.expected) break;
      frames.push(this.take(this.expected));
      this.expected = -1;
    }
    return frames;
  }

  /** Bytes received but not yet part of a complete frame. */
  get pendingBytes(): number {
    return this.buffered + (this.expected >= 0 ? 4 : 0);
  }

  private peekInt32(): number {
    const first = this.chunks[0]!;
    if (first.length >= 4) return first.readInt32BE(0);
    return this.take(4, true).readInt32BE(0);
  }

  private consume(n: number): void {
    this.take(n);
  }

  /** Removes n bytes from the front; a frame inside one chunk is returned as a view, not a copy. */
  private take(n: number, peek = false): Buffer {
    const first = this.chunks[0];
    if (first && first.length >= n) {
      const out = first.subarray(0, n);
      if (!peek) {
        if (first.length === n) this.chunks.shift();
        else this.chunks[0] = first.subarray(n);
        this.buffered -= n;
      }
      return out;
    }
    const out = peek ? Buffer.allocUnsafe(n) : this.allocate(n);
    let copied = 0;
    let index = 0;
    while (copied < n) {
      const chunk = this.chunks[index]!;
      const part = Math.min(chunk.length, n - copied);
      chunk.copy(out, copied, 0, part);
      copied += part;
      if (part === chunk.length) index++;
      else if (!peek) this.chunks[index] = chunk.subarray(part);
    }
    if (!peek) {
      this.chunks.splice(0, index);
      this.buffered -= n;
    }
    return out;
  }
}
