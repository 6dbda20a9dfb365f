// compile() turns a plan into a job: a fixed graph of operators with one entry per bronze source and
// output buffers per layer. The job is the whole engine API a runner needs: push records per source
// partition, let processing time pass, drain outputs, snapshot and restore.
import type { PipelinePlan, PlanNode, SourceNode, WindowNode } from './plan';
import { inputsOf } from './plan';
import type { OutputRecord } from './record';
import { END_OF_TIME, ManualClock, loadTime, saveTime, toWatermark, type Clock, type Watermark } from './time';
import type { TraceFn } from './trace';
import { PipelineFailure } from './errors';
import { JobContext, type Metrics, type Owner } from './operators/context';
import { MultiInputOperator, type Operator } from './operators/operator';
import { SourceOperator, type SourceRecord } from './operators/source';
import { FilterOperator, FlatMapOperator, KeyByOperator, MapOperator, RouteOperator, SplitOperator, UnionOperator } from './operators/record-wise';
import { ExpectOperator } from './operators/expect';
import { LayerOperator } from './operators/layer-sink';
import { DedupeOperator } from './operators/dedupe';
import { ProcessOperator } from './operators/keyed-process';
import { IntervalJoinOperator } from './operators/interval-join';
import { TemporalJoinOperator } from './operators/temporal-join';
import { WindowOperator } from './windows/window-operator';
import { SessionOperator } from './windows/session-operator';
import { ScalarWindowOperator } from './windows/scalar-window-operator';

/** Options for compile(). */
export interface CompileOptions {
  /**
   * The source of processing time, used only to detect idle partitions.
   * @default a ManualClock at 0, which never moves unless the caller moves it
   * @example compile(plan, { clock: { now: () => Date.now() } }) // a runner outside the engine may read the wall clock
   */
  clock?: Clock;
  /**
   * Called for every ingested record, window assignment, late or dropped record, window firing and
   * watermark advance; feeds the watermark and window debugger. Off costs nothing.
   * @default null
   * @example compile(plan, { trace: (e) => events.push(e) })
   */
  trace?: TraceFn | null;
  /**
   * Lineage: false turns it off (fastest); a number keeps at most that many bronze positions per record.
   * @default 100
   * @example compile(plan, { lineage: false })
   */
  lineage?: boolean | number;
}

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
  ) {}

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
    const op = this.source(source);
    this.guard(() => op.ingest(partition, records));
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
    this.guard(() => {
      for (const op of this.sourceOps.values()) op.tick(now);
    });
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

  /** Takes every record emitted since the last drain, by output name, in declaration order; outputs with nothing are left out. */
  drain(): Record<string, OutputRecord[]> {
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
      else if (op instanceof DedupeOperator || op instanceof ProcessOperator) n += op.size();
    }
    return n;
  }

  /**
   * A deep, JSON-safe copy of the whole job state. Restoring it into a job compiled from the same
   * pipeline and feeding the same input from `positions` gives exactly the output an uninterrupted
   * run gives.
   */
  snapshot(): JobSnapshot {
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
    // The round trip through JSON makes the copy deep (later processing cannot change it) and proves it is JSON-safe.
    return JSON.parse(JSON.stringify(snap)) as JobSnapshot;
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
    for (const [name, records] of Object.entries(snap.pending)) this.ctx.buffers.get(name)?.push(...records);
    this.failure = null;
  }
}

/** Which nodes carry retractions: downstream of an update-mode window, until something drops them. */
function retractingNodes(nodes: readonly PlanNode[]): Set<number> {
  const out = new Set<number>();
  for (const n of nodes) {
    if (n.kind === 'window' && n.emit === 'update') out.add(n.id);
    else if (n.kind !== 'window' && n.kind !== 'source' && inputsOf(n).some((i) => out.has(i.id))) out.add(n.id);
  }
  return out;
}

/** Compiles a pipeline plan into a runnable job. */
export function compile(plan: PipelinePlan, options: CompileOptions = {}): Job {
  const lineage = options.lineage ?? 100;
  const maxPositions = lineage === false ? 0 : lineage === true ? 100 : lineage;
  const clock = options.clock ?? new ManualClock(0);
  const ctx = new JobContext(clock, options.trace ?? null, maxPositions);

  // Only what feeds a layer runs; sources always run, so their positions and watermarks are tracked.
  const needed = new Set<number>();
  const visit = (n: PlanNode): void => {
    if (needed.has(n.id)) return;
    needed.add(n.id);
    for (const i of inputsOf(n)) visit(i);
  };
  for (const n of plan.nodes) if (n.kind === 'layer' || n.kind === 'source') visit(n);
  const nodes = plan.nodes.filter((n) => needed.has(n.id));
  const retracting = retractingNodes(nodes);

  const owners = new Map<string, Owner>();
  const outputs: OutputInfo[] = [];
  const declare = (layer: string, topic: string, kinds: OutputInfo['kind'][]): void => {
    for (const kind of kinds) {
      const name = kind === 'layer' ? layer : `${layer}.${kind}`;
      const t = kind === 'layer' ? topic : `${topic}.${kind}`;
      ctx.declareOutput(name, t);
      outputs.push({ name, topic: t, layer, kind });
    }
  };
  for (const n of nodes) {
    if (n.kind === 'source') {
      owners.set(n.name, { name: n.name, topic: n.topic, onError: n.onError });
      declare(n.name, n.topic, ['dead_letter']);
    } else if (n.kind === 'layer') {
      if (owners.has(n.name)) throw new Error(`two layers or sources are named "${n.name}"`);
      owners.set(n.name, { name: n.name, topic: n.topic, onError: n.onError });
      declare(n.name, n.topic, ['layer', 'late', 'quarantine', 'dead_letter']);
    }
  }

  const ops = new Map<number, Operator>();
  const sourceOps = new Map<string, SourceOperator>();
  for (const n of nodes) {
    const owner = owners.get(n.owner ?? '');
    if (owner === undefined) throw new Error(`node ${n.id} (${n.kind}) belongs to no layer`);
    const op = makeOperator(n, ctx, owner, clock, retracting);
    ops.set(n.id, op);
    if (op instanceof SourceOperator) sourceOps.set((n as SourceNode).name, op);
    const ins = inputsOf(n);
    ins.forEach((input, port) => {
      const from = ops.get(input.id)!;
      if (from instanceof SplitOperator && op instanceof RouteOperator && n.kind === 'route') from.routes[n.route + 1] = op;
      else from.connect(op, port);
    });
  }
  routeWatermarks([...ops.values()]);
  for (const op of sourceOps.values()) fuse(op);
  const fingerprint = nodes.map((n) => `${n.id}:${n.kind}`).join(',');
  return new Job(plan, ctx, [...ops.values()], sourceOps, outputs, fingerprint);
}

/**
 * Sends each operator's watermarks straight to the nearest downstream operators that use them,
 * past the record-at-a-time operators in between (which would only forward them).
 */
function routeWatermarks(ops: readonly Operator[]): void {
  const targets = (op: Operator): [Operator, number][] =>
    op.downstream().flatMap(([next, port]): [Operator, number][] => (next.passesWatermarks ? targets(next) : [[next, port]]));
  for (const op of ops) {
    const t = op.passesWatermarks ? [] : targets(op);
    op.wmOuts = t.map(([o]) => o);
    op.wmPorts = t.map(([, port]) => port);
  }
}

/** Lets a source run source → keyBy → tumbling scalar window as one loop when nothing else reads in between. */
function fuse(source: SourceOperator): void {
  const keyBy = source.outs.length === 1 ? source.outs[0] : undefined;
  if (!(keyBy instanceof KeyByOperator) || keyBy.outs.length !== 1) return;
  const window = keyBy.outs[0];
  if (window instanceof ScalarWindowOperator && window.fusable) source.fused = { keyBy, window };
}

function makeOperator(n: PlanNode, ctx: JobContext, owner: Owner, clock: Clock, retracting: Set<number>): Operator {
  const retractingInput = inputsOf(n).some((i) => retracting.has(i.id));
  const insertsOnly = (what: string): void => {
    if (retractingInput) throw new Error(`layer "${owner.name}": ${what} takes only inserts, but its input emits updates; use emit: 'final' upstream`);
  };
  switch (n.kind) {
    case 'source': return new SourceOperator(ctx, n, owner, clock);
    case 'map': return new MapOperator(ctx, n, owner);
    case 'filter': return new FilterOperator(ctx, n, owner);
    case 'flatMap': insertsOnly('flatMap'); return new FlatMapOperator(ctx, n, owner);
    case 'split': return new SplitOperator(ctx, n, owner);
    case 'route': return new RouteOperator(ctx, n, owner);
    case 'expect': return new ExpectOperator(ctx, n, owner);
    case 'keyBy': return new KeyByOperator(ctx, n, owner);
    case 'window': return makeWindow(n, ctx, owner, retractingInput);
    case 'dedupe': insertsOnly('dedupe'); return new DedupeOperator(ctx, n, owner);
    case 'process': insertsOnly('process'); return new ProcessOperator(ctx, n, owner);
    case 'intervalJoin': insertsOnly('an interval join'); return new IntervalJoinOperator(ctx, n, owner);
    case 'temporalJoin': insertsOnly('a temporal join'); return new TemporalJoinOperator(ctx, n, owner);
    case 'union': return new UnionOperator(ctx, n, owner, n.inputs.length);
    case 'layer': return new LayerOperator(ctx, n, owner);
  }
}

function makeWindow(n: WindowNode, ctx: JobContext, owner: Owner, retracting: boolean): Operator {
  if (n.window.kind === 'session') return new SessionOperator(ctx, n, owner, retracting);
  if (ScalarWindowOperator.fits(n, ctx, retracting)) return new ScalarWindowOperator(ctx, n, owner);
  return new WindowOperator(ctx, n, owner, retracting);
}
