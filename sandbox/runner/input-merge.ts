// The order a task feeds its bronze partitions to the engine. Kafka hands partitions over in
// whatever order fetches return, but the engine's output depends on the interleaving (watermarks,
// joins, idleness), so a task merges its partitions by record timestamp, ties going to the source
// declared first and then the lower partition, as Kafka Streams picks the next record. While a
// partition that is not yet at its end has nothing buffered, the merge waits for it: the order then
// depends only on the data and the positions a checkpoint holds, never on timing, so a run that is
// killed and restarted produces exactly what an uninterrupted one does.

/** One bronze record as the merge buffers it. */
export interface BufferedRecord {
  readonly offset: number;
  readonly key: string | undefined;
  readonly value: string | null;
  readonly timestamp: number;
}

/** One bronze partition of a task, in the merge. */
export interface Lane {
  readonly source: string;
  readonly topic: string;
  readonly partition: number;
  /** The next offset to feed: one past the last record fed. */
  position: number;
  /** The end: the high watermark seen at start (bounded runs) or the latest one fetched. */
  end: number;
  readonly queue: BufferedRecord[];
  /** Where the next record buffered must start at or after, so re-delivered records are dropped. */
  accepted: number;
}

export type NextStep = { kind: 'record'; lane: Lane; record: BufferedRecord } | { kind: 'wait' } | { kind: 'caught-up' };

export class InputMerge {
  readonly lanes: Lane[];
  private readonly byPartition = new Map<string, Lane>();

  constructor(
    lanes: readonly { source: string; topic: string; partition: number; position: number; end: number }[],
    /** Bounded: the ends stay as seen at start and records past them are not read. */
    private readonly bounded: boolean,
  ) {
    this.lanes = lanes.map((l) => ({ ...l, queue: [], accepted: l.position }));
    for (const lane of this.lanes) this.byPartition.set(`${lane.topic}\u0000${lane.partition}`, lane);
  }

  lane(topic: string, partition: number): Lane | undefined {
    return this.byPartition.get(`${topic}\u0000${partition}`);
  }

  /** Buffers fetched records; records before what was already accepted are re-deliveries and dropped. */
  offer(topic: string, partition: number, records: readonly BufferedRecord[], highWatermark: number): void {
    const lane = this.lane(topic, partition);
    if (lane === undefined) return;
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
    if (lane === undefined || lane.queue.length > 0 || nextOffset <= lane.accepted) return;
    lane.accepted = nextOffset;
  }

  buffered(): number {
    let n = 0;
    for (const lane of this.lanes) n += lane.queue.length;
    return n;
  }

  next(): NextStep {
    let best: Lane | undefined;
    let waiting = false;
    for (const lane of this.lanes) {
      const head = lane.queue[0];
      if (head === undefined) {
        if (Math.max(lane.position, lane.accepted) < lane.end) waiting = true;
        continue;
      }
      if (best === undefined || head.timestamp < best.queue[0]!.timestamp) best = lane;
    }
    if (waiting) return { kind: 'wait' };
    if (best === undefined) return { kind: 'caught-up' };
    const record = best.queue.shift()!;
    best.position = record.offset + 1;
    return { kind: 'record', lane: best, record };
  }
}
