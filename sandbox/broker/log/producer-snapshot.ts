// Snapshots of the producer and transaction state at an offset (`<offset>.snapshot`), written when
// a segment is rolled and when the log is closed, so that opening a log rebuilds that state by
// scanning only the batches after the newest snapshot (the last segment after a crash, nothing
// after a clean shutdown) instead of every batch header of the partition.
import type { ProducerEntry } from './producer-state';
import type { AbortedTransaction } from './transaction-state';

export interface ProducerSnapshot {
  /** The state is that of the log just before this offset. */
  offset: number;
  producers: [number, ProducerEntry][];
  ongoing: [number, number][];
  aborted: AbortedTransaction[];
}

const VERSION = 2;

export function encodeSnapshot(snapshot: ProducerSnapshot): Buffer {
  return Buffer.from(
    JSON.stringify({
      version: VERSION,
      offset: snapshot.offset,
      producers: snapshot.producers.map(([pid, e]) => [pid, e.epoch, e.batches.map((b) => [b.firstSeq, b.lastSeq, b.baseOffset]), e.lastAppendMs]),
      ongoing: snapshot.ongoing,
      aborted: snapshot.aborted.map((t) => [t.producerId, t.firstOffset, t.lastOffset]),
    }),
  );
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const isIntTuple = (v: unknown, n: number): v is number[] => Array.isArray(v) && v.length === n && v.every(isInt);

/** Parses a snapshot file; null when it is damaged or of another version (the caller rescans). */
export function decodeSnapshot(data: Buffer): ProducerSnapshot | null {
  let raw: unknown;
  try {
    raw = JSON.parse(data.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Record<string, unknown>;
  if (r.version !== VERSION || !isInt(r.offset) || !Array.isArray(r.producers) || !Array.isArray(r.ongoing) || !Array.isArray(r.aborted)) return null;
  const producers: [number, ProducerEntry][] = [];
  for (const p of r.producers as unknown[]) {
    if (!Array.isArray(p) || p.length !== 4 || !isInt(p[0]) || !isInt(p[1]) || !Array.isArray(p[2]) || !isInt(p[3])) return null;
    const batches = [];
    for (const b of p[2] as unknown[]) {
      if (!isIntTuple(b, 3)) return null;
      batches.push({ firstSeq: b[0]!, lastSeq: b[1]!, baseOffset: b[2]! });
    }
    producers.push([p[0], { epoch: p[1], batches, lastAppendMs: p[3] }]);
  }
  const ongoing: [number, number][] = [];
  for (const o of r.ongoing as unknown[]) {
    if (!isIntTuple(o, 2)) return null;
    ongoing.push([o[0]!, o[1]!]);
  }
  const aborted: AbortedTransaction[] = [];
  for (const a of r.aborted as unknown[]) {
    if (!isIntTuple(a, 3)) return null;
    aborted.push({ producerId: a[0]!, firstOffset: a[1]!, lastOffset: a[2]! });
  }
  return { offset: r.offset, producers, ongoing, aborted };
}
