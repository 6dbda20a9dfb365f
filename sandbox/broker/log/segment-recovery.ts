// Recovery of the segments found when a log is opened. Sealed segments trust their index files
// when those agree with the file; the last segment, where a crash leaves a torn tail, is always
// verified batch by batch and cut at the first bad batch.
import { scanVerified } from './batch-scan';
import type { LogFileSystem } from './log-file-system';
import type { Segment } from './segment';
import { OffsetIndex, TimeIndex } from './sparse-index';

/** One stretch of a segment cut off by recovery, for the broker to log. */
export interface Truncation {
  segmentBaseOffset: number;
  /** File position the segment was cut at. */
  position: number;
  bytes: number;
  /** The first offset that was lost (the offset the bad batch should have had). */
  fromOffset: number;
  reason: string;
}

/** What opening a log found and did. */
export interface RecoveryReport {
  truncations: Truncation[];
  /** Base offsets of sealed segments whose index files were missing or inconsistent and rebuilt. */
  rebuiltIndexes: number[];
  /** Offset from which batch headers were scanned to rebuild producer state. */
  producerStateScannedFrom: number;
  durationMs: number;
}

/**
 * A sealed segment keeps its index files when they parse and agree with the file: the batches
 * from the last offset index entry to the end of the file must verify, end exactly at the end of
 * the file, and carry no timestamp above the time index's final maximum. Otherwise the indexes
 * are rebuilt by a verifying scan (which also cuts a damaged segment).
 */
export function loadSealedSegment(fs: LogFileSystem, segment: Segment, indexIntervalBytes: number, report: RecoveryReport): void {
  const size = fs.size(segment.fd);
  const offsetIndex = OffsetIndex.parse(fs.readFile(segment.indexPath) ?? Buffer.alloc(0));
  const timeIndex = TimeIndex.parse(fs.readFile(segment.timeIndexPath) ?? Buffer.alloc(0));
  if (offsetIndex && timeIndex && size > 0) {
    const lastEntry = offsetIndex.count - 1;
    const tailStart = offsetIndex.positionAt(lastEntry);
    let tailMax = -1;
    const tail =
      tailStart < size
        ? scanVerified(fs, segment.fd, size, tailStart, segment.baseOffset + offsetIndex.relativeOffsetAt(lastEntry), (_p, h) => {
            tailMax = Math.max(tailMax, h.maxTimestamp);
          })
        : null;
    const maxTimestamp = timeIndex.timestampAt(timeIndex.count - 1);
    const offsetOfMax = segment.baseOffset + timeIndex.relativeOffsetAt(timeIndex.count - 1);
    if (tail && tail.problem === null && tailMax <= maxTimestamp && offsetOfMax < tail.nextOffset) {
      segment.offsetIndex = offsetIndex;
      segment.timeIndex = timeIndex;
      segment.maxTimestamp = maxTimestamp;
      segment.offsetOfMaxTimestamp = offsetOfMax;
      segment.restoreTail(size, tail.nextOffset, size - tailStart);
      return;
    }
  }
  report.rebuiltIndexes.push(segment.baseOffset);
  scanAndCut(fs, segment, size, indexIntervalBytes, report);
  segment.seal();
  segment.writeIndexFiles();
}

/** Verifies the last segment batch by batch, cutting it at the first torn or corrupt batch. */
export function recoverActiveSegment(fs: LogFileSystem, segment: Segment, indexIntervalBytes: number, report: RecoveryReport): void {
  scanAndCut(fs, segment, fs.size(segment.fd), indexIntervalBytes, report);
  for (const file of [segment.indexPath, segment.timeIndexPath]) {
    // Index files of the active segment would be stale after any append; memory is the truth.
    if (fs.stat(file)) fs.unlink(file);
  }
}

/** Rebuilds the segment's indexes from a verifying scan and truncates whatever follows a bad batch. */
function scanAndCut(fs: LogFileSystem, segment: Segment, size: number, indexIntervalBytes: number, report: RecoveryReport): void {
  const scan = scanVerified(fs, segment.fd, size, 0, segment.baseOffset, (position, h, bytes) => {
    segment.recordBatch(position, h.baseOffset, h.baseOffset + h.lastOffsetDelta, h.maxTimestamp, bytes.length, indexIntervalBytes);
  });
  if (scan.problem !== null) {
    fs.truncate(segment.fd, scan.validEnd);
    report.truncations.push({
      segmentBaseOffset: segment.baseOffset,
      position: scan.validEnd,
      bytes: size - scan.validEnd,
      fromOffset: scan.nextOffset,
      reason: scan.problem,
    });
  }
}
