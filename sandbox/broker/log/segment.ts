// One segment of a partition log: a file of record batches stored exactly as received, with its
// sparse offset and time indexes held in RAM. The indexes of the active segment live only in RAM
// (crash recovery rebuilds them from the file anyway); they are written to disk when the segment
// is rolled or the log is closed.
import { BATCH_HEADER_SIZE, BATCH_LOG_OVERHEAD, BatchField, readInt32, readInt64 } from '../codec/record-batch';
import type { LogFileSystem } from './log-file-system';
import { OffsetIndex, TimeIndex } from './sparse-index';
import { INDEX_SUFFIX, LOG_SUFFIX, TEMP_SUFFIX, TIME_INDEX_SUFFIX, segmentPath } from './segment-files';

/** What reading a range of a segment found: whole batches only. */
export interface SegmentSlice {
  /** Whole batches, or empty when nothing fit before `upTo`. */
  bytes: Buffer;
  /** The offset after the last batch returned. */
  nextOffset: number;
  /** True when the slice stopped because it reached the end of the segment. */
  reachedEnd: boolean;
}

/** Where a batch sits in its segment file. */
export interface BatchLocation {
  position: number;
  size: number;
}

/** How many header bytes a seek reads at once: an index interval plus a header fits most seeks. */
const SEEK_WINDOW = 16 * 1024;
/** Shared by every seek: the log is synchronous, so no two seeks ever use it at once. */
const seekWindow = Buffer.allocUnsafe(SEEK_WINDOW);

export class Segment {
  size = 0;
  nextOffset: number;
  maxTimestamp = -1;
  /** Base offset of the batch with the largest maxTimestamp (the first such batch). */
  offsetOfMaxTimestamp = -1;
  offsetIndex = new OffsetIndex();
  timeIndex = new TimeIndex();
  private bytesSinceIndexEntry = 0;
  /**
   * Where the newest batch starts, and where the last read ended: consumers at the head ask for
   * the newest batch, and consumers catching up ask for the offset right after their previous
   * read, so both seeks are answered without touching the index or the file.
   */
  private newestBatch = { baseOffset: -1, position: -1 };
  private readEnd = { offset: -1, position: -1 };

  constructor(
    private readonly fs: LogFileSystem,
    private readonly dir: string,
    readonly baseOffset: number,
    readonly fd: number,
    /** Wall-clock time the segment started receiving appends in this process, for segment.ms. */
    public createdAtMs: number,
  ) {
    this.nextOffset = baseOffset;
  }

  /** Creates an empty segment file (emptying a leftover one from an interrupted roll). */
  static create(fs: LogFileSystem, dir: string, baseOffset: number, nowMs: number): Segment {
    const fd = fs.openReadWrite(segmentPath(dir, baseOffset, LOG_SUFFIX));
    if (fs.size(fd) !== 0) fs.truncate(fd, 0);
    return new Segment(fs, dir, baseOffset, fd, nowMs);
  }

  get logPath(): string {
    return segmentPath(this.dir, this.baseOffset, LOG_SUFFIX);
  }

  get indexPath(): string {
    return segmentPath(this.dir, this.baseOffset, INDEX_SUFFIX);
  }

  get timeIndexPath(): string {
    return segmentPath(this.dir, this.baseOffset, TIME_INDEX_SUFFIX);
  }

  /**
   * Records a batch that now sits at `position` (just appended, or found by a recovery scan).
   * Index entries are added per batch, never per record: the first batch of the segment and then
   * the first batch after every `indexIntervalBytes`.
   */
  recordBatch(position: number, baseOffset: number, lastOffset: number, maxTimestamp: number, size: number, indexIntervalBytes: number): void {
    if (maxTimestamp > this.maxTimestamp) {
      this.maxTimestamp = maxTimestamp;
      this.offsetOfMaxTimestamp = baseOffset;
    }
    if (this.offsetIndex.count === 0 || this.bytesSinceIndexEntry >= indexIntervalBytes) {
      this.offsetIndex.append(baseOffset - this.baseOffset, position);
      this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp - this.baseOffset);
      this.bytesSinceIndexEntry = 0;
    }
    this.bytesSinceIndexEntry += size;
    this.newestBatch = { baseOffset, position };
    this.size = position + size;
    this.nextOffset = lastOffset + 1;
  }

  /** Restores the write-side counters after loading trusted index files. */
  restoreTail(size: number, nextOffset: number, bytesSinceIndexEntry: number): void {
    this.size = size;
    this.nextOffset = nextOffset;
    this.bytesSinceIndexEntry = bytesSinceIndexEntry;
  }

  /**
   * Adds the segment's final maximum to the time index, so that the last entry of a sealed
   * segment's time index is its largest timestamp (retention and ListOffsets -3 read it there).
   */
  seal(): void {
    if (this.offsetOfMaxTimestamp >= 0) this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp - this.baseOffset);
  }

  /** Writes both index files, each to a temporary name first so a crash never leaves half a file. */
  writeIndexFiles(): void {
    for (const [target, data] of [
      [this.indexPath, this.offsetIndex.toBuffer()],
      [this.timeIndexPath, this.timeIndex.toBuffer()],
    ] as const) {
      this.fs.writeFile(target + TEMP_SUFFIX, data);
      this.fs.rename(target + TEMP_SUFFIX, target);
    }
  }

  /** Reads exactly `length` bytes at `position`, failing loudly on a short read. */
  readExactly(buf: Uint8Array, offset: number, length: number, position: number): void {
    let done = 0;
    while (done < length) {
      const n = this.fs.read(this.fd, buf, offset + done, length - done, position + done);
      if (n <= 0) throw new Error(`${this.logPath}: short read at ${position + done} (size ${this.size})`);
      done += n;
    }
  }

  /** The file position of the batch containing `offset`, or -1 (see `locate`). */
  positionOf(offset: number): number {
    return this.locate(offset)?.position ?? -1;
  }

  /**
   * The batch containing `offset` (its file position and size), or null when the segment holds no
   * batch at or after it. Starts at the nearest index entry and walks batch headers from there,
   * reading them in windows rather than one read per header.
   */
  locate(offset: number): BatchLocation | null {
    if (offset >= this.nextOffset) return null;
    if (this.newestBatch.baseOffset >= 0 && offset >= this.newestBatch.baseOffset) {
      return { position: this.newestBatch.position, size: this.size - this.newestBatch.position };
    }
    if (offset === this.readEnd.offset) return { position: this.readEnd.position, size: 0 };
    const entry = this.offsetIndex.floor(offset - this.baseOffset);
    let position = entry >= 0 ? this.offsetIndex.positionAt(entry) : 0;
    const window = seekWindow;
    let windowStart = 0;
    let windowLength = 0;
    while (position < this.size) {
      if (windowLength === 0 || position < windowStart || position + BATCH_HEADER_SIZE > windowStart + windowLength) {
        windowStart = position;
        windowLength = Math.min(SEEK_WINDOW, this.size - position);
        this.readExactly(window, 0, windowLength, position);
      }
      const at = position - windowStart;
      const size = readInt32(window, at + BatchField.batchLength) + BATCH_LOG_OVERHEAD;
      const lastOffset = readInt64(window, at + BatchField.baseOffset) + readInt32(window, at + BatchField.lastOffsetDelta);
      if (lastOffset >= offset) return { position, size };
      position += size;
    }
    return null;
  }

  /**
   * Reads whole batches from `position`: as many as fit in `maxBytes` and end before `upTo`, and at
   * least one (even beyond `maxBytes`) when `mustReturnOne`. One read sized to the smaller of
   * `maxBytes` and the rest of the segment; a batch cut by `maxBytes` is left out (or read alone
   * when it is the one batch that must be returned), so the buffer never holds more than one
   * unused partial batch.
   */
  readSlice(position: number, maxBytes: number, upTo: number, mustReturnOne: boolean, firstBatchSize = 0, allocate: (size: number) => Buffer = Buffer.allocUnsafe): SegmentSlice {
    const available = this.size - position;
    // When the first batch alone exceeds the budget, reading the budget first would be wasted:
    // go straight to reading that one batch.
    const length = mustReturnOne && firstBatchSize > maxBytes ? 0 : Math.min(available, Math.max(maxBytes, 0));
    const buf = allocate(Math.max(length, BATCH_HEADER_SIZE));
    if (length > 0) this.readExactly(buf, 0, length, position);
    let end = 0;
    let nextOffset = -1;
    while (end + BATCH_HEADER_SIZE <= length) {
      const batchSize = readInt32(buf, end + BatchField.batchLength) + BATCH_LOG_OVERHEAD;
      const lastOffset = readInt64(buf, end + BatchField.baseOffset) + readInt32(buf, end + BatchField.lastOffsetDelta);
      if (end + batchSize > length || lastOffset >= upTo) break;
      end += batchSize;
      nextOffset = lastOffset + 1;
    }
    if (end > 0) {
      this.readEnd = { offset: nextOffset, position: position + end };
      return { bytes: buf.subarray(0, end), nextOffset, reachedEnd: position + end === this.size };
    }
    if (!mustReturnOne || available < BATCH_HEADER_SIZE) return { bytes: buf.subarray(0, 0), nextOffset: -1, reachedEnd: available === 0 };
    let batchSize = firstBatchSize;
    if (batchSize === 0) {
      if (length < BATCH_HEADER_SIZE) this.readExactly(buf, 0, BATCH_HEADER_SIZE, position);
      batchSize = readInt32(buf, BatchField.batchLength) + BATCH_LOG_OVERHEAD;
    }
    const whole = allocate(batchSize);
    this.readExactly(whole, 0, batchSize, position);
    const lastOffset = readInt64(whole, BatchField.baseOffset) + readInt32(whole, BatchField.lastOffsetDelta);
    if (lastOffset >= upTo) return { bytes: whole.subarray(0, 0), nextOffset: -1, reachedEnd: false };
    this.readEnd = { offset: lastOffset + 1, position: position + batchSize };
    return { bytes: whole, nextOffset: lastOffset + 1, reachedEnd: position + batchSize === this.size };
  }

  /** Bytes of RAM held by this segment's indexes. */
  get indexMemoryBytes(): number {
    return this.offsetIndex.memoryBytes + this.timeIndex.memoryBytes;
  }
}
