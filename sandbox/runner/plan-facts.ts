// What the runner reads off a pipeline's plan: each output's tier, which layers emit updates, which
// sources feed each layer, and whether the plan can run one task per partition. The engine keeps its
// own copy of these walks private; the runner needs them only to label records and pick tasks.
import type { OutputInfo, PipelinePlan, PlanNode } from '../engine';

function inputsOf(node: PlanNode): PlanNode[] {
  switch (node.kind) {
    case 'source': return [];
    case 'intervalJoin': case 'temporalJoin': return [node.left, node.right];
    case 'union': return [...node.inputs];
    default: return [node.input];
  }
}

export interface PlanFacts {
  /** `bronze`, `silver` or `gold` per layer or source name. */
  readonly tierOf: ReadonlyMap<string, 'bronze' | 'silver' | 'gold'>;
  /** Layers whose records are changes (insert or retract) rather than plain appends. */
  readonly updating: ReadonlySet<string>;
  /** The bronze sources upstream of each layer, for the layer's watermark. */
  readonly sourcesOf: ReadonlyMap<string, readonly string[]>;
  /** Kinds of node that need records of one key together; their presence rules out per-partition tasks by default. */
  readonly keyedOperators: readonly string[];
}

const KEYED = new Set(['keyBy', 'window', 'aggregate', 'dedupe', 'process', 'intervalJoin', 'temporalJoin']);

export function planFacts(plan: PipelinePlan): PlanFacts {
  const tierOf = new Map<string, 'bronze' | 'silver' | 'gold'>();
  const updating = new Set<string>();
  const sourcesOf = new Map<string, string[]>();
  const retracting = new Set<number>();
  const keyed = new Set<string>();
  for (const n of plan.nodes) {
    if (n.kind === 'source') tierOf.set(n.name, 'bronze');
    if (KEYED.has(n.kind)) keyed.add(n.kind);
    // The same rule the engine compiles by: updates start at update-mode windows and running
    // aggregates and flow downstream until something drops them.
    if ((n.kind === 'window' && n.emit === 'update') || n.kind === 'aggregate') retracting.add(n.id);
    else if (n.kind !== 'window' && n.kind !== 'source' && inputsOf(n).some((i) => retracting.has(i.id))) retracting.add(n.id);
    if (n.kind === 'layer') {
      tierOf.set(n.name, n.tier);
      if (retracting.has(n.id)) updating.add(n.name);
      sourcesOf.set(n.name, upstreamSources(n));
    }
  }
  return { tierOf, updating, sourcesOf, keyedOperators: [...keyed] };
}

function upstreamSources(node: PlanNode): string[] {
  const seen = new Set<number>();
  const out: string[] = [];
  const visit = (n: PlanNode): void => {
    if (seen.has(n.id)) return;
    seen.add(n.id);
    if (n.kind === 'source') out.push(n.name);
    for (const i of inputsOf(n)) visit(i);
  };
  visit(node);
  return out;
}

/** The topic an output is written to in this run: re-runs add their suffix. */
export function outputTopic(output: OutputInfo, suffix: string): string {
  return output.topic + suffix;
}

/** `layer` and every layer downstream of it: what a re-run from `layer` must compute again. */
export function layersFrom(plan: PipelinePlan, layer: string): Set<string> {
  const start = plan.nodes.find((n) => n.kind === 'layer' && n.name === layer);
  if (start === undefined) {
    const names = plan.nodes.flatMap((n) => (n.kind === 'layer' ? [n.name] : []));
    throw new Error(`no layer "${layer}" in pipeline "${plan.name}"; layers: ${names.join(', ')}`);
  }
  const affected = new Set<number>([start.id]);
  const out = new Set<string>([layer]);
  // Plan nodes come in declaration order, so a node's inputs are always seen before it.
  for (const n of plan.nodes) {
    if (affected.has(n.id)) continue;
    if (inputsOf(n).some((i) => affected.has(i.id))) {
      affected.add(n.id);
      if (n.kind === 'layer') out.add(n.name);
    }
  }
  return out;
}
