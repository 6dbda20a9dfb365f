// The log of one partition: a directory of segments holding record batches exactly as produced.
// Appends rewrite only each batch's baseOffset (and leader epoch), then write the whole Produce
// partition in one write call; reads return whole batches straight from the segment files. RAM
// holds the sparse indexes, producer state and transaction lists, never the data.
import path from 'node:path';
import {
  BATCH_HEADER_SIZE,
  BATCH_LOG_OVERHEAD,
  Compression,
  CorruptRecordError,
  RecordErrorCode,
  controlType,
  decodeRecords,
  readBatchHeader,
  setBaseOffset,
  setLogAppendTime,
  setPartitionLeaderEpoch,
  splitBatches,
  type BatchHeader,
  type BatchView,
} from '../codec/record-batch';
import { scanHeaders } from './batch-scan';
import { MAX_SEGMENT_BYTES, resolveLogConfig, type LogConfig } from './log-config';
import type { LogFileSystem } from './log-file-system';
import { nodeFileSystem } from './node-file-system';
import { decodeSnapshot, encodeSnapshot } from './producer-snapshot';
import { ProducerStateTable, lastSequenceOf, type ProducerEntry } from './producer-state';
import { Segment } from './segment';
import { loadSealedSegment, recoverActiveSegment, type RecoveryReport } from './segment-recovery';
import {
  INDEX_SUFFIX,
  LOG_START_OFFSET_FILE,
  LOG_SUFFIX,
  SNAPSHOT_SUFFIX,
  TEMP_SUFFIX,
  TIME_INDEX_SUFFIX,
  offsetFileName,
  parseOffsetFileName,
} from './segment-files';
import { TransactionState, type AbortedTransaction } from './transaction-state';

/** Kafka error codes the log answers with. */
export const LogErrorCode = {
  none: 0,
  offsetOutOfRange: 1,
  corruptMessage: RecordErrorCode.corruptMessage,
  invalidRecord: RecordErrorCode.invalidRecord,
  kafkaStorageError: 56,
} as const;

export interface AppendOptions {
  /** The broker's clock, for LogAppendTime and segment.ms; defaults to Date.now(). */
  nowMs?: number;
  /**
   * Who is writing. As in Kafka, a producer may not write control batches (transaction markers):
   * it could end anyone's transaction. The Produce handler passes 'client' to have them refused
   * with INVALID_RECORD; the broker's own transaction coordinator may pass 'coordinator' or nothing.
   * @default unset: an internal writer, trusted to write markers
   */
  origin?: 'client' | 'coordinator';
  /**
   * The batches of `records` as `splitBatches(records)` returned them, when the caller has just
   * validated them: the log then does not check every CRC a second time. They must be views of
   * this very buffer, unchanged since.
   * @default unset: the log splits and validates `records` itself
   */
  validatedBatches?: BatchView[];
}

export type AppendResult =
  | { kind: 'appended'; baseOffset: number; lastOffset: number; logAppendTime: number; logStartOffset: number }
  | { kind: 'duplicate'; baseOffset: number; logStartOffset: number }
  | { kind: 'error'; errorCode: number; message: string };

export interface ReadResult {
  /** 0, or OFFSET_OUT_OF_RANGE (1) when the offset is below the log start or past the high watermark. */
  errorCode: number;
  /** Whole batches, in order; empty at the high watermark (or `upTo`). */
  chunks: Buffer[];
  /** Total bytes in `chunks`. */
  size: number;
}

export interface TimestampOffset {
  offset: number;
  timestamp: number;
}

export interface DeleteRecordsResult {
  errorCode: number;
  lowWatermark: number;
}

const INT32_MAX = 0x7fffffff;

/** True when `views` are consecutive views of `records` from its first byte to its last. */
function coversExactly(views: BatchView[], records: Buffer): boolean {
  if (views.length === 0) return false;
  let at = records.byteOffset;
  for (const v of views) {
    if (v.bytes.buffer !== records.buffer || v.bytes.byteOffset !== at) return false;
    at += v.bytes.length;
  }
  return at === records.byteOffset + records.length;
}
/** Snapshots kept besides the newest, in case the newest turns out to be past a truncation. */
const SNAPSHOTS_KEPT = 2;

export class PartitionLog {
  private readonly segments: Segment[] = [];
  private readonly producers = new ProducerStateTable();
  private readonly transactions = new TransactionState();
  private startOffset = 0;
  private closed = false;
  /** Set when a failed append could not be undone: the file no longer matches memory. */
  private failure: Error | null = null;
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly pendingFlushes = new Set<Promise<void>>();
  private dirtySinceFlush = false;
  /**
   * False for a new partition until its first append: its directory and first segment file are
   * made then. A pipeline creates dozens of partitions (side outputs, idle partitions) that may
   * never hold a record, and each directory and file costs the broker a millisecond of system time.
   */
  private onDisk = true;
  private report: RecoveryReport = { truncations: [], rebuiltIndexes: [], producerStateScannedFrom: 0, durationMs: 0 };

  private constructor(
    readonly dir: string,
    readonly config: Readonly<LogConfig>,
    private readonly fs: LogFileSystem,
  ) {}

  /**
   * Opens (creating if needed) the log in `dir` and recovers it: sealed segments trust their index
   * files when those are consistent with the segment's tail and are rebuilt otherwise; the last
   * segment is always scanned batch by batch, verifying CRC32C, and cut at the first torn or
   * corrupt batch. `recovery` reports what was cut.
   */
  static async open(dir: string, config: Partial<LogConfig> = {}, fs: LogFileSystem = nodeFileSystem): Promise<PartitionLog> {
    const log = new PartitionLog(dir, resolveLogConfig(config), fs);
    log.load();
    if (log.config.flushIntervalMs > 0) {
      log.flushTimer = setInterval(() => void log.flush().catch(() => undefined), log.config.flushIntervalMs);
      log.flushTimer.unref();
    }
    return log;
  }

  /** The offset the next appended record gets. */
  get highWatermark(): number {
    return this.active.nextOffset;
  }

  get logStartOffset(): number {
    return this.startOffset;
  }

  /** The first offset of the earliest open transaction, or the high watermark when none is open. */
  get lastStableOffset(): number {
    return this.transactions.lastStableOffset(this.highWatermark);
  }

  /** Bytes of all segment files. */
  get size(): number {
    let total = 0;
    for (const s of this.segments) total += s.size;
    return total;
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  get recovery(): Readonly<RecoveryReport> {
    return this.report;
  }

  /** Bytes of RAM held by the offset and time indexes of every segment. */
  get indexMemoryBytes(): number {
    let total = 0;
    for (const s of this.segments) total += s.indexMemoryBytes;
    return total;
  }

  private get active(): Segment {
    return this.segments[this.segments.length - 1]!;
  }

  /**
   * Appends the batches of one Produce partition (validated again here: the log is the source of
   * truth and a bad batch stored would cost every batch after it at the next recovery). Offsets are
   * assigned by rewriting each batch's baseOffset in place in `records`, which is then written with
   * one write call; nothing is kept in RAM afterwards.
   */
  append(records: Buffer, opts: AppendOptions = {}): AppendResult {
    this.assertOpen();
    if (this.failure) return { kind: 'error', errorCode: LogErrorCode.kafkaStorageError, message: `log is failed: ${this.failure.message}` };
    let views: BatchView[];
    if (opts.validatedBatches && coversExactly(opts.validatedBatches, records)) {
      views = opts.validatedBatches;
    } else {
      try {
        views = splitBatches(records);
      } catch (error) {
        if (error instanceof CorruptRecordError) return { kind: 'error', errorCode: error.errorCode, message: error.message };
        throw error;
      }
    }
    const nowMs = opts.nowMs ?? Date.now();

    const planned = this.planProducerState(views, this.highWatermark, nowMs, opts.origin ?? 'coordinator');
    if (planned.kind !== 'ok') return planned.kind === 'duplicate' ? { ...planned, logStartOffset: this.startOffset } : planned;

    let offset = this.highWatermark;
    for (const v of views) {
      setBaseOffset(v.bytes, offset);
      if (this.config.leaderEpoch >= 0) setPartitionLeaderEpoch(v.bytes, this.config.leaderEpoch);
      if (this.config.logAppendTime) setLogAppendTime(v.bytes, nowMs);
      offset += v.header.lastOffsetDelta + 1;
    }
    const baseOffset = this.highWatermark;
    const lastOffset = offset - 1;

    if (!this.onDisk) {
      try {
        this.fs.mkdirp(this.dir);
        this.segments[0] = Segment.create(this.fs, this.dir, 0, nowMs);
        this.onDisk = true;
      } catch (error) {
        return { kind: 'error', errorCode: LogErrorCode.kafkaStorageError, message: `creating the log failed: ${(error as Error).message}` };
      }
    }

    if (this.shouldRoll(records.length, lastOffset, nowMs)) {
      try {
        this.roll(nowMs);
      } catch (error) {
        // A roll that fails before the new segment exists leaves the old one active, which stays
        // correct (only larger than segment.bytes); the producer gets a retriable storage error.
        return { kind: 'error', errorCode: LogErrorCode.kafkaStorageError, message: `segment roll failed: ${(error as Error).message}` };
      }
    }
    const segment = this.active;
    if (segment.size === 0) segment.createdAtMs = nowMs;
    const position = segment.size;
    const failed = this.writeAll(segment, records, position);
    if (failed) return failed;

    let batchPosition = position;
    let batchBase = baseOffset;
    for (const v of views) {
      const h = v.header;
      const maxTimestamp = this.config.logAppendTime ? nowMs : h.maxTimestamp;
      segment.recordBatch(batchPosition, batchBase, batchBase + h.lastOffsetDelta, maxTimestamp, v.bytes.length, this.config.indexIntervalBytes);
      this.applyTransactions(h, v.bytes, batchBase);
      batchPosition += v.bytes.length;
      batchBase += h.lastOffsetDelta + 1;
    }
    for (const [pid, entry] of planned.entries) this.producers.set(pid, entry);
    this.dirtySinceFlush = true;
    return { kind: 'appended', baseOffset, lastOffset, logAppendTime: this.config.logAppendTime ? nowMs : -1, logStartOffset: this.startOffset };
  }

  /**
   * Returns whole batches starting with the one that contains `fetchOffset`, at least one even when
   * it is larger than `maxBytes`, and none that reaches `upTo` (the high watermark, or the last
   * stable offset for read_committed). Each chunk is read from a segment file into a buffer of its
   * own, from `allocate` (the broker lends pooled buffers and takes them back once the response is
   * written); segments are never read whole.
   */
  read(fetchOffset: number, maxBytes: number, upTo: number = this.highWatermark, allocate: (size: number) => Buffer = Buffer.allocUnsafe): ReadResult {
    this.assertOpen();
    const hw = this.highWatermark;
    if (fetchOffset < this.startOffset || fetchOffset > hw) return { errorCode: LogErrorCode.offsetOutOfRange, chunks: [], size: 0 };
    const limit = Math.min(upTo, hw);
    const chunks: Buffer[] = [];
    let size = 0;
    if (fetchOffset >= limit) return { errorCode: LogErrorCode.none, chunks, size };
    let i = this.segmentIndexFor(fetchOffset);
    let found = null;
    for (; i < this.segments.length; i++) {
      found = this.segments[i]!.locate(fetchOffset);
      if (found) break;
    }
    if (!found) return { errorCode: LogErrorCode.none, chunks, size };
    let position = found.position;
    let budget = maxBytes;
    while (i < this.segments.length) {
      const first = chunks.length === 0;
      const slice = this.segments[i]!.readSlice(position, budget, limit, first, first ? found.size : 0, allocate);
      if (slice.bytes.length > 0) {
        chunks.push(slice.bytes);
        size += slice.bytes.length;
        budget -= slice.bytes.length;
      }
      if (!slice.reachedEnd || budget <= 0 || (slice.nextOffset >= 0 && slice.nextOffset >= limit)) break;
      i++;
      position = 0;
    }
    return { errorCode: LogErrorCode.none, chunks, size };
  }

  /**
   * The earliest offset whose timestamp is >= `timestamp`, and that timestamp; null when no record
   * is that recent. The time index (keyed by the running maximum, since producer timestamps are not
   * monotonic) finds the first batch whose maxTimestamp is >= `timestamp`; inside it, the first
   * such record is found when the batch can be opened (uncompressed or gzip). For other codecs the
   * answer is the batch's base offset and maxTimestamp: a consumer starting there sees a few
   * earlier records first, because the broker never decompresses those codecs.
   */
  offsetForTimestamp(timestamp: number): TimestampOffset | null {
    this.assertOpen();
    for (const segment of this.segments) {
      if (segment.maxTimestamp < timestamp || segment.nextOffset <= this.startOffset) continue;
      const entry = segment.timeIndex.lastBefore(timestamp);
      const from = Math.max(entry >= 0 ? segment.baseOffset + segment.timeIndex.relativeOffsetAt(entry) : segment.baseOffset, this.startOffset);
      const position = segment.positionOf(from);
      if (position < 0) continue;
      let found: { position: number; header: BatchHeader } | null = null;
      scanHeaders(this.fs, segment.fd, position, segment.size, () => false, (pos, h) => {
        if (h.maxTimestamp < timestamp || h.baseOffset + h.lastOffsetDelta < this.startOffset) return false;
        found = { position: pos, header: h };
        return true;
      });
      if (found) return this.firstRecordAtOrAfter(segment, found, timestamp);
    }
    return null;
  }

  /** The record with the largest timestamp (ListOffsets -3), the first one if several share it. */
  get latestTimestampOffset(): TimestampOffset | null {
    let best: Segment | null = null;
    for (const s of this.segments) {
      if (s.offsetOfMaxTimestamp < 0 || s.nextOffset <= this.startOffset) continue;
      if (!best || s.maxTimestamp > best.maxTimestamp) best = s;
    }
    if (!best) return null;
    const location = best.locate(Math.max(best.offsetOfMaxTimestamp, this.startOffset));
    if (!location) return null;
    const head = Buffer.allocUnsafe(BATCH_HEADER_SIZE);
    best.readExactly(head, 0, BATCH_HEADER_SIZE, location.position);
    return this.firstRecordAtOrAfter(best, { position: location.position, header: readBatchHeader(head, 0) }, best.maxTimestamp);
  }

  /** Narrows a batch found by its maxTimestamp to its first record at or after `timestamp`. */
  private firstRecordAtOrAfter(segment: Segment, batch: { position: number; header: BatchHeader }, timestamp: number): TimestampOffset {
    const h = batch.header;
    const fallback = { offset: Math.max(h.baseOffset, this.startOffset), timestamp: h.maxTimestamp };
    if (h.compression !== Compression.none && h.compression !== Compression.gzip) return fallback;
    const bytes = Buffer.allocUnsafe(h.batchLength + BATCH_LOG_OVERHEAD);
    segment.readExactly(bytes, 0, bytes.length, batch.position);
    for (const record of decodeRecords(bytes)) {
      if (record.timestamp >= timestamp && record.offset >= this.startOffset) return { offset: record.offset, timestamp: record.timestamp };
    }
    return fallback;
  }

  /** Aborted transactions overlapping `[fromOffset, toOffset)`, for read_committed fetches. */
  abortedTransactions(fromOffset: number, toOffset: number): AbortedTransaction[] {
    return this.transactions.abortedBetween(fromOffset, toOffset);
  }

  /** The producer's current epoch and recent batches, or undefined when unknown. */
  producerState(producerId: number): Readonly<ProducerEntry> | undefined {
    return this.producers.get(producerId);
  }

  /**
   * Deletes whole non-active segments past `retentionMs` (by the segment's largest timestamp) or
   * beyond `retentionBytes`, oldest first, advancing the log start offset, and forgets producers
   * idle for `producerIdExpirationMs`. Returns how many segments were deleted.
   */
  enforceRetention(nowMs: number): number {
    this.assertOpen();
    this.producers.expire(nowMs, this.config.producerIdExpirationMs, (pid) => this.transactions.isOpen(pid));
    let deleted = 0;
    const { retentionMs, retentionBytes } = this.config;
    if (retentionMs >= 0) {
      while (this.segments.length > 1 && this.segments[0]!.maxTimestamp < nowMs - retentionMs) {
        this.deleteOldestSegment();
        deleted++;
      }
    }
    if (retentionBytes >= 0) {
      let size = this.size;
      while (this.segments.length > 1 && size - this.segments[0]!.size >= retentionBytes) {
        size -= this.segments[0]!.size;
        this.deleteOldestSegment();
        deleted++;
      }
    }
    return deleted;
  }

  /**
   * DeleteRecords: moves the log start offset to `offset` (-1 means the high watermark), deleting
   * the segments that lie wholly before it. The new start is persisted, since it may fall inside a
   * segment that stays.
   */
  deleteRecordsBefore(offset: number): DeleteRecordsResult {
    this.assertOpen();
    const target = offset === -1 ? this.highWatermark : offset;
    if (target < 0 || target > this.highWatermark) return { errorCode: LogErrorCode.offsetOutOfRange, lowWatermark: this.startOffset };
    if (target > this.startOffset) {
      this.startOffset = target;
      this.writeSmallFile(LOG_START_OFFSET_FILE, Buffer.from(String(target)));
      while (this.segments.length > 1 && this.segments[0]!.nextOffset <= target) this.deleteOldestSegment();
      this.transactions.pruneBefore(this.startOffset);
    }
    return { errorCode: LogErrorCode.none, lowWatermark: this.startOffset };
  }

  /** fsyncs the active segment if anything was appended since the last flush. */
  async flush(): Promise<void> {
    if (this.closed || !this.dirtySinceFlush) return;
    this.dirtySinceFlush = false;
    await this.track(this.fs.fsync(this.active.fd));
  }

  /**
   * Closes the log cleanly: fsyncs the active segment and writes a producer-state snapshot, so the
   * next open scans nothing to rebuild that state.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.flushTimer) clearInterval(this.flushTimer);
    try {
      if (!this.failure && this.onDisk) {
        await this.track(this.fs.fsync(this.active.fd));
        this.writeSnapshot(this.highWatermark);
      }
      await Promise.allSettled([...this.pendingFlushes]);
    } finally {
      this.closed = true;
      if (this.onDisk) for (const s of this.segments) this.fs.close(s.fd);
    }
  }

  /** Closes the log and removes its directory (DeleteTopics). */
  async delete(): Promise<void> {
    await this.close();
    if (!this.onDisk) return;
    for (const name of this.fs.readdir(this.dir)) this.fs.unlink(path.join(this.dir, name));
    this.fs.rmdir(this.dir);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`partition log ${this.dir} is closed`);
  }

  /**
   * Checks every batch's producer sequence before anything is written. A multi-batch append is
   * checked as a whole: the second batch of a producer follows the first, and one duplicate or
   * error decides for all of them, as in Kafka.
   */
  private planProducerState(
    views: BatchView[],
    firstOffset: number,
    nowMs: number,
    origin: 'client' | 'coordinator',
  ): { kind: 'ok'; entries: Map<number, ProducerEntry> } | { kind: 'duplicate'; baseOffset: number } | { kind: 'error'; errorCode: number; message: string } {
    const entries = new Map<number, ProducerEntry>();
    let offset = firstOffset;
    for (const v of views) {
      const h = v.header;
      const baseOffset = offset;
      offset += h.lastOffsetDelta + 1;
      if (h.isControl && origin === 'client') return { kind: 'error', errorCode: LogErrorCode.invalidRecord, message: 'clients may not write control batches' };
      if (h.producerId < 0) continue;
      const entry = entries.get(h.producerId) ?? this.producers.get(h.producerId);
      if (h.isControl) {
        if (controlType(v.bytes) === null) return { kind: 'error', errorCode: LogErrorCode.invalidRecord, message: 'control batch without a commit or abort marker' };
        if (entry && h.producerEpoch < entry.epoch) {
          return { kind: 'error', errorCode: 47, message: `marker epoch ${h.producerEpoch} is older than the current epoch ${entry.epoch}` };
        }
        entries.set(h.producerId, ProducerStateTable.afterMarker(entry, h.producerEpoch, nowMs));
        continue;
      }
      if (h.baseSequence < 0) continue;
      const lastSeq = lastSequenceOf(h.baseSequence, h.lastOffsetDelta);
      const check = ProducerStateTable.check(entry, h.producerEpoch, h.baseSequence, lastSeq);
      if (check.kind !== 'ok') return check;
      entries.set(h.producerId, ProducerStateTable.advance(entry, h.producerEpoch, { firstSeq: h.baseSequence, lastSeq, baseOffset }, nowMs));
    }
    return { kind: 'ok', entries };
  }

  /** Opens or closes transactions for a batch now in the log at `baseOffset`. */
  private applyTransactions(h: BatchHeader, bytes: Buffer, baseOffset: number): void {
    if (h.producerId < 0 || !h.isTransactional) return;
    if (h.isControl) {
      const type = controlType(bytes);
      if (type) this.transactions.onMarker(h.producerId, type, baseOffset);
    } else {
      this.transactions.onTransactionalBatch(h.producerId, baseOffset);
    }
  }

  /** Replays a batch already in the log into producer and transaction state (opening the log). */
  private replayBatch(h: BatchHeader, bytes: Buffer, nowMs: number): void {
    if (h.producerId >= 0) {
      const entry = this.producers.get(h.producerId);
      if (h.isControl) {
        this.producers.set(h.producerId, ProducerStateTable.afterMarker(entry, h.producerEpoch, nowMs));
      } else if (h.baseSequence >= 0) {
        const lastSeq = lastSequenceOf(h.baseSequence, h.lastOffsetDelta);
        this.producers.set(h.producerId, ProducerStateTable.advance(entry, h.producerEpoch, { firstSeq: h.baseSequence, lastSeq, baseOffset: h.baseOffset }, nowMs));
      }
    }
    this.applyTransactions(h, bytes, h.baseOffset);
  }

  private shouldRoll(incomingBytes: number, lastOffset: number, nowMs: number): boolean {
    const s = this.active;
    if (s.size === 0) return false;
    return (
      s.size + incomingBytes > this.config.segmentBytes ||
      s.size + incomingBytes > MAX_SEGMENT_BYTES ||
      nowMs - s.createdAtMs >= this.config.segmentMs ||
      lastOffset - s.baseOffset > INT32_MAX
    );
  }

  /**
   * Seals the active segment (its index files are written, its data fsynced in the background) and
   * starts a new one at the high watermark, with a producer-state snapshot at that offset.
   */
  private roll(nowMs: number): void {
    const old = this.active;
    old.seal();
    old.writeIndexFiles();
    const next = Segment.create(this.fs, this.dir, old.nextOffset, nowMs);
    this.segments.push(next);
    this.writeSnapshot(next.baseOffset);
    void this.track(this.fs.fsync(old.fd)).catch(() => undefined);
  }

  /**
   * Writes all of `data` at `position`. On failure the segment is cut back to `position`, so the
   * file matches memory again and the producer can retry; if even that fails, the log refuses
   * further appends.
   */
  private writeAll(segment: Segment, data: Buffer, position: number): AppendResult | null {
    try {
      let done = 0;
      while (done < data.length) done += this.fs.write(segment.fd, data, done, data.length - done, position + done);
      return null;
    } catch (error) {
      try {
        this.fs.truncate(segment.fd, position);
      } catch (undoError) {
        this.failure = undoError as Error;
      }
      return { kind: 'error', errorCode: LogErrorCode.kafkaStorageError, message: `append failed: ${(error as Error).message}` };
    }
  }

  private track(flush: Promise<void>): Promise<void> {
    this.pendingFlushes.add(flush);
    const done = () => this.pendingFlushes.delete(flush);
    flush.then(done, done);
    return flush;
  }

  /** The index of the last segment whose base offset is <= `offset` (0 when none is). */
  private segmentIndexFor(offset: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.segments[mid]!.baseOffset <= offset) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  private deleteOldestSegment(): void {
    const s = this.segments.shift()!;
    this.fs.close(s.fd);
    for (const file of [s.logPath, s.indexPath, s.timeIndexPath]) {
      if (this.fs.stat(file)) this.fs.unlink(file);
    }
    this.startOffset = Math.max(this.startOffset, this.segments[0]!.baseOffset);
    this.transactions.pruneBefore(this.startOffset);
  }

  private writeSmallFile(name: string, data: Buffer): void {
    const target = path.join(this.dir, name);
    this.fs.writeFile(target + TEMP_SUFFIX, data);
    this.fs.rename(target + TEMP_SUFFIX, target);
  }

  private writeSnapshot(offset: number): void {
    this.writeSmallFile(
      offsetFileName(offset, SNAPSHOT_SUFFIX),
      encodeSnapshot({
        offset,
        producers: [...this.producers.entries()],
        ongoing: this.transactions.ongoingEntries(),
        aborted: [...this.transactions.abortedEntries()],
      }),
    );
    const offsets = this.snapshotOffsets();
    for (const old of offsets.slice(0, Math.max(0, offsets.length - SNAPSHOTS_KEPT))) {
      this.fs.unlink(path.join(this.dir, offsetFileName(old, SNAPSHOT_SUFFIX)));
    }
  }

  private snapshotOffsets(): number[] {
    return this.fs
      .readdir(this.dir)
      .map((name) => parseOffsetFileName(name, SNAPSHOT_SUFFIX))
      .filter((o): o is number => o !== null)
      .sort((a, b) => a - b);
  }

  private load(): void {
    const started = performance.now();
    const fs = this.fs;
    if (fs.stat(this.dir) === null) {
      // A new partition: empty, and kept in memory only until something is appended.
      this.onDisk = false;
      this.segments.push(new Segment(fs, this.dir, 0, -1, Date.now()));
      this.report.durationMs = performance.now() - started;
      return;
    }
    fs.mkdirp(this.dir);
    const names = fs.readdir(this.dir);
    for (const name of names) if (name.endsWith(TEMP_SUFFIX)) fs.unlink(path.join(this.dir, name));
    const bases = names
      .map((name) => parseOffsetFileName(name, LOG_SUFFIX))
      .filter((o): o is number => o !== null)
      .sort((a, b) => a - b);
    const known = new Set(bases);
    for (const name of names) {
      // Index files whose segment is gone (a crash between deleting a segment's files) are noise.
      const base = parseOffsetFileName(name, INDEX_SUFFIX) ?? parseOffsetFileName(name, TIME_INDEX_SUFFIX);
      if (base !== null && !known.has(base)) fs.unlink(path.join(this.dir, name));
    }
    const persistedStart = this.readLogStartOffset();
    const nowMs = Date.now();

    bases.forEach((base, i) => {
      const fd = fs.openReadWrite(path.join(this.dir, offsetFileName(base, LOG_SUFFIX)));
      const segment = new Segment(fs, this.dir, base, fd, nowMs);
      this.segments.push(segment);
      if (i < bases.length - 1) loadSealedSegment(fs, segment, this.config.indexIntervalBytes, this.report);
      else recoverActiveSegment(fs, segment, this.config.indexIntervalBytes, this.report);
    });
    if (this.segments.length === 0) this.segments.push(Segment.create(fs, this.dir, persistedStart ?? 0, nowMs));

    const first = this.segments[0]!;
    this.startOffset = Math.min(Math.max(persistedStart ?? first.baseOffset, first.baseOffset), this.highWatermark);
    this.rebuildProducerState(nowMs);
    this.transactions.pruneBefore(this.startOffset);
    this.report.durationMs = performance.now() - started;
  }

  private readLogStartOffset(): number | null {
    const data = this.fs.readFile(path.join(this.dir, LOG_START_OFFSET_FILE));
    if (!data) return null;
    const value = Number(data.toString('utf8').trim());
    return Number.isSafeInteger(value) && value >= 0 ? value : null;
  }

  /**
   * Restores producer and transaction state from the newest snapshot at or below the high
   * watermark, then replays the batch headers after it (all of them when there is no snapshot).
   * Snapshots past the high watermark describe data a recovery just cut off, so they are deleted.
   */
  private rebuildProducerState(nowMs: number): void {
    const hw = this.highWatermark;
    let from = this.startOffset;
    const offsets = this.snapshotOffsets();
    for (let i = offsets.length - 1; i >= 0; i--) {
      const offset = offsets[i]!;
      const file = path.join(this.dir, offsetFileName(offset, SNAPSHOT_SUFFIX));
      if (offset > hw) {
        this.fs.unlink(file);
        continue;
      }
      const snapshot = decodeSnapshot(this.fs.readFile(file) ?? Buffer.alloc(0));
      if (!snapshot || snapshot.offset !== offset) continue;
      for (const [pid, entry] of snapshot.producers) this.producers.set(pid, entry);
      this.transactions.restore(snapshot.ongoing, snapshot.aborted);
      from = Math.max(offset, this.startOffset);
      break;
    }
    this.report.producerStateScannedFrom = from;
    for (const segment of this.segments) {
      if (segment.nextOffset <= from) continue;
      const position = from > segment.baseOffset ? segment.positionOf(from) : 0;
      if (position < 0) continue;
      scanHeaders(this.fs, segment.fd, position, segment.size, (h) => h.isControl, (_pos, h, bytes) => {
        this.replayBatch(h, bytes, nowMs);
      });
    }
  }
}

