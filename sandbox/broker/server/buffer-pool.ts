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
  /** Free buffers by size class: every pooled buffer is a power of two bytes long. */
  private readonly free = new Map<number, Buffer[]>();
  private freeBytes = 0;
  /** Backing stores handed out and not yet released: release ignores anything else. */
  private readonly lent = new WeakSet<ArrayBufferLike>();

  constructor(
    /** Smaller requests are plain allocations: they cost the collector little. */
    private readonly minBytes = 16 * 1024,
    private readonly maxFreeBytes = 32 * 1024 * 1024,
  ) {}

  /**
   * A buffer of exactly `size` bytes (a view of a pooled one when large enough), contents
   * undefined. A free buffer of the size's class or of the next two (at most four times as large)
   * is reused; otherwise one of the size's class is made.
   */
  allocate(size: number): Buffer {
    if (size < this.minBytes) return Buffer.allocUnsafe(size);
    const sizeClass = 2 ** Math.ceil(Math.log2(size));
    let whole: Buffer | undefined;
    for (let c = sizeClass; c <= sizeClass * 4 && whole === undefined; c *= 2) whole = this.free.get(c)?.pop();
    if (whole === undefined) whole = Buffer.allocUnsafeSlow(sizeClass);
    else this.freeBytes -= whole.length;
    this.lent.add(whole.buffer);
    return whole.subarray(0, size);
  }

  /** Takes back a buffer `allocate` returned (or any view of it); anything else is ignored. */
  release(view: Buffer): void {
    const backing = view.buffer;
    if (!this.lent.has(backing)) return;
    this.lent.delete(backing);
    if (this.freeBytes + backing.byteLength > this.maxFreeBytes) return;
    let list = this.free.get(backing.byteLength);
    if (list === undefined) this.free.set(backing.byteLength, (list = []));
    list.push(Buffer.from(backing));
    this.freeBytes += backing.byteLength;
  }

  /** Bytes held for reuse. */
  get idleBytes(): number {
    return this.freeBytes;
  }
}
