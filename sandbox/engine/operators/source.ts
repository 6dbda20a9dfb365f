// The source operator: decodes bronze records, extracts key and event time, tracks the input position
// and the watermark of every partition. The source watermark is the minimum over the partitions that
// are not idle, moves per record (so it does not depend on how the runner batches), and never goes back.
import type { SourceNode } from '../plan';
import { Rec } from '../record';
import * as time from '../time';
import { loadTime, saveTime, type Clock } from '../time';
import type { JobContext, Owner } from './context';
import { Operator } from './operator';
import { RecordError } from '../errors';
import type { KeyByOperator } from './record-wise';
import type { ScalarWindowOperator } from '../windows/scalar-window-operator';

// Module-local copies of the time constants: a loader that compiles ES modules to CommonJS turns
// imported bindings into getter calls, which the per-record path should not pay for.
const IDLE = time.IDLE;
const NO_WATERMARK = time.NO_WATERMARK;

/** A bronze record as the runner hands it over: a Kafka record already fetched, not yet decoded. */
export interface SourceRecord {
  readonly offset: number;
  /** The raw value (Buffer or string, decoded by the source's codec) or an already decoded value. */
  readonly value: unknown;
  readonly key?: unknown;
  /** The Kafka record timestamp in ms, used when the source takes event time from it. */
  readonly timestamp?: number;
  /**
   * The event time a runner already read with this source's own codec and event-time function (as
   * an input merge must), `value` then being the decoded value: the source uses both as they are
   * instead of decoding and extracting a second time. Absent or NaN: the source does both. Ignored
   * by sources whose event time is the Kafka timestamp.
   */
  readonly eventTime?: number;
}

interface PartitionState {
  readonly idBase: string;
  /** The highest event time seen; the partition's watermark is this minus the allowed out-of-orderness. */
  maxTs: number;
  /** The offset of the next record expected: what a runner resumes from after a restore. */
  next: number;
  lastSeen: number;
  idle: boolean;
}

export class SourceOperator extends Operator {
  private readonly parts = new Map<number, PartitionState>();
  /** The same states as an array: the per-record watermark check iterates it without allocating an iterator. */
  private partList: PartitionState[] = [];
  /**
   * One record object reused for every bronze record: operators may use a pushed record only during the
   * push call (see Operator), so the hot path allocates nothing per record.
   */
  private readonly rec = new Rec(undefined, undefined, 0, '', 0, '', null, false);
  private emitted = NO_WATERMARK;
  private floor = NO_WATERMARK;
  private sentIdle = false;
  private readonly delay: number;
  private readonly meta = { partition: 0, offset: 0, timestamp: Number.NaN };
  private readonly wantsMeta: boolean;
  /**
   * No partition turns idle before this processing time, so a tick before it has nothing to do (a
   * runner ticks nearly once per record). A busy partition's deadline only moves later, so the
   * earliest one seen at the last full tick stays a lower bound; a partition that is new, comes
   * back from idleness or is restored may have an earlier one, and resets it.
   */
  private nextIdleCheck = Number.NEGATIVE_INFINITY;

  constructor(ctx: JobContext, readonly src: SourceNode, owner: Owner, private readonly clock: Clock) {
    super(ctx, src, owner);
    this.delay = src.outOfOrderness;
    this.wantsMeta = src.eventTime !== 'timestamp' && src.eventTime.length >= 2;
  }

  /** The source watermark as last forwarded (NO_WATERMARK before any). */
  get watermarkValue(): number {
    return this.sentIdle ? IDLE : this.emitted;
  }

  /** Declares partitions before their first record, so an assigned but silent partition holds the watermark back until it is idle. */
  declarePartitions(partitions: readonly number[]): void {
    for (const p of partitions) this.partition(p);
    this.update();
  }

  private partition(partition: number): PartitionState {
    let p = this.parts.get(partition);
    if (p === undefined) {
      p = { idBase: `${this.src.topic}/${partition}/`, maxTs: NO_WATERMARK, next: 0, lastSeen: this.clock.now(), idle: false };
      this.parts.set(partition, p);
      this.partList.push(p);
      this.nextIdleCheck = Number.NEGATIVE_INFINITY;
    }
    return p;
  }

  push(): void {
    throw new Error('records enter a source through ingest()');
  }

  ingest(partition: number, records: readonly SourceRecord[]): void {
    const p = this.beginBatch(partition);
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      this.one(p, partition, r.offset, r.value, r.key, r.timestamp ?? Number.NaN, r.eventTime ?? Number.NaN);
    }
  }

  /** The fast entry: decoded values at consecutive offsets, no keys, no timestamps. */
  ingestValues(partition: number, firstOffset: number, values: readonly unknown[]): void {
    const p = this.beginBatch(partition);
    if (this.fused !== null && this.ctx.trace === null) {
      this.ingestFused(p, partition, firstOffset, values, this.fused);
      return;
    }
    for (let i = 0; i < values.length; i++) this.one(p, partition, firstOffset + i, values[i], undefined, Number.NaN, Number.NaN);
  }

  /**
   * Set by compile() when this source feeds only a keyBy that feeds only a fusable tumbling window:
   * the shape of most gold counts. The loop below then does the three operators' work inline.
   */
  fused: { readonly keyBy: KeyByOperator; readonly window: ScalarWindowOperator } | null = null;

  /**
   * The three operators' per-record work in one loop, with no record object unless a record fails or is
   * late, in which case it takes exactly the path the separate operators would have taken.
   */
  private ingestFused(p: PartitionState, partition: number, firstOffset: number, values: readonly unknown[], fused: NonNullable<SourceOperator['fused']>): void {
    const src = this.src;
    const decode = src.decode;
    const eventTime = src.eventTime;
    const srcKey = src.key;
    const keyFn = fused.keyBy.def.fn;
    const keyCtx = fused.keyBy.context;
    const window = fused.window;
    const delay = this.delay;
    if (eventTime === 'timestamp') {
      for (let i = 0; i < values.length; i++) this.one(p, partition, firstOffset + i, values[i], undefined, Number.NaN, Number.NaN);
      return;
    }
    for (let i = 0; i < values.length; i++) {
      const offset = firstOffset + i;
      p.next = offset + 1;
      const raw = values[i];
      let value: unknown = raw;
      let ts: number;
      let key: unknown;
      try {
        if (decode !== null) value = decode(raw);
        if (this.wantsMeta) {
          this.meta.partition = partition;
          this.meta.offset = offset;
          this.meta.timestamp = Number.NaN;
        }
        ts = eventTime(value, this.meta);
        if (typeof ts !== 'number' || !Number.isFinite(ts)) throw new RecordError(`event time is ${String(ts)}, not a finite number of ms`);
        key = srcKey === null ? undefined : srcKey(value);
      } catch (error) {
        this.fail('source', this.fill(p, offset, undefined, value, 0), error);
        continue;
      }
      keyCtx.eventTime = ts;
      keyCtx.key = key;
      let windowKey: unknown;
      let keyed = true;
      try {
        windowKey = keyFn(value, keyCtx);
      } catch (error) {
        fused.keyBy.fail('keyBy', this.fill(p, offset, key, value, ts), error);
        keyed = false;
      }
      if (keyed && !window.addTumbling(windowKey, undefined, ts)) window.push(this.fill(p, offset, windowKey, value, ts));
      if (ts > p.maxTs) {
        p.maxTs = ts;
        if (ts - delay > this.emitted && !p.idle) this.update();
      }
    }
  }

  private fill(p: PartitionState, offset: number, key: unknown, value: unknown, ts: number): Rec {
    const rec = this.rec;
    rec.key = key;
    rec.value = value;
    rec.ts = ts;
    rec.idBase = p.idBase;
    rec.seq = offset;
    rec.suffix = '';
    rec.lin = null;
    rec.retract = false;
    return rec;
  }

  private beginBatch(partition: number): PartitionState {
    const p = this.partition(partition);
    p.lastSeen = this.clock.now();
    if (p.idle) {
      p.idle = false;
      this.nextIdleCheck = Number.NEGATIVE_INFINITY;
      this.ctx.trace?.({ type: 'idle', source: this.src.name, partition, idle: false });
      this.update();
    }
    return p;
  }

  private one(p: PartitionState, partition: number, offset: number, raw: unknown, rawKey: unknown, timestamp: number, known: number): void {
    const src = this.src;
    p.next = offset + 1;
    const rec = this.rec;
    rec.key = rawKey;
    rec.value = raw;
    rec.ts = 0;
    rec.idBase = p.idBase;
    rec.seq = offset;
    rec.suffix = '';
    rec.lin = null;
    rec.retract = false;
    let ts: number;
    try {
      if (src.eventTime === 'timestamp') {
        if (src.decode !== null) rec.value = src.decode(raw);
        ts = timestamp;
      } else if (!Number.isNaN(known)) {
        // Read already, by the runner's merge: the value is decoded and this is its event time.
        ts = known;
      } else {
        if (src.decode !== null) rec.value = src.decode(raw);
        // Extractors declared with one parameter never see the metadata, so it is filled in only for the others.
        if (this.wantsMeta) {
          const meta = this.meta;
          meta.partition = partition;
          meta.offset = offset;
          meta.timestamp = timestamp;
        }
        ts = src.eventTime(rec.value, this.meta);
      }
      if (typeof ts !== 'number' || !Number.isFinite(ts)) throw new RecordError(`event time is ${String(ts)}, not a finite number of ms`);
      if (src.key !== null) rec.key = src.key(rec.value);
    } catch (error) {
      rec.ts = 0;
      this.fail('source', rec, error);
      return;
    }
    rec.ts = ts;
    if (this.ctx.trace !== null) {
      this.ctx.trace({ type: 'ingest', source: src.name, partition, offset, eventTime: ts, watermark: this.emitted === NO_WATERMARK ? null : this.emitted });
    }
    // One call site per operator class keeps the downstream call monomorphic (see MapOperator).
    const outs = this.outs;
    if (outs.length === 1) outs[0]!.push(rec, this.outPorts[0]!);
    else if (outs.length > 1) this.emit(rec);
    // The record is judged against the watermark before it; then it may move the watermark on.
    if (ts > p.maxTs) {
      p.maxTs = ts;
      if (ts - this.delay > this.emitted && !p.idle) this.update();
    }
  }

  /** Processing time moved: partitions silent for longer than the idleness timeout become idle. */
  tick(now: number): void {
    const idleness = this.src.idleness;
    if (idleness === null || now < this.nextIdleCheck) return;
    let changed = false;
    let next = Number.POSITIVE_INFINITY;
    for (const [partition, p] of this.parts) {
      if (p.idle) continue;
      if (now - p.lastSeen >= idleness) {
        p.idle = true;
        changed = true;
        this.ctx.trace?.({ type: 'idle', source: this.src.name, partition, idle: true });
      } else if (p.lastSeen + idleness < next) next = p.lastSeen + idleness;
    }
    this.nextIdleCheck = next;
    if (changed) this.update();
  }

  /** Forces the watermark to at least `wm`: for tests and for the end of a bounded input. */
  advanceTo(wm: number): void {
    if (wm > this.floor) this.floor = wm;
    this.update();
  }

  private update(): void {
    let w = IDLE;
    const list = this.partList;
    for (let i = 0; i < list.length; i++) {
      const p = list[i]!;
      if (!p.idle) {
        const pw = p.maxTs - this.delay;
        if (pw < w) w = pw;
      }
    }
    if (this.parts.size === 0) w = NO_WATERMARK;
    if (w === IDLE) {
      if (this.floor > this.emitted) w = this.floor;
    } else if (this.floor > w) {
      w = this.floor;
    }
    if (w === IDLE) {
      if (!this.sentIdle) {
        this.sentIdle = true;
        this.ctx.trace?.({ type: 'watermark', source: this.src.name, watermark: 'idle' });
        this.forwardWatermark(IDLE);
      }
      return;
    }
    if (w > this.emitted) {
      this.emitted = w;
      this.sentIdle = false;
      this.ctx.trace?.({ type: 'watermark', source: this.src.name, watermark: w });
      this.forwardWatermark(w);
    } else if (this.sentIdle) {
      this.sentIdle = false;
      this.forwardWatermark(this.emitted);
    }
  }

  /** The next offset to read per partition: the input positions a checkpoint records. */
  positions(): Record<number, number> {
    const out: Record<number, number> = {};
    for (const [partition, p] of [...this.parts].sort((a, b) => a[0] - b[0])) out[partition] = p.next;
    return out;
  }

  override snapshot(): unknown {
    return {
      emitted: saveTime(this.emitted),
      floor: saveTime(this.floor),
      sentIdle: this.sentIdle,
      partitions: [...this.parts].map(([partition, p]) => [partition, saveTime(p.maxTs), p.next, p.lastSeen, p.idle]),
    };
  }

  override restore(state: unknown): void {
    const s = state as { emitted: unknown; floor: unknown; sentIdle: boolean; partitions: [number, unknown, number, number, boolean][] };
    this.emitted = loadTime(s.emitted);
    this.floor = loadTime(s.floor);
    this.sentIdle = s.sentIdle;
    this.parts.clear();
    this.partList = [];
    this.nextIdleCheck = Number.NEGATIVE_INFINITY;
    for (const [partition, maxTs, next, lastSeen, idle] of s.partitions) {
      const p = { idBase: `${this.src.topic}/${partition}/`, maxTs: loadTime(maxTs), next, lastSeen, idle };
      this.parts.set(partition, p);
      this.partList.push(p);
    }
  }
}
