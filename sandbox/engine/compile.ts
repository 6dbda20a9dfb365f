// compile() turns a plan into a job: a fixed graph of operators with one entry per bronze source and
// output buffers per layer, built in node order so the same pipeline gives the same graph.
import type { PipelinePlan, PlanNode, SourceNode, WindowNode } from './plan';
import { inputsOf } from './plan';
import { ManualClock, type Clock } from './time';
import type { TraceFn } from './trace';
import { Job, type OutputInfo } from './job';
import { JobContext, type Owner } from './operators/context';
import type { Operator } from './operators/operator';
import { SourceOperator } from './operators/source';
import { FilterOperator, FlatMapOperator, KeyByOperator, MapOperator, RouteOperator, SplitOperator, UnionOperator } from './operators/record-wise';
import { ExpectOperator } from './operators/expect';
import { LayerOperator } from './operators/layer-sink';
import { SideOutputOperator } from './operators/side-output';
import { DedupeOperator } from './operators/dedupe';
import { ProcessOperator } from './operators/keyed-process';
import { IntervalJoinOperator } from './operators/interval-join';
import { TemporalJoinOperator } from './operators/temporal-join';
import { WindowOperator } from './windows/window-operator';
import { SessionOperator } from './windows/session-operator';
import { ScalarWindowOperator } from './windows/scalar-window-operator';
import { RunningAggregateOperator } from './operators/running-aggregate';

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

/** Which nodes carry retractions: downstream of an update-mode window, until something drops them. */
function retractingNodes(nodes: readonly PlanNode[]): Set<number> {
  const out = new Set<number>();
  for (const n of nodes) {
    if ((n.kind === 'window' && n.emit === 'update') || n.kind === 'aggregate') out.add(n.id);
    else if (n.kind !== 'window' && n.kind !== 'source' && inputsOf(n).some((i) => out.has(i.id))) out.add(n.id);
  }
  return out;
}

/** Compiles a pipeline (or its plan) into a runnable job. */
export function compile(pipeline: PipelinePlan | { readonly plan: PipelinePlan }, options: CompileOptions = {}): Job {
  // A pipeline file's default export (a Pipeline) carries its plan; the engine itself needs only the plan.
  const plan = 'plan' in pipeline ? pipeline.plan : pipeline;
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
    case 'aggregate': return new RunningAggregateOperator(ctx, n, owner, retractingInput);
    case 'dedupe': insertsOnly('dedupe'); return new DedupeOperator(ctx, n, owner);
    case 'process': insertsOnly('process'); return new ProcessOperator(ctx, n, owner);
    case 'intervalJoin': insertsOnly('an interval join'); return new IntervalJoinOperator(ctx, n, owner);
    case 'temporalJoin': insertsOnly('a temporal join'); return new TemporalJoinOperator(ctx, n, owner);
    case 'union': return new UnionOperator(ctx, n, owner, n.inputs.length);
    case 'layer': return new LayerOperator(ctx, n, owner);
    case 'sideOutput': return new SideOutputOperator(ctx, n, owner);
  }
}

function makeWindow(n: WindowNode, ctx: JobContext, owner: Owner, retracting: boolean): Operator {
  if (n.window.kind === 'session') return new SessionOperator(ctx, n, owner, retracting);
  if (ScalarWindowOperator.fits(n, ctx, retracting)) return new ScalarWindowOperator(ctx, n, owner);
  return new WindowOperator(ctx, n, owner, retracting);
}
