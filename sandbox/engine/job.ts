// The job: a compiled plan with its state, and the whole engine API a runner needs: push records per
// source partition, let processing time pass, drain outputs, snapshot and restore. compile.ts builds it.
import type { PipelinePlan } from './plan';
import type { OutputRecord } from './record';
import { END_OF_TIME, loadTime, saveTime, toWatermark, type Watermark } from './time';
import { PipelineFailure } from './errors';
import type { JobContext, Metrics } from './operators/context';
import { MultiInputOperator, type Operator } from './operators/operator';
import type { SourceOperator, SourceRecord } from './operators/source';
import { DedupeOperator } from './operators/dedupe';
import { ProcessOperator } from './operators/keyed-process';
import { RunningAggregateOperator } from './operators/running-aggregate';
import { IntervalJoinOperator } from './operators/interval-join';
import { TemporalJoinOperator } from './operators/temporal-join';
import { WindowOperator } from './windows/window-operator';
import { SessionOperator } from './windows/session-operator';

/** What the runner needs to know about an output to write it. */
export interface OutputInfo {
  readonly name: string;
  readonly topic: string;
  readonly layer: string;
  readonly kind: 'layer' | 'late' | 'quarantine' | 'dead_letter';
}

/** A checkpoint: every operator's state, every watermark, every input position and undrained outputs. JSON-safe. */
export interface JobSnapshot {
  readonly format: 'medallion-engine/1';
  readonly pipeline: string;
  readonly fingerprint: string;
  readonly positions: Record<string, Record<number, number>>;
  readonly operators: readonly unknown[];
  readonly pending: Record<string, OutputRecord[]>;
}

export class Job {
  /** True once a layer failed; the job then refuses further input. */
  failure: PipelineFailure | null = null;

  constructor(
    readonly plan: PipelinePlan,
    private readonly ctx: JobContext,
    private readonly ops: readonly Operator[],
    private readonly sourceOps: ReadonlyMap<string, SourceOperator>,
    readonly outputs: readonly OutputInfo[],
    private readonly fingerprint: string,
  ) {
    this.sourceList = [...sourceOps.values()];
  }

  /** The source operators as an array, which ticks iterate without allocating an iterator. */
  private readonly sourceList: SourceOperator[];

  /** The names of the bronze sources, in declaration order. */
  get sources(): string[] {
    return [...this.sourceOps.keys()];
  }

  /** The topic a source reads. */
  topicOf(source: string): string {
    return this.source(source).src.topic;
  }

  private source(name: string): SourceOperator {
    const op = this.sourceOps.get(name);
    if (op === undefined) throw new Error(`unknown source "${name}"; sources: ${this.sources.join(', ')}`);
    return op;
  }

  private guard(run: () => void): void {
    if (this.failure !== null) throw this.failure;
    try {
      run();
    } catch (error) {
      if (error instanceof PipelineFailure) this.failure = error;
      throw error;
    }
  }

  /** Feeds records of one source partition, in offset order. */
  push(source: string, partition: number, records: readonly SourceRecord[]): void {
    this.ingest(this.source(source), partition, records);
  }

  /** push() for one source, without looking the source up on every call: for a runner feeding record by record. */
  pusher(source: string): (partition: number, records: readonly SourceRecord[]) => void {
    const op = this.source(source);
    return (partition, records) => this.ingest(op, partition, records);
  }

  /** The guard written out, not wrapped in a closure: a runner calls this once per record, and a closure per call shows. */
  private ingest(op: SourceOperator, partition: number, records: readonly SourceRecord[]): void {
    if (this.failure !== null) throw this.failure;
    try {
      op.ingest(partition, records);
    } catch (error) {
      if (error instanceof PipelineFailure) this.failure = error;
      throw error;
    }
  }

  /** Feeds decoded values at consecutive offsets starting at `firstOffset`: the fast path. */
  pushValues(source: string, partition: number, firstOffset: number, values: readonly unknown[]): void {
    const op = this.source(source);
    this.guard(() => op.ingestValues(partition, firstOffset, values));
  }

  /** Declares a source's assigned partitions, so a silent one holds the watermark back until it is idle. */
  assignPartitions(source: string, partitions: readonly number[]): void {
    const op = this.source(source);
    this.guard(() => op.declarePartitions(partitions));
  }

  /** Processing time moved on: re-checks idleness against the injected clock. */
  tick(): void {
    const now = this.ctx.clock.now();
    // The guard written out: a runner ticks whenever its clock moves, nearly once per record.
    if (this.failure !== null) throw this.failure;
    try {
      for (const op of this.sourceList) op.tick(now);
    } catch (error) {
      if (error instanceof PipelineFailure) this.failure = error;
      throw error;
    }
  }

  /** Forces the watermark of one source, or of all, to at least `at`. */
  advanceWatermark(at: number, source?: string): void {
    const targets = source === undefined ? [...this.sourceOps.values()] : [this.source(source)];
    this.guard(() => {
      for (const op of targets) op.advanceTo(at);
    });
  }

  /** The end of a bounded input: closes every window and flushes every join. */
  finish(): void {
    this.advanceWatermark(END_OF_TIME);
  }

  /** A source's current watermark, or null before its first record. */
  watermark(source: string): Watermark | null {
    return toWatermark(this.source(source).watermarkValue);
  }

  /** The next offset to read per source and partition. */
  positions(): Record<string, Record<number, number>> {
    const out: Record<string, Record<number, number>> = {};
    for (const [name, op] of this.sourceOps) out[name] = op.positions();
    return out;
  }

  /** How many output records wait to be drained. */
  get pendingOutputs(): number {
    return this.ctx.pending;
  }

  /** Takes every record emitted since the last drain, by output name, in declaration order; outputs with nothing are left out. */
  drain(): Record<string, OutputRecord[]> {
    this.ctx.pending = 0;
    const out: Record<string, OutputRecord[]> = {};
    for (const [name, buffer] of this.ctx.buffers) {
      if (buffer.length === 0) continue;
      out[name] = buffer.splice(0, buffer.length);
    }
    return out;
  }

  /** Takes the records of one output. */
  drainOutput(name: string): OutputRecord[] {
    const buffer = this.ctx.buffers.get(name);
    if (buffer === undefined) throw new Error(`unknown output "${name}"; outputs: ${[...this.ctx.buffers.keys()].join(', ')}`);
    this.ctx.pending -= buffer.length;
    return buffer.splice(0, buffer.length);
  }

  metrics(): Metrics {
    return JSON.parse(JSON.stringify(this.ctx.metrics)) as Metrics;
  }

  /** How much state the operators hold: open panes, sessions, buffered join records, dedupe keys. */
  stateSize(): number {
    let n = 0;
    for (const op of this.ops) {
      if (op instanceof WindowOperator) n += op.openPanes();
      else if (op instanceof SessionOperator) n += op.openSessions();
      else if (op instanceof IntervalJoinOperator) n += op.buffered();
      else if (op instanceof TemporalJoinOperator) n += op.tableSize();
      else if (op instanceof DedupeOperator || op instanceof ProcessOperator || op instanceof RunningAggregateOperator) n += op.size();
    }
    return n;
  }

  /**
   * A deep, JSON-safe copy of the whole job state. Restoring it into a job compiled from the same
   * pipeline and feeding the same input from `positions` gives exactly the output an uninterrupted
   * run gives.
   */
  snapshot(): JobSnapshot {
    // The round trip through JSON makes the copy deep (later processing cannot change it) and proves it is JSON-safe.
    return JSON.parse(this.snapshotJson()) as JobSnapshot;
  }

  /**
   * The snapshot as JSON text, in one pass over the state: what a runner writes to its changelog on
   * every commit, where a deep copy and a second serialization would double the cost of the largest
   * states (a temporal join's table).
   */
  snapshotJson(): string {
    const operators = this.ops.map((op) => [
      saveTime(op.wm),
      op instanceof MultiInputOperator ? op.inputWms.map(saveTime) : null,
      op.snapshot(),
    ]);
    const pending: Record<string, OutputRecord[]> = {};
    for (const [name, buffer] of this.ctx.buffers) if (buffer.length > 0) pending[name] = buffer;
    const snap: JobSnapshot = {
      format: 'medallion-engine/1', pipeline: this.plan.name, fingerprint: this.fingerprint,
      positions: this.positions(), operators, pending,
    };
    return JSON.stringify(snap);
  }

  restore(snapshot: JobSnapshot): void {
    if (snapshot.format !== 'medallion-engine/1') throw new Error(`unknown snapshot format ${String(snapshot.format)}`);
    if (snapshot.fingerprint !== this.fingerprint) {
      throw new Error(`the snapshot was taken of a different pipeline graph (${snapshot.fingerprint}), not this one (${this.fingerprint})`);
    }
    const snap = JSON.parse(JSON.stringify(snapshot)) as JobSnapshot;
    this.ops.forEach((op, i) => {
      const [wm, inputs, state] = snap.operators[i] as [unknown, unknown[] | null, unknown];
      op.wm = loadTime(wm);
      if (op instanceof MultiInputOperator && inputs !== null) inputs.forEach((w, j) => (op.inputWms[j] = loadTime(w)));
      op.restore(state);
    });
    for (const buffer of this.ctx.buffers.values()) buffer.length = 0;
    this.ctx.pending = 0;
    for (const [name, records] of Object.entries(snap.pending)) {
      const buffer = this.ctx.buffers.get(name);
      if (buffer === undefined) continue;
      buffer.push(...records);
      this.ctx.pending += records.length;
    }
    this.failure = null;
  }
}
