// The plan: the dataflow a pipeline file describes, as plain data plus the user's functions.
// The typed authoring API (sandbox/pipeline/authoring) builds it; compile() turns it into operators.
// It lives in the engine so the engine depends on nothing above it.
import type { AggSpec } from './aggregators';
import type { WindowSpec } from './windows/assigners';

/** What a user callback may learn about the record it is given. One object per operator is reused. */
export interface RecordContext {
  /** The record's event time in ms since the epoch. */
  eventTime: number;
  /** The record's key (the bronze key, or the key of the last keyBy). */
  key: unknown;
}

/** Where a bronze record came from; handed to an event-time extractor. */
export interface SourceMeta {
  readonly partition: number;
  readonly offset: number;
  /** The Kafka record timestamp, or NaN when the runner gave none. */
  readonly timestamp: number;
}

export type ExpectationAction = 'warn' | 'drop' | 'quarantine' | 'fail';
export type ErrorPolicy = 'dead_letter' | 'fail';
export type EmitMode = 'final' | 'update';

type Fn = (value: unknown, ctx: RecordContext) => unknown;

interface NodeBase {
  readonly id: number;
  /** `file:line:column` of the authoring call that made this node, for error reports and the debugger. */
  readonly definedAt: string | null;
  /** The layer that owns this node: its side outputs receive the node's late, quarantined and dead-letter records. */
  owner: string | null;
}

export interface SourceNode extends NodeBase {
  readonly kind: 'source';
  readonly name: string;
  readonly topic: string;
  readonly decode: ((raw: unknown) => unknown) | null;
  readonly key: ((value: unknown) => unknown) | null;
  readonly eventTime: ((value: unknown, meta: SourceMeta) => number) | 'timestamp';
  readonly outOfOrderness: number;
  readonly idleness: number | null;
  readonly onError: ErrorPolicy;
}
export interface MapNode extends NodeBase { readonly kind: 'map'; readonly input: PlanNode; readonly fn: Fn; readonly label: string }
export interface FilterNode extends NodeBase { readonly kind: 'filter'; readonly input: PlanNode; readonly fn: Fn }
export interface FlatMapNode extends NodeBase { readonly kind: 'flatMap'; readonly input: PlanNode; readonly fn: (value: unknown, ctx: RecordContext) => Iterable<unknown> }
export interface SplitNode extends NodeBase { readonly kind: 'split'; readonly input: PlanNode; readonly routes: readonly { readonly name: string; readonly pred: Fn }[] }
/** One named output of a split; `route` is the index into the split's routes, or -1 for records no route matched. */
export interface RouteNode extends NodeBase { readonly kind: 'route'; readonly input: SplitNode; readonly route: number; readonly name: string }
export interface ExpectNode extends NodeBase {
  readonly kind: 'expect';
  readonly input: PlanNode;
  readonly rule: string;
  readonly pred: Fn;
  readonly action: ExpectationAction;
}
export interface KeyByNode extends NodeBase { readonly kind: 'keyBy'; readonly input: PlanNode; readonly fn: Fn }
export interface WindowNode extends NodeBase {
  readonly kind: 'window';
  readonly input: PlanNode;
  readonly window: WindowSpec;
  readonly allowedLateness: number;
  readonly emit: EmitMode;
  readonly aggs: readonly { readonly name: string; readonly spec: AggSpec }[];
}
/** A running aggregate per key, not windowed: every change retracts the key's previous result and inserts the new one. */
export interface AggregateNode extends NodeBase {
  readonly kind: 'aggregate';
  readonly input: PlanNode;
  readonly aggs: readonly { readonly name: string; readonly spec: AggSpec }[];
  /** A key's state is forgotten this long (event time) after its last update; null keeps it forever. */
  readonly ttl: number | null;
}
export interface DedupeNode extends NodeBase { readonly kind: 'dedupe'; readonly input: PlanNode; readonly key: Fn; readonly within: number }
export interface ProcessNode extends NodeBase {
  readonly kind: 'process';
  readonly input: PlanNode;
  readonly init: (key: unknown) => unknown;
  readonly onRecord: (state: unknown, value: unknown, emit: (out: unknown) => void, ctx: RecordContext) => unknown;
  /** State of a key expires this long (event time) after its last update; null keeps it forever. */
  readonly ttl: number | null;
}
export interface IntervalJoinNode extends NodeBase {
  readonly kind: 'intervalJoin';
  readonly left: PlanNode;
  readonly right: PlanNode;
  readonly leftKey: Fn;
  readonly rightKey: Fn;
  /** A right record joins a left one when `left.ts + lower <= right.ts <= left.ts + upper` (both bounds inclusive). */
  readonly lower: number;
  readonly upper: number;
  readonly select: (left: unknown, right: unknown) => unknown;
}
export interface TemporalJoinNode extends NodeBase {
  readonly kind: 'temporalJoin';
  readonly left: PlanNode;
  /** The changelog the table is built from: the latest value per key wins; `undefined` or `null` deletes. */
  readonly right: PlanNode;
  readonly leftKey: Fn;
  readonly rightKey: Fn;
  readonly rightValue: Fn | null;
  readonly select: (left: unknown, right: unknown) => unknown;
  readonly mode: 'inner' | 'left';
}
export interface UnionNode extends NodeBase { readonly kind: 'union'; readonly inputs: readonly PlanNode[] }
export interface LayerNode extends NodeBase {
  readonly kind: 'layer';
  readonly input: PlanNode;
  readonly name: string;
  readonly tier: 'silver' | 'gold';
  readonly topic: string;
  readonly onError: ErrorPolicy;
}

/**
 * A layer's (or a source's) side output read as a stream: its late, quarantined or dead-lettered
 * records, for a downstream layer that counts or repairs them. Its input is the layer itself, which
 * gives it the layer's watermark; its records come from the side output, not from the layer.
 */
export interface SideOutputNode extends NodeBase {
  readonly kind: 'sideOutput';
  readonly input: LayerNode | SourceNode;
  readonly output: SideOutputKind;
}
export type SideOutputKind = 'late' | 'quarantine' | 'dead_letter';

export type PlanNode =
  | SideOutputNode | SourceNode | MapNode | FilterNode | FlatMapNode | SplitNode | RouteNode | ExpectNode | KeyByNode | WindowNode | AggregateNode
  | DedupeNode | ProcessNode | IntervalJoinNode | TemporalJoinNode | UnionNode | LayerNode;

export interface PipelinePlan {
  readonly name: string;
  /** Every node in creation order; a node's inputs always come before it. */
  readonly nodes: readonly PlanNode[];
}

/** The nodes a node reads from, with the input port each arrives on. */
export function inputsOf(node: PlanNode): PlanNode[] {
  switch (node.kind) {
    case 'source': return [];
    case 'intervalJoin': case 'temporalJoin': return [node.left, node.right];
    case 'union': return [...node.inputs];
    default: return [node.input];
  }
}
