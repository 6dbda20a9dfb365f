// The test driver (in the spirit of Kafka Streams' TopologyTestDriver): runs a pipeline in-process on
// virtual time, with no Kafka. Send records to named sources, move the watermark or processing time,
// read named outputs and side outputs. Users test their own transforms with it; so do we.
import {
  ManualClock, compile, type CompileOptions, type DeadLetterRecord, type Job, type JobSnapshot, type LateRecord, type Metrics,
  type OutputRecord, type QuarantineRecord, type TraceEvent, type Watermark,
} from '../../engine';
import type { Pipeline } from './pipeline';

/** Options of createTestDriver(). */
export interface TestDriverOptions {
  /**
   * Processing time at the start, in ms; also the default Kafka timestamp of sent records.
   * @default 0
   * @example { startTime: Date.parse('2026-01-01T00:00:00Z') }
   */
  startTime?: number;
  /**
   * Lineage: false turns it off; a number keeps at most that many bronze positions per record.
   * @default 100
   * @example { lineage: false }
   */
  lineage?: boolean | number;
  /**
   * Record trace events, readable with driver.traceEvents().
   * @default false
   * @example { trace: true }
   */
  trace?: boolean;
}

/** Options of one sent record. */
export interface SendOptions {
  /**
   * The source partition.
   * @default 0
   * @example { partition: 2 }
   */
  partition?: number;
  /**
   * The record's offset; later sends to the partition continue after it.
   * @default the partition's next offset
   * @example { offset: 1000 }
   */
  offset?: number;
  /**
   * The Kafka record key.
   * @default undefined
   * @example { key: 'order-17' }
   */
  key?: unknown;
  /**
   * The Kafka record timestamp: the event time of sources with `eventTime: 'timestamp'`.
   * @default the driver's current processing time
   * @example { timestamp: Date.parse('2026-01-01T00:00:05Z') }
   */
  timestamp?: number;
}

export interface TestInput<T> {
  send(value: T, options?: SendOptions): void;
  sendMany(values: readonly T[], options?: Omit<SendOptions, 'offset'>): void;
}

export interface TestOutput<T> {
  /** Takes every record emitted since the last read. */
  readAll(): OutputRecord<T>[];
  /** Takes the values of every record emitted since the last read, retractions included. */
  readValues(): T[];
  /**
   * Takes the records and applies them as a changelog by id family (an insert adds a value, a retract
   * removes an equal one): what a downstream table holds. Accumulates across calls.
   */
  readTable(): T[];
}

export class TestDriver {
  readonly job: Job;
  private readonly clock: ManualClock;
  private readonly offsets = new Map<string, number>();
  private readonly events: TraceEvent[] = [];
  private readonly tables = new Map<string, unknown[]>();

  constructor(readonly pipeline: Pipeline, options: TestDriverOptions = {}) {
    this.clock = new ManualClock(options.startTime ?? 0);
    const compileOptions: CompileOptions = { clock: this.clock, lineage: options.lineage ?? 100 };
    if (options.trace) compileOptions.trace = (e) => this.events.push(e);
    this.job = compile(pipeline.plan, compileOptions);
  }

  input<T = unknown>(source: string): TestInput<T> {
    if (!this.job.sources.includes(source)) throw new Error(`unknown source "${source}"; sources: ${this.job.sources.join(', ')}`);
    const send = (value: T, options: SendOptions = {}): void => {
      const partition = options.partition ?? 0;
      const slot = `${source}/${partition}`;
      const offset = options.offset ?? this.offsets.get(slot) ?? 0;
      this.offsets.set(slot, offset + 1);
      this.job.push(source, partition, [{ offset, value, key: options.key, timestamp: options.timestamp ?? this.clock.now() }]);
    };
    return {
      send,
      sendMany: (values, options = {}) => {
        for (const v of values) send(v, options);
      },
    };
  }

  /** Moves every source's watermark (or one source's) to at least `at`. */
  advanceWatermark(at: number, source?: string): void {
    this.job.advanceWatermark(at, source);
  }

  /** Moves processing time forward, which is what makes partitions idle. */
  advanceTime(ms: number): void {
    this.clock.advance(ms);
    this.job.tick();
  }

  /** Ends the input: every window closes, every join flushes. */
  finish(): void {
    this.job.finish();
  }

  watermark(source: string): Watermark | null {
    return this.job.watermark(source);
  }

  output<T = unknown>(layer: string): TestOutput<T> {
    return this.reader<T>(layer);
  }

  sideOutput(layer: string, kind: 'late'): TestOutput<LateRecord>;
  sideOutput(layer: string, kind: 'quarantine'): TestOutput<QuarantineRecord>;
  sideOutput(layer: string, kind: 'dead_letter'): TestOutput<DeadLetterRecord>;
  sideOutput(layer: string, kind: 'late' | 'quarantine' | 'dead_letter'): TestOutput<unknown> {
    return this.reader(`${layer}.${kind}`);
  }

  private reader<T>(name: string): TestOutput<T> {
    const readAll = (): OutputRecord<T>[] => this.job.drainOutput(name) as OutputRecord<T>[];
    return {
      readAll,
      readValues: () => readAll().map((r) => r.value),
      readTable: () => {
        const table = (this.tables.get(name) ?? []) as T[];
        for (const r of readAll()) {
          if (r.kind === 'insert') {
            table.push(r.value);
          } else {
            const text = JSON.stringify(r.value);
            const i = table.findIndex((v) => JSON.stringify(v) === text);
            if (i === -1) throw new Error(`output "${name}": retraction of a value never inserted: ${text}`);
            table.splice(i, 1);
          }
        }
        this.tables.set(name, table);
        return [...table];
      },
    };
  }

  metrics(): Metrics {
    return this.job.metrics();
  }

  traceEvents(): TraceEvent[] {
    return this.events.splice(0, this.events.length);
  }

  /** The job state plus the driver's next offsets, JSON-safe. */
  snapshot(): { job: JobSnapshot; clock: number } {
    return { job: this.job.snapshot(), clock: this.clock.now() };
  }

  /** Restores a snapshot; sending then continues from the snapshot's input positions. */
  restore(snapshot: { job: JobSnapshot; clock: number }): void {
    this.job.restore(snapshot.job);
    if (snapshot.clock > this.clock.now()) this.clock.set(snapshot.clock);
    this.offsets.clear();
    for (const [source, parts] of Object.entries(snapshot.job.positions)) {
      for (const [partition, next] of Object.entries(parts)) this.offsets.set(`${source}/${partition}`, next);
    }
    this.tables.clear();
  }
}

/**
 * Runs a pipeline on virtual time for tests.
 * @example
 * const driver = createTestDriver(ordersPipeline);
 * driver.input<Order>('orders').send({ orderId: 'o1', amountCents: 500, ts: '2026-01-01T00:00:10Z' });
 * driver.advanceWatermark(Date.parse('2026-01-01T00:01:00Z'));
 * assert.deepEqual(driver.output('revenue_per_region').readValues(), [...]);
 */
export function createTestDriver(pipeline: Pipeline, options: TestDriverOptions = {}): TestDriver {
  return new TestDriver(pipeline, options);
}
