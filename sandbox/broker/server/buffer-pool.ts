/**
 * Large buffers the broker reuses instead of allocating per request: fetch reads from segment
 * files and Produce frames that arrive in several socket reads. Every new ArrayBuffer counts as
 * external memory, and V8 runs a full garbage collection for every few tens of megabytes of it,
 * however little of the heap is garbage: moving a few hundred megabytes through the broker cost
 * more in those collections than in everything else it did with the bytes.
 *
 * A buffer handed out is the caller's until it calls `release` (the connection does once the
 * socket has written a response, or once a Produce request is appended). A buffer never released
 * (its connection closed first) is simply left to the garbage collector. Free buffers are capped
 * at `maxFreeBytes` in all, so memory stays bounded.
 */
export class BufferPool {
  private readonly free: Buffer[] = [];
  private freeBytes = 0;
  /** Backing stores handed out and not yet released: release ignores anything else. */
  private readonly lent = new WeakSet<ArrayBufferLike>();

  constructor(
    /** Smaller requests are plain allocations: they cost the collector little. */
    private readonly minBytes = 64 * 1024,
    private readonly maxFreeBytes = 32 * 1024 * 1024,
  ) {}

  /** A buffer of exactly `size` bytes (a view of a pooled one when large enough), contents undefined. */
  allocate(size: number): Buffer {
    if (size < this.minBytes) return Buffer.allocUnsafe(size);
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const length = this.free[i]!.length;
      if (length >= size && (best < 0 || length < this.free[best]!.length)) best = i;
    }
    // A free buffer much larger than asked for stays for a request that needs it.
    let whole: Buffer;
    if (best >= 0 && this.free[best]!.length <= size * 4) {
      whole = this.free.splice(best, 1)[0]!;
      this.freeBytes -= whole.length;
    } else {
      whole = Buffer.allocUnsafeSlow(2 ** Math.ceil(Math.log2(size)));
    }
    this.lent.add(whole.buffer);
    return whole.subarray(0, size);
  }

  /** Takes back a buffer `allocate` returned (or any view of it); anything else is ignored. */
  release(view: Buffer): void {
    const backing = view.buffer;
    if (!this.lent.has(backing)) return;
    this.lent.delete(backing);
    const whole = Buffer.from(backing);
    if (this.freeBytes + whole.length > this.maxFreeBytes) return;
    this.free.push(whole);
    this.freeBytes += whole.length;
  }

  /** Bytes held for reuse. */
  get idleBytes(): number {
    return this.freeBytes;
  }
}
