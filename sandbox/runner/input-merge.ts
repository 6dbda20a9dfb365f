// The order a task feeds its bronze partitions to the engine. Kafka hands partitions over in
// whatever order fetches return, but the engine's output depends on the interleaving (watermarks,
// joins, idleness), so a task merges its partitions by event time (as the source defines it), ties
// going to the source declared first and then the lower partition, much as Kafka Streams picks the
// next record by timestamp. A record whose event time cannot be read sorts with the record before
// it in its partition, as the replayer places it; its Kafka timestamp (often the wall clock at
// produce time) would otherwise hold its whole partition back until everything else was read. While a
// partition that is not yet at its end has nothing buffered, the merge waits for it: the order then
// depends only on the data and the positions a checkpoint holds, never on timing, so a run that is
// killed and restarted produces exactly what an uninterrupted one does.

/** One bronze record as the merge hands it to the engine: decoded when the merge needed its event time. */
export interface BufferedRecord {
  readonly offset: number;
  readonly key: string | undefined;
  /** The value as fetched, or already decoded by the source's codec when the merge needed its event time. */
  readonly value: unknown;
  /** The Kafka timestamp. */
  readonly timestamp: number;
  /** The merge order: the event time, or that of the record before it when it has none. */
  readonly time: number;
  /**
   * The event time read with the source's own codec and extractor, `value` then being the decoded
   * value, so the engine need not read either again; NaN when it could not be read.
   */
  readonly eventTime: number;
}

/** A fetched record as the merge buffers it, until it is next in its partition. */
export interface FetchedRecord {
  readonly offset: number;
  readonly key: string | null | undefined;
  readonly value: string | null;
  readonly timestamp: number;
}

/**
 * Reads a record's event time as its source would, or null when it has none; may decode the value on
 * the way. The answer may be one object the reader reuses: the merge copies it out at once.
 */
export type EventTimeReader = (source: string, record: FetchedRecord, partition: number) => { time: number | null; value: unknown };

/** One bronze partition of a task, in the merge. */
export interface Lane {
  /** The lane's place in InputMerge.lanes. */
  readonly index: number;
  readonly source: string;
  readonly topic: string;
  readonly partition: number;
  /** The next offset to feed: one past the last record fed. */
  position: number;
  /** The end: the high watermark seen at start (bounded runs) or the latest one fetched. */
  end: number;
  /**
   * Buffered records from `head` on, as fetched; taken by moving `head`, because shift() copies a
   * long array every time. Only the head is decoded (for its event time): a decoded value lives
   * while its record is next in line instead of for the whole time it waits in the buffer, which
   * would make the garbage collector copy it to the old generation.
   */
  queue: FetchedRecord[];
  head: number;
  /** The head's merge time and decoded value, once read; NaN while the head is not read yet. */
  headTime: number;
  headValue: unknown;
  /** The head's own event time, NaN when it has none (its merge time is then the record's before it). */
  headEventTime: number;
  /** Where the next record buffered must start at or after, so re-delivered records are dropped. */
  accepted: number;
  /** The merge time of the last record fed (kept in checkpoints): a record without an event time sorts with it. */
  lastTime: number;
}

export type NextStep = { kind: 'record'; lane: Lane; record: BufferedRecord } | { kind: 'wait' } | { kind: 'caught-up' };

const WAIT: NextStep = { kind: 'wait' };
const CAUGHT_UP: NextStep = { kind: 'caught-up' };

export class InputMerge {
  readonly lanes: Lane[];
  private readonly byPartition = new Map<string, Lane>();
  /**
   * The one record and step next() returns, overwritten by the following call: the engine may use a
   * pushed record only during the push (engine invariant 6), so nothing is allocated per record.
   */
  private readonly record = { offset: 0, key: undefined as string | undefined, value: undefined as unknown, timestamp: 0, time: 0, eventTime: Number.NaN };
  private readonly step = { kind: 'record' as const, lane: undefined as unknown as Lane, record: this.record as BufferedRecord };
  /**
   * The lane the last comparison picked, the head time of the best other lane then and that lane's
   * index: with one event-time-ordered partition ahead of the others the merge takes a run of
   * records from it, and comparing each with every lane would cost as many comparisons as lanes.
   */
  private streak: Lane | null = null;
  private streakLimit = Number.POSITIVE_INFINITY;
  private streakRival = Number.MAX_SAFE_INTEGER;

  constructor(
    lanes: readonly { source: string; topic: string; partition: number; position: number; end: number; lastTime: number }[],
    /** Bounded: the ends stay as seen at start and records past them are not read. */
    private readonly bounded: boolean,
    private readonly eventTime: EventTimeReader,
  ) {
    this.lanes = lanes.map((l, index) => ({ ...l, index, queue: [], head: 0, headTime: Number.NaN, headValue: undefined, headEventTime: Number.NaN, accepted: l.position }));
    for (const lane of this.lanes) this.byPartition.set(`${lane.topic}\u0000${lane.partition}`, lane);
  }

  lane(topic: string, partition: number): Lane | undefined {
    return this.byPartition.get(`${topic}\u0000${partition}`);
  }

  /**
   * Buffers fetched records; records before what was already accepted are re-deliveries and dropped.
   * `firstOffset` is where the fetched batch starts, counting records the consumer filtered out
   * (markers, aborted ones): a batch that starts after the lane's next offset was fetched from an
   * older position (before a seek took effect) and would leave a gap, so it is dropped whole and
   * the seek's own fetch brings the records again.
   */
  offer(topic: string, partition: number, firstOffset: number, records: readonly FetchedRecord[], highWatermark: number): void {
    const lane = this.lane(topic, partition);
    if (lane === undefined || firstOffset > lane.accepted) return;
    this.streak = null;
    if (!this.bounded && highWatermark > lane.end) lane.end = highWatermark;
    for (const r of records) {
      if (r.offset < lane.accepted) continue;
      if (this.bounded && r.offset >= lane.end) break;
      lane.queue.push(r);
      lane.accepted = r.offset + 1;
    }
  }

  /**
   * A fetch moved past offsets that hold no records for us (transaction markers, aborted records):
   * an empty lane then counts as read up to there, so it does not wait for records that never come.
   */
  skipTo(topic: string, partition: number, nextOffset: number): void {
    const lane = this.lane(topic, partition);
    if (lane === undefined || bufferedIn(lane) > 0 || nextOffset <= lane.accepted) return;
    this.streak = null;
    lane.accepted = nextOffset;
  }

  buffered(): number {
    let n = 0;
    for (const lane of this.lanes) n += bufferedIn(lane);
    return n;
  }

  /** The next record in merge order; the step returned is valid until the next call. */
  next(): NextStep {
    let best = this.streak;
    if (best !== null) {
      // The lane just taken from goes on winning while its next record still comes before the best
      // of the others, which have not changed since they were compared (offers end the streak).
      if (best.head === best.queue.length) best = null;
      else {
        if (Number.isNaN(best.headTime)) this.readHead(best);
        const t = best.headTime;
        if (!(t < this.streakLimit || (t === this.streakLimit && best.index < this.streakRival))) best = null;
      }
    }
    if (best === null) {
      let second: Lane | undefined;
      let first: Lane | undefined;
      let waiting = false;
      const lanes = this.lanes;
      for (let i = 0; i < lanes.length; i++) {
        const lane = lanes[i]!;
        if (lane.head === lane.queue.length) {
          if (Math.max(lane.position, lane.accepted) < lane.end) waiting = true;
          continue;
        }
        if (Number.isNaN(lane.headTime)) this.readHead(lane);
        // Ties go to the lane declared first: lanes are compared in order and only a smaller time wins.
        if (first === undefined || lane.headTime < first.headTime) {
          second = first;
          first = lane;
        } else if (second === undefined || lane.headTime < second.headTime) second = lane;
      }
      if (waiting) return WAIT;
      if (first === undefined) return CAUGHT_UP;
      best = first;
      this.streak = first;
      this.streakLimit = second === undefined ? Number.POSITIVE_INFINITY : second.headTime;
      this.streakRival = second === undefined ? Number.MAX_SAFE_INTEGER : second.index;
    }
    const fetched = best.queue[best.head++]!;
    const record = this.record;
    record.offset = fetched.offset;
    record.key = fetched.key ?? undefined;
    record.value = best.headValue;
    record.timestamp = fetched.timestamp;
    record.time = best.headTime;
    record.eventTime = best.headEventTime;
    best.headTime = Number.NaN;
    best.headValue = undefined;
    if (best.head === best.queue.length) {
      best.queue = [];
      best.head = 0;
    } else if (best.head >= 1_024 && best.head * 2 >= best.queue.length) {
      best.queue = best.queue.slice(best.head);
      best.head = 0;
    }
    best.position = fetched.offset + 1;
    best.lastTime = record.time;
    this.step.lane = best;
    return this.step;
  }

  /** Decodes the head of a lane for its event time; one without sorts with the record fed before it. */
  private readHead(lane: Lane): void {
    const read = this.eventTime(lane.source, lane.queue[lane.head]!, lane.partition);
    lane.headTime = read.time ?? lane.lastTime;
    lane.headEventTime = read.time ?? Number.NaN;
    lane.headValue = read.value;
  }
}

/** How many records a lane holds that were not fed yet. */
export function bufferedIn(lane: Lane): number {
  return lane.queue.length - lane.head;
}
