// How a task feeds its job: records in merge order (input-merge.ts), with processing time following
// the records' merge time. Kept apart from the task's Kafka side so that the benchmark can run the
// very same feeding in memory, as the ceiling the worker is measured against.
import type { Job, ManualClock, PipelinePlan, SourceNode } from '../engine';
import type { BufferedRecord, EventTimeReader, InputMerge, Lane } from './input-merge';

export class MergedFeed {
  /** The engine takes records in arrays; one reused array spares an allocation per record fed. */
  private readonly one: BufferedRecord[] = [];
  /** Per lane, by its index: the job's entry for its source, and the records fed from it. */
  private readonly pushers: ((partition: number, records: readonly BufferedRecord[]) => void)[];
  private readonly counts: number[];

  constructor(
    private readonly job: Job,
    private readonly clock: ManualClock,
    readonly merge: InputMerge,
    /** The timestamp of the first record fed (processing time counts from it), or null before it. */
    public origin: number | null,
  ) {
    this.pushers = merge.lanes.map((lane) => job.pusher(lane.source));
    this.counts = merge.lanes.map(() => 0);
  }

  /** Bronze records fed per source since this feed was made. */
  fed(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const lane of this.merge.lanes) out[lane.source] = (out[lane.source] ?? 0) + this.counts[lane.index]!;
    return out;
  }

  /**
   * Feeds buffered records in merge order, at most `budget` of them; returns how many it fed. With
   * `drain`, it is called whenever `drainAt` output records wait in the job: output records held
   * for a whole step (two thousand records of the samples' orders take tens of milliseconds) outlive
   * young-generation collections, which copy them twice; taken in small groups they die young.
   */
  step(budget: number, drainAt = Number.POSITIVE_INFINITY, drain: (() => void) | null = null): { fed: number; caughtUp: boolean } {
    let fed = 0;
    const job = this.job;
    while (fed < budget) {
      const next = this.merge.next();
      if (next.kind === 'wait') return { fed, caughtUp: false };
      if (next.kind === 'caught-up') return { fed, caughtUp: true };
      this.feed(next.lane, next.record);
      fed++;
      if (job.pendingOutputs >= drainAt && drain !== null) drain();
    }
    return { fed, caughtUp: false };
  }

  private feed(lane: Lane, record: BufferedRecord): void {
    // Processing time follows the records' timestamps, so idleness is decided by the data and a
    // re-run or a restart decides it the same way. It counts from the first record rather than from
    // the epoch: partitions are declared at time 0, and a clock that jumped from 0 to today would make
    // every one of them idle at once.
    if (this.origin === null && Number.isFinite(record.time)) this.origin = record.time;
    const now = this.origin === null ? 0 : record.time - this.origin;
    if (now > this.clock.now()) {
      this.clock.set(now);
      this.job.tick();
    }
    // A pushed record is the engine's only during the push (engine invariant 6), so the array is reused.
    this.one[0] = record;
    this.pushers[lane.index]!(lane.partition, this.one);
    this.counts[lane.index]!++;
  }
}

/**
 * The merge's event-time reader: decodes with the source's codec and applies its event-time
 * function, as the engine will. A record either cannot handle gets null (it sorts with the record
 * before it) and goes to the engine as fetched, which dead-letters it with the real error.
 */
export function eventTimeReader(plan: PipelinePlan): EventTimeReader {
  const sources = new Map<string, SourceNode>();
  for (const n of plan.nodes) if (n.kind === 'source') sources.set(n.name, n);
  // One answer object for every record: the merge copies it out before the next read.
  const read: { time: number | null; value: unknown } = { time: null, value: undefined };
  const meta = { partition: 0, offset: 0, timestamp: Number.NaN };
  return (name, record, partition) => {
    const source = sources.get(name)!;
    read.time = null;
    read.value = record.value;
    if (source.eventTime === 'timestamp') {
      read.time = Number.isFinite(record.timestamp) ? record.timestamp : null;
      return read;
    }
    try {
      read.value = source.decode === null ? record.value : source.decode(record.value);
    } catch {
      return read;
    }
    try {
      meta.partition = partition;
      meta.offset = record.offset;
      meta.timestamp = record.timestamp;
      const time = source.eventTime(read.value, meta);
      read.time = typeof time === 'number' && Number.isFinite(time) ? time : null;
    } catch {
      // No event time: the record sorts with the one before it, and the engine reports the error.
    }
    return read;
  };
}
