// Sequential walks over the batches of a segment file, reading large chunks rather than one read
// per batch. `scanVerified` checks every batch as crash recovery must (complete header, length
// inside the file, magic, CRC32C, offsets following on); `scanHeaders` trusts the file and reads
// headers only, as rebuilding producer state does.
import { BATCH_HEADER_SIZE, BATCH_LOG_OVERHEAD, BatchField, CorruptRecordError, readBatchHeader, readInt32, validateBatchAt, type BatchHeader } from '../codec/record-batch';
import type { LogFileSystem } from './log-file-system';

/** Recovery reads whole batches, so it reads big chunks. */
const VERIFY_CHUNK = 1024 * 1024;
/** A header walk skips over batch data, so it reads small windows: large batches are never read. */
const HEADER_CHUNK = 64 * 1024;

/**
 * Visits one batch: its position, parsed header, and its bytes (valid only during the call).
 * Returning true stops the walk.
 */
export type BatchVisitor = (position: number, header: BatchHeader, bytes: Buffer) => boolean | void;

export interface VerifiedScan {
  /** End of the last good batch: the file's valid length. */
  validEnd: number;
  /** The offset after the last good batch. */
  nextOffset: number;
  /** Why the scan stopped before the end of the file, or null when the whole file is good. */
  problem: string | null;
}

/** A window over a file that re-reads only when the bytes asked for are not already in it. */
class FileWindow {
  private buf: Buffer;
  private start = 0;
  private length = 0;

  constructor(
    private readonly fs: LogFileSystem,
    private readonly fd: number,
    private readonly fileSize: number,
    private readonly chunk: number,
  ) {
    this.buf = Buffer.allocUnsafe(chunk);
  }

  /** Returns a buffer holding `[position, position + length)` and where that range starts in it. */
  get(position: number, length: number): [Buffer, number] {
    if (position >= this.start && position + length <= this.start + this.length) return [this.buf, position - this.start];
    if (length > this.buf.length) this.buf = Buffer.allocUnsafe(length);
    const want = Math.min(Math.max(length, this.chunk), this.buf.length, this.fileSize - position);
    let done = 0;
    while (done < want) {
      const n = this.fs.read(this.fd, this.buf, done, want - done, position + done);
      if (n <= 0) break;
      done += n;
    }
    this.start = position;
    this.length = done;
    if (done < length) throw new Error(`short read: ${done} of ${length} bytes at ${position}`);
    return [this.buf, 0];
  }
}

/**
 * Walks the batches from `startPosition`, verifying each, until the end of the file or the first
 * bad batch. `expectedOffset` is the base offset the first batch must have; each later batch must
 * start right after the previous one (baseOffset is not covered by the CRC, so this is the only
 * check that catches a damaged offset).
 */
export function scanVerified(
  fs: LogFileSystem,
  fd: number,
  fileSize: number,
  startPosition: number,
  expectedOffset: number,
  visit: BatchVisitor,
): VerifiedScan {
  const window = new FileWindow(fs, fd, fileSize, VERIFY_CHUNK);
  let position = startPosition;
  let nextOffset = expectedOffset;
  while (position < fileSize) {
    const remaining = fileSize - position;
    if (remaining < BATCH_HEADER_SIZE) {
      return { validEnd: position, nextOffset, problem: `partial batch header: ${remaining} bytes at the end of the file` };
    }
    const [head, headAt] = window.get(position, BATCH_HEADER_SIZE);
    const batchSize = readInt32(head, headAt + BatchField.batchLength) + BATCH_LOG_OVERHEAD;
    if (batchSize < BATCH_HEADER_SIZE) return { validEnd: position, nextOffset, problem: `batchLength ${batchSize - BATCH_LOG_OVERHEAD} is shorter than a header` };
    if (batchSize > remaining) {
      return { validEnd: position, nextOffset, problem: `batch of ${batchSize} bytes runs past the end of the file (${remaining} bytes left)` };
    }
    const [buf, at] = window.get(position, batchSize);
    const bytes = buf.subarray(at, at + batchSize);
    let header: BatchHeader;
    try {
      header = validateBatchAt(bytes, 0);
    } catch (error) {
      if (error instanceof CorruptRecordError) return { validEnd: position, nextOffset, problem: error.reason };
      throw error;
    }
    if (header.baseOffset !== nextOffset) {
      return { validEnd: position, nextOffset, problem: `batch has baseOffset ${header.baseOffset} where ${nextOffset} was expected` };
    }
    visit(position, header, bytes);
    nextOffset = header.baseOffset + header.lastOffsetDelta + 1;
    position += batchSize;
  }
  return { validEnd: position, nextOffset, problem: null };
}

/**
 * Walks batch headers from `startPosition` to `endPosition` without verifying anything. `bytes`
 * holds the whole batch only when `wantBytes(header)` says so (control batches, which are tiny);
 * otherwise it holds just the header, so large batches are skipped over rather than read.
 */
export function scanHeaders(
  fs: LogFileSystem,
  fd: number,
  startPosition: number,
  endPosition: number,
  wantBytes: (header: BatchHeader) => boolean,
  visit: BatchVisitor,
): void {
  const window = new FileWindow(fs, fd, endPosition, HEADER_CHUNK);
  let position = startPosition;
  while (position + BATCH_HEADER_SIZE <= endPosition) {
    const [head, headAt] = window.get(position, BATCH_HEADER_SIZE);
    const header = readBatchHeader(head, headAt);
    const batchSize = header.batchLength + BATCH_LOG_OVERHEAD;
    let stop: boolean | void;
    if (wantBytes(header)) {
      const [buf, at] = window.get(position, batchSize);
      stop = visit(position, header, buf.subarray(at, at + batchSize));
    } else {
      stop = visit(position, header, head.subarray(headAt, headAt + BATCH_HEADER_SIZE));
    }
    if (stop === true) return;
    position += batchSize;
  }
}
