// The typed stream API. Every method adds a node to the plan and returns a new stream; nothing runs
// until the pipeline is compiled. Types flow from the bronze codec through every transform, so a wrong
// field name anywhere is a compile error in the editor.
import { callSite, toMillis, type RecordContext, type WindowSpec } from '../../engine';
import type { PlanNode, SplitNode } from '../../engine/plan';
import type { Aggregation } from './aggregations';
import type { Graph } from './graph';
import type {
  DedupeOptions, ExpectationAction, IntervalJoinOptions, Key, ProcessOptions, RunningAggregateOptions, Simplify, TableOptions,
  TemporalJoinOptions, WindowOptions,
} from './types';

type Fn = (value: unknown, ctx: RecordContext) => unknown;
const erase = (fn: unknown): Fn => fn as Fn;

/** The fields of T renamed by M: `{ amount: 'amountCents' }` renames `amount` to `amountCents`. */
export type Renamed<T, M> = Simplify<{ [P in keyof T as P extends keyof M ? (M[P] extends string ? M[P] : P) : P]: T[P] }>;
/** T with the fields in M replaced by what M's functions return. */
export type Normalized<T, M> = Simplify<{ [P in keyof T]: P extends keyof M ? (M[P] extends (...args: never[]) => infer R ? R : T[P]) : T[P] }>;
/** Keys of M that T does not have; mapping them to never makes a misspelt field a compile error. */
type NoExtra<M, T> = { [P in Exclude<keyof M, keyof T>]: never };
/** The record type a split route lets through: narrowed by a type guard, else T. */
type RouteType<F, T> = F extends (value: T, ...rest: never[]) => value is (infer S extends T) ? S : T;
/** The value of a window result: the key, the window bounds and each aggregate under its name. */
export type WindowResult<K, A> = Simplify<
  { key: K; windowStart: number; windowEnd: number } & { [P in keyof A]: A[P] extends Aggregation<never, infer R> ? R : never }
>;
type Reserved = { key?: never; windowStart?: never; windowEnd?: never };
/** The value of a running aggregate: the key and each aggregate under its name. */
export type RunningResult<K, A> = Simplify<{ key: K } & { [P in keyof A]: A[P] extends Aggregation<never, infer R> ? R : never }>;

export class Stream<T> {
  /** @internal */
  constructor(
    /** @internal */ readonly node: PlanNode,
    /** @internal */ readonly graph: Graph,
  ) {}

  protected next<R>(node: PlanNode): Stream<R> {
    return new Stream<R>(node, this.graph);
  }

  /** @example .map((o) => ({ ...o, amountEuros: o.amountCents / 100 })) */
  map<R>(fn: (value: T, ctx: RecordContext) => R): Stream<R> {
    return this.next(this.graph.add({ kind: 'map', input: this.node, fn: erase(fn), label: 'map', definedAt: callSite() }));
  }

  /** Keeps the records for which `fn` is true; a type guard narrows the type. */
  filter<S extends T>(fn: (value: T, ctx: RecordContext) => value is S): Stream<S>;
  filter(fn: (value: T, ctx: RecordContext) => boolean): Stream<T>;
  filter(fn: (value: T, ctx: RecordContext) => boolean): Stream<T> {
    return this.next(this.graph.add({ kind: 'filter', input: this.node, fn: erase(fn), definedAt: callSite() }));
  }

  /** @example .flatMap((o) => o.lines.map((l) => ({ orderId: o.orderId, ...l }))) */
  flatMap<R>(fn: (value: T, ctx: RecordContext) => Iterable<R>): Stream<R> {
    return this.next(this.graph.add({ kind: 'flatMap', input: this.node, fn: fn as unknown as (v: unknown, c: RecordContext) => Iterable<unknown>, definedAt: callSite() }));
  }

  /**
   * Renames fields; naming a field T does not have is a compile error.
   * @example .rename({ amt: 'amountCents', cust: 'customerId' })
   */
  rename<const M extends { readonly [P in keyof T]?: string }>(mapping: M & NoExtra<M, T>): Stream<Renamed<T, M>> {
    const pairs = Object.entries(mapping as Record<string, string>);
    const fn = (value: unknown): unknown => {
      const out: Record<string, unknown> = {};
      const renamed = new Map(pairs);
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[renamed.get(k) ?? k] = v;
      return out;
    };
    return this.next(this.graph.add({ kind: 'map', input: this.node, fn, label: 'rename', definedAt: callSite() }));
  }

  /**
   * Rewrites fields one by one (trim, lower-case, default a missing value); other fields pass unchanged.
   * @example .normalize({ email: (e) => e.trim().toLowerCase(), region: (r) => r ?? 'unknown' })
   */
  normalize<const M extends { readonly [P in keyof T]?: (value: T[P], record: T) => unknown }>(spec: M & NoExtra<M, T>): Stream<Normalized<T, M>> {
    const entries = Object.entries(spec as Record<string, (v: unknown, r: unknown) => unknown>);
    const fn = (value: unknown): unknown => {
      const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
      for (const [k, f] of entries) out[k] = f((value as Record<string, unknown>)[k], value);
      return out;
    };
    return this.next(this.graph.add({ kind: 'map', input: this.node, fn, label: 'normalize', definedAt: callSite() }));
  }

  /**
   * Splits the stream: each record goes to the first route whose predicate holds, or to `unmatched`.
   * A type-guard predicate narrows its route's type.
   * @example const { refunds, sales } = orders.split({ refunds: (o) => o.amountCents < 0, sales: (o) => o.amountCents >= 0 });
   */
  split<const R extends Record<string, (value: T, ctx: RecordContext) => boolean>>(
    routes: R & { unmatched?: never },
  ): { [P in keyof R]: Stream<RouteType<R[P], T>> } & { unmatched: Stream<T> } {
    const names = Object.keys(routes);
    const split = this.graph.add({
      kind: 'split', input: this.node, definedAt: callSite(),
      routes: names.map((name) => ({ name, pred: erase((routes as Record<string, unknown>)[name]) })),
    }) as SplitNode;
    const out: Record<string, Stream<unknown>> = {};
    names.forEach((name, i) => {
      out[name] = this.next(this.graph.add({ kind: 'route', input: split, route: i, name, definedAt: split.definedAt }));
    });
    out.unmatched = this.next(this.graph.add({ kind: 'route', input: split, route: -1, name: 'unmatched', definedAt: split.definedAt }));
    return out as { [P in keyof R]: Stream<RouteType<R[P], T>> } & { unmatched: Stream<T> };
  }

  /**
   * A named rule with an action: `warn` keeps and counts failures, `drop` discards them, `quarantine`
   * sends them to the layer's quarantine output with the rule and the reason, `fail` stops the pipeline.
   * @example .expect('positive_amount', (o) => o.amountCents > 0, 'quarantine')
   */
  expect(rule: string, check: (value: T, ctx: RecordContext) => boolean, action: ExpectationAction = 'warn'): Stream<T> {
    return this.next(this.graph.add({ kind: 'expect', input: this.node, rule, pred: erase(check), action, definedAt: callSite() }));
  }

  /** @example .dedupe({ key: (o) => o.orderId, within: '1h' }) */
  dedupe(options: DedupeOptions<T>): Stream<T> {
    return this.next(this.graph.add({ kind: 'dedupe', input: this.node, key: erase(options.key), within: toMillis(options.within), definedAt: callSite() }));
  }

  /** @example .keyBy((o) => o.region) */
  keyBy<K extends Key>(fn: (value: T) => K): KeyedStream<K, T> {
    return new KeyedStream<K, T>(this.graph.add({ kind: 'keyBy', input: this.node, fn: erase(fn), definedAt: callSite() }), this.graph);
  }

  /** Merges streams of the same type; the watermark is the minimum of theirs. */
  union(...others: Stream<T>[]): Stream<T> {
    return this.next(this.graph.add({ kind: 'union', inputs: [this.node, ...others.map((o) => o.node)], definedAt: callSite() }));
  }

  /**
   * Joins each record with the records of `other` that have the same key and an event time within
   * [ts - before, ts + after]. The result's event time is the later of the two.
   * @example orders.intervalJoin(payments, { leftKey: (o) => o.orderId, rightKey: (p) => p.orderId, after: '30m', select: (o, p) => ({ ...o, paidAt: p.ts }) })
   */
  intervalJoin<U, K extends Key, O>(other: Stream<U>, options: IntervalJoinOptions<T, U, K, O>): Stream<O> {
    return this.next(this.graph.add({
      kind: 'intervalJoin', left: this.node, right: other.node, leftKey: erase(options.leftKey), rightKey: erase(options.rightKey),
      lower: -toMillis(options.before ?? 0), upper: toMillis(options.after ?? 0),
      select: options.select as unknown as (l: unknown, r: unknown) => unknown, definedAt: callSite(),
    }));
  }

  /**
   * Joins each record with the table's row for its key as of the record's event time.
   * @example orders.temporalJoin(customers, { key: (o) => o.customerId, select: (o, c) => ({ ...o, tier: c?.tier ?? 'none' }) })
   */
  temporalJoin<V, K extends Key, O, M extends 'left' | 'inner' = 'left'>(table: Table<K, V>, options: TemporalJoinOptions<T, V, K, O, M>): Stream<O> {
    return this.next(this.graph.add({
      kind: 'temporalJoin', left: this.node, right: table.node, leftKey: erase(options.key), rightKey: erase(table.key),
      rightValue: table.value === null ? null : erase(table.value), mode: options.mode ?? 'left',
      select: options.select as unknown as (l: unknown, r: unknown) => unknown, definedAt: callSite(),
    }));
  }

  /**
   * Reads this stream as a changelog: the latest row per key, versioned by event time, for temporalJoin.
   * @example const customers = profiles.toTable({ key: (c) => c.customerId })
   */
  toTable<K extends Key, V = T>(options: TableOptions<T, K, V>): Table<K, V> {
    return new Table<K, V>(this.node, erase(options.key), options.value === undefined ? null : erase(options.value));
  }
}

/** A stream grouped by key: it can be windowed or processed with keyed state. */
export class KeyedStream<K extends Key, T> extends Stream<T> {
  /** @example .window(tumbling('1m'), { allowedLateness: '30s', emit: 'final' }) */
  window(spec: WindowSpec, options: WindowOptions = {}): WindowedStream<K, T> {
    return new WindowedStream<K, T>(this.node, this.graph, spec, options, callSite());
  }

  /**
   * A running aggregate per key, not windowed: `{ key, ...aggregates }`, updated on every record. Each
   * update retracts the key's previous result, so downstream aggregates and tables stay right.
   * @example p.gold('revenue_so_far', clean.keyBy((o) => o.region).aggregate({ revenue: sum((o) => o.amountCents) }, { ttl: '7 days' }))
   */
  aggregate<const A extends Record<string, Aggregation<T, unknown>>>(aggregations: A & { key?: never }, options: RunningAggregateOptions = {}): Stream<RunningResult<K, A>> {
    return this.next(this.graph.add({
      kind: 'aggregate', input: this.node, definedAt: callSite(), ttl: options.ttl === undefined ? null : toMillis(options.ttl),
      aggs: Object.entries(aggregations as Record<string, Aggregation<T, unknown>>).map(([name, a]) => ({ name, spec: a.spec })),
    }));
  }

  /** Keyed state with a time to live; see ProcessOptions. */
  process<S, O>(options: ProcessOptions<K, T, S, O>): Stream<O> {
    return this.next(this.graph.add({
      kind: 'process', input: this.node, init: options.init as (key: unknown) => unknown,
      onRecord: options.onRecord as unknown as (s: unknown, v: unknown, e: (o: unknown) => void, c: RecordContext) => unknown,
      ttl: options.ttl === undefined ? null : toMillis(options.ttl), definedAt: callSite(),
    }));
  }
}

export class WindowedStream<K extends Key, T> {
  /** @internal */
  constructor(
    private readonly input: PlanNode,
    private readonly graph: Graph,
    private readonly spec: WindowSpec,
    private readonly options: WindowOptions,
    private readonly definedAt: string | null,
  ) {}

  /**
   * One result per window and key: `{ key, windowStart, windowEnd, ...aggregates }`.
   * @example .aggregate({ revenue: sum((o) => o.amountCents), orders: count() })
   */
  aggregate<const A extends Record<string, Aggregation<T, unknown>>>(aggregations: A & Reserved): Stream<WindowResult<K, A>> {
    const node = this.graph.add({
      kind: 'window', input: this.input, window: this.spec, definedAt: this.definedAt,
      allowedLateness: toMillis(this.options.allowedLateness ?? 0), emit: this.options.emit ?? 'final',
      aggs: Object.entries(aggregations as Record<string, Aggregation<T, unknown>>).map(([name, a]) => ({ name, spec: a.spec })),
    });
    return new Stream<WindowResult<K, A>>(node, this.graph);
  }
}

/** A changelog read as a table: the latest row per key. */
export class Table<K extends Key, V> {
  readonly __types?: [K, V];
  /** @internal */
  constructor(
    /** @internal */ readonly node: PlanNode,
    /** @internal */ readonly key: Fn,
    /** @internal */ readonly value: Fn | null,
  ) {}
}
