// Option types of the authoring API. Each option object documents its defaults and an example, since
// this is what users read in the editor's hover.
import type { Duration, ExpectationAction, RecordContext, SourceMeta } from '../../engine';

export type { Duration, ExpectationAction, RecordContext, SourceMeta };

/** A key: what records are grouped, joined and deduplicated by. Compose several fields into one string. */
export type Key = string | number;

/** Turns a raw Kafka value into a typed record. `decode` is called as a plain function, without `this`. */
export interface Codec<T> {
  readonly name: string;
  readonly decode: (raw: unknown) => T;
}

/** Flattens an intersection so the editor shows one object type. */
export type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** Options of a bronze source: a topic read as typed records with event time and a watermark strategy. */
export interface BronzeOptions<T, K extends Key> {
  /**
   * The Kafka topic to read.
   * @default the source's name
   * @example topic: 'shop.orders.v1'
   */
  topic?: string;
  /**
   * How to decode the value.
   * @example value: json<Order>()
   */
  value: Codec<T>;
  /**
   * The record key downstream layers see until they key by something else.
   * @default the Kafka record key as given
   * @example key: (o) => o.orderId
   */
  key?: (value: T) => K;
  /**
   * The event time in ms since the epoch: a function of the value, or `'timestamp'` for the Kafka record timestamp.
   * @example eventTime: (o) => Date.parse(o.ts)
   */
  eventTime: ((value: T, meta: SourceMeta) => number) | 'timestamp';
  /**
   * How far out of order records may arrive: each partition's watermark trails its highest event time by this much.
   * @default 0
   * @example outOfOrderness: '5s'
   */
  outOfOrderness?: Duration;
  /**
   * A partition with no records for this long (processing time) stops holding the watermark back.
   * @default never
   * @example idleness: '30s'
   */
  idleness?: Duration;
  /**
   * What a record that cannot be decoded or timed does: go to the source's dead-letter output, or stop the pipeline.
   * @default 'dead_letter'
   * @example onError: 'fail'
   */
  onError?: 'dead_letter' | 'fail';
}

/** Options of a silver or gold layer. */
export interface LayerOptions {
  /**
   * The Kafka topic the layer writes. Side outputs go to `<topic>.late`, `<topic>.quarantine`, `<topic>.dead_letter`.
   * @default the layer's name
   * @example topic: 'gold.revenue_per_region'
   */
  topic?: string;
  /**
   * What a transform that throws does: send the record to the layer's dead-letter output, or stop the pipeline.
   * @default 'dead_letter'
   * @example onError: 'fail'
   */
  onError?: 'dead_letter' | 'fail';
}

/** How a window emits and how long it waits for late records. */
export interface WindowOptions {
  /**
   * How long after its end a window still accepts records; later ones go to the layer's `late` output.
   * @default 0
   * @example allowedLateness: '1m'
   */
  allowedLateness?: Duration;
  /**
   * `'final'`: one result per window and key when the window closes. `'update'`: a result on every
   * change, each preceded by a retraction of the previous one.
   * @default 'final'
   * @example emit: 'update'
   */
  emit?: 'final' | 'update';
}

/** Options of dedupe(). */
export interface DedupeOptions<T> {
  /**
   * What makes two records the same.
   * @example key: (o) => o.orderId
   */
  key: (value: T) => Key;
  /**
   * How long after the first record a repeat still counts as a duplicate (event time); also how long the key is remembered.
   * @example within: '1h'
   */
  within: Duration;
}

/** Options of intervalJoin(): right records join left ones with the same key within a time range around them. */
export interface IntervalJoinOptions<L, R, K extends Key, O> {
  /** @example leftKey: (o) => o.orderId */
  leftKey: (left: L) => K;
  /** @example rightKey: (p) => p.orderId */
  rightKey: (right: R) => K;
  /**
   * How long before the left record a right one may be (inclusive).
   * @default 0
   * @example before: '5m'
   */
  before?: Duration;
  /**
   * How long after the left record a right one may be (inclusive).
   * @default 0
   * @example after: '30 minutes'
   */
  after?: Duration;
  /** @example select: (order, payment) => ({ ...order, paidAt: payment.ts }) */
  select: (left: L, right: R) => O;
}

/** Options of temporalJoin(). */
export interface TemporalJoinOptions<L, V, K extends Key, O, M extends 'left' | 'inner'> {
  /** @example key: (o) => o.customerId */
  key: (left: L) => K;
  /**
   * `'left'` keeps records with no table row (select gets undefined); `'inner'` drops them.
   * @default 'left'
   * @example mode: 'inner'
   */
  mode?: M;
  /** @example select: (order, customer) => ({ ...order, tier: customer?.tier ?? 'none' }) */
  select: (left: L, row: M extends 'inner' ? V : V | undefined) => O;
}

/** Options of toTable(): a changelog stream read as a table, the latest row per key. */
export interface TableOptions<T, K extends Key, V> {
  /** @example key: (c) => c.customerId */
  key: (value: T) => K;
  /**
   * The row kept per key; a null or undefined value deletes the key.
   * @default the record itself
   * @example value: (c) => ({ tier: c.tier })
   */
  value?: (value: T) => V | null | undefined;
}

/** Options of process(): keyed state the function reads and writes. */
export interface ProcessOptions<K extends Key, T, S, O> {
  /** The state of a key seen for the first time (or again after its state expired). */
  init: (key: K) => S;
  /**
   * Called per record with its key's state; may emit records; returns the new state (or mutates it and returns nothing). State must be JSON-safe.
   * @example onRecord: (seen, o, emit) => { if (seen.n === 0) emit(o); return { n: seen.n + 1 }; }
   */
  onRecord: (state: S, value: T, emit: (out: O) => void, ctx: RecordContext) => S | void;
  /**
   * A key's state expires this long (event time) after its last update.
   * @default never
   * @example ttl: '1h'
   */
  ttl?: Duration;
}

/** Options of a running (not windowed) aggregate. */
export interface RunningAggregateOptions {
  /**
   * A key's state is forgotten this long (event time) after its last update; its last result stands.
   * @default never
   * @example ttl: '7 days'
   */
  ttl?: Duration;
}
