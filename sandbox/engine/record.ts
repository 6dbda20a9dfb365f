// The record as it flows between operators, and the records the engine hands to the outside.

/**
 * The bronze positions (`topic/partition/offset`) behind a record. A window result can stem from
 * millions of records, so only the first `maxPositions` are kept and `total` counts all of them:
 * the warehouse can still trace a gold row to a sample of its inputs and knows how many there were.
 */
export interface Lineage {
  readonly positions: string[];
  total: number;
}

/**
 * One record inside the engine. It is a class with a fixed shape so V8 keeps one hidden class on the
 * hot path. The identity is kept in three parts and only joined into a string when a record leaves the
 * engine, which saves a string concatenation per bronze record: `idBase + seq + suffix`, for example
 * `orders/3/` + `1042` + `#1` for the second record a flatMap made from offset 1042 of partition 3.
 */
export class Rec {
  constructor(
    public key: unknown,
    public value: unknown,
    public ts: number,
    public idBase: string,
    public seq: number,
    public suffix: string,
    /** The contributing positions when the record came from many inputs; null for a record from one bronze record or when lineage is off. */
    public lin: Lineage | null,
    /** True when this record retracts a value emitted earlier under the same key. */
    public retract: boolean,
  ) {}

  id(): string {
    return this.idBase + this.seq + this.suffix;
  }

  /** The bronze position of a record derived from exactly one bronze record. */
  position(): string {
    return this.idBase + this.seq;
  }

  clone(): Rec {
    return new Rec(this.key, this.value, this.ts, this.idBase, this.seq, this.suffix, this.lin, this.retract);
  }
}

/**
 * Adds the positions behind `rec` to `into`, keeping at most `max` of them. `position` is
 * `rec.position()` when the caller already made it (a record counted in several windows).
 */
export function addLineage(into: Lineage, rec: Rec, max: number, position: string | null = null): void {
  const lin = rec.lin;
  if (lin === null) {
    if (into.positions.length < max) into.positions.push(position ?? rec.position());
    into.total += 1;
    return;
  }
  for (let i = 0; i < lin.positions.length && into.positions.length < max; i++) into.positions.push(lin.positions[i]!);
  into.total += lin.total;
}

export function lineageOf(rec: Rec): Lineage {
  return rec.lin ?? { positions: [rec.position()], total: 1 };
}

/**
 * The row an update-mode record changes. A retracting operator (a window with `emit: 'update'`, a
 * running aggregate) numbers the changes of each row: its records' ids are `<row>/<n>`, so the
 * insert, its retraction and the next insert of one row differ in `n` alone. A changelog keys every
 * change by the row, so that "latest per key" is the row's current value.
 */
export function rowIdOf(id: string): string {
  const slash = id.lastIndexOf('/');
  return slash < 0 ? id : id.slice(0, slash);
}

/** The kind of change an output record makes to its key: a new value, or the withdrawal of an earlier one. */
export type ChangeKind = 'insert' | 'retract';

/** A record leaving the engine, bound for a layer's topic or one of its side outputs. */
export interface OutputRecord<V = unknown> {
  /** The output's name: the layer name, or `layer.late`, `layer.quarantine`, `layer.dead_letter`. */
  readonly output: string;
  /** The Kafka topic the runner writes it to. */
  readonly topic: string;
  readonly kind: ChangeKind;
  /** A stable, deterministic identity: the same input gives the same id, so re-runs can be diffed and sinks can dedupe. */
  readonly id: string;
  readonly key: unknown;
  readonly value: V;
  readonly eventTime: number;
  /** The bronze positions behind this record; null when lineage is off. */
  readonly lineage: Lineage | null;
}

/** The value of a record on a layer's `late` side output. */
export interface LateRecord<T = unknown> {
  readonly record: T;
  readonly eventTime: number;
  /** The operator's watermark when the record arrived. */
  readonly watermark: number;
  /** The window the record would have landed in (the latest one, for overlapping windows); null for joins. */
  readonly window: { readonly start: number; readonly end: number } | null;
  readonly reason: string;
}

/** The value of a record on a layer's `quarantine` side output. */
export interface QuarantineRecord<T = unknown> {
  readonly record: T;
  readonly rule: string;
  readonly reason: string;
}

/** The value of a record on a layer's `dead_letter` side output. */
export interface DeadLetterRecord<T = unknown> {
  readonly record: T;
  /** The operator that failed, e.g. `map`, with where it was defined in the pipeline file. */
  readonly operator: string;
  readonly definedAt: string | null;
  readonly error: string;
  /** `file:line:column` of the frame that threw, as the stack says. */
  readonly location: string | null;
}
