// The sparse indexes of one segment, held in typed arrays (no object per entry) and stored in
// Kafka's own file formats: `.index` entries are (relative offset i32, position i32), 8 bytes;
// `.timeindex` entries are (timestamp i64, relative offset i32), 12 bytes. Relative offsets are
// counted from the segment's base offset.

const INITIAL_CAPACITY = 16;

/** Relative offset → file position, one entry per batch that starts an index interval. */
export class OffsetIndex {
  private rel = new Int32Array(INITIAL_CAPACITY);
  private pos = new Int32Array(INITIAL_CAPACITY);
  count = 0;

  static readonly ENTRY_SIZE = 8;

  append(relativeOffset: number, position: number): void {
    if (this.count === this.rel.length) {
      this.rel = grow(this.rel);
      this.pos = grow(this.pos);
    }
    this.rel[this.count] = relativeOffset;
    this.pos[this.count] = position;
    this.count++;
  }

  relativeOffsetAt(i: number): number {
    return this.rel[i]!;
  }

  positionAt(i: number): number {
    return this.pos[i]!;
  }

  /** The index of the last entry whose relative offset is <= `relativeOffset`, or -1. */
  floor(relativeOffset: number): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.rel[mid]! <= relativeOffset) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** Drops every entry at or past `position` (after a truncation). */
  truncateToPosition(position: number): void {
    while (this.count > 0 && this.pos[this.count - 1]! >= position) this.count--;
  }

  toBuffer(): Buffer {
    const out = Buffer.allocUnsafe(this.count * OffsetIndex.ENTRY_SIZE);
    for (let i = 0; i < this.count; i++) {
      out.writeInt32BE(this.rel[i]!, i * 8);
      out.writeInt32BE(this.pos[i]!, i * 8 + 4);
    }
    return out;
  }

  /**
   * Parses an index file, or returns null when it is not a well-formed index: a size that is not
   * whole entries, or offsets and positions that do not strictly increase from (0, 0).
   */
  static parse(data: Buffer): OffsetIndex | null {
    if (data.length === 0 || data.length % OffsetIndex.ENTRY_SIZE !== 0) return null;
    const index = new OffsetIndex();
    for (let at = 0; at < data.length; at += OffsetIndex.ENTRY_SIZE) {
      const rel = data.readInt32BE(at);
      const pos = data.readInt32BE(at + 4);
      if (index.count === 0 ? rel !== 0 || pos !== 0 : rel <= index.rel[index.count - 1]! || pos <= index.pos[index.count - 1]!) return null;
      index.append(rel, pos);
    }
    return index;
  }

  /** Bytes of RAM held by the entries (capacity included). */
  get memoryBytes(): number {
    return this.rel.byteLength + this.pos.byteLength;
  }
}

/**
 * Running maximum timestamp → relative offset of the batch that set it. Producer timestamps are not
 * monotonic, so the index is keyed by the running maximum, which is: timestamps strictly increase
 * from entry to entry, and every batch before an entry's batch has a smaller or equal timestamp.
 */
export class TimeIndex {
  private ts = new Float64Array(INITIAL_CAPACITY);
  private rel = new Int32Array(INITIAL_CAPACITY);
  count = 0;

  static readonly ENTRY_SIZE = 12;

  /** Appends when `timestamp` exceeds the last entry's; a repeated maximum adds nothing. */
  maybeAppend(timestamp: number, relativeOffset: number): void {
    if (this.count > 0 && timestamp <= this.ts[this.count - 1]!) return;
    if (this.count === this.ts.length) {
      this.ts = grow(this.ts);
      this.rel = grow(this.rel);
    }
    this.ts[this.count] = timestamp;
    this.rel[this.count] = relativeOffset;
    this.count++;
  }

  timestampAt(i: number): number {
    return this.ts[i]!;
  }

  relativeOffsetAt(i: number): number {
    return this.rel[i]!;
  }

  /** The index of the last entry whose timestamp is < `timestamp`, or -1. */
  lastBefore(timestamp: number): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ts[mid]! < timestamp) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** Drops every entry for a relative offset at or past `relativeOffset` (after a truncation). */
  truncateToRelativeOffset(relativeOffset: number): void {
    while (this.count > 0 && this.rel[this.count - 1]! >= relativeOffset) this.count--;
  }

  toBuffer(): Buffer {
    const out = Buffer.allocUnsafe(this.count * TimeIndex.ENTRY_SIZE);
    for (let i = 0; i < this.count; i++) {
      out.writeBigInt64BE(BigInt(this.ts[i]!), i * 12);
      out.writeInt32BE(this.rel[i]!, i * 12 + 8);
    }
    return out;
  }

  /** Parses a time index file, or returns null unless timestamps and offsets strictly increase. */
  static parse(data: Buffer): TimeIndex | null {
    if (data.length === 0 || data.length % TimeIndex.ENTRY_SIZE !== 0) return null;
    const index = new TimeIndex();
    for (let at = 0; at < data.length; at += TimeIndex.ENTRY_SIZE) {
      const ts = Number(data.readBigInt64BE(at));
      const rel = data.readInt32BE(at + 8);
      if (rel < 0 || (index.count > 0 && (ts <= index.ts[index.count - 1]! || rel <= index.rel[index.count - 1]!))) return null;
      index.maybeAppend(ts, rel);
    }
    return index;
  }

  get memoryBytes(): number {
    return this.ts.byteLength + this.rel.byteLength;
  }
}

function grow<T extends Int32Array | Float64Array>(a: T): T {
  const next = new (a.constructor as new (n: number) => T)(a.length * 2);
  next.set(a);
  return next;
}
