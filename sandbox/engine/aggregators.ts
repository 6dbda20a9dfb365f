// Aggregate functions for windows. Each is split into a pure extraction of the user's input (which may
// throw, and is guarded) and engine-side accumulation (which never throws), so a failing extractor
// leaves the pane untouched. Accumulators must snapshot to JSON and back.

/** A running aggregate over one pane. `retract` and `merge` are null when the function cannot undo or combine. */
export interface Aggregator {
  /** Takes the aggregated quantity out of a record; user code, so it may throw. Null when the record itself is the input. */
  readonly extract: ((value: unknown) => unknown) | null;
  init(): unknown;
  add(acc: unknown, x: unknown, ts: number): unknown;
  readonly retract: ((acc: unknown, x: unknown, ts: number) => unknown) | null;
  readonly merge: ((a: unknown, b: unknown) => unknown) | null;
  result(acc: unknown): unknown;
  save(acc: unknown): unknown;
  load(saved: unknown): unknown;
  /** True when the accumulator is a plain number (or null) that a map can hold directly, without a pane object. */
  readonly scalar?: boolean;
}

/** The configuration of an aggregate, turned into an Aggregator when the job is compiled. */
export interface AggSpec {
  readonly kind: string;
  /** `retracting` is true when the input carries retractions, so the accumulator must be able to undo. */
  create(options: { retracting: boolean }): Aggregator;
}

const same = (x: unknown): unknown => x;
const num = (x: unknown): number => x as number;

export function countSpec(): AggSpec {
  return {
    kind: 'count',
    create: () => ({
      extract: null,
      init: () => 0,
      add: (acc) => num(acc) + 1,
      retract: (acc) => num(acc) - 1,
      merge: (a, b) => num(a) + num(b),
      result: same, save: same, load: same,
      scalar: true,
    }),
  };
}

export function sumSpec(fn: (value: unknown) => unknown): AggSpec {
  return {
    kind: 'sum',
    create: () => ({
      extract: fn,
      init: () => 0,
      add: (acc, x) => num(acc) + num(x),
      retract: (acc, x) => num(acc) - num(x),
      merge: (a, b) => num(a) + num(b),
      result: same, save: same, load: same,
      scalar: true,
    }),
  };
}

interface AvgAcc { s: number; n: number }
export function avgSpec(fn: (value: unknown) => unknown): AggSpec {
  const a = (acc: unknown): AvgAcc => acc as AvgAcc;
  return {
    kind: 'avg',
    create: () => ({
      extract: fn,
      init: (): AvgAcc => ({ s: 0, n: 0 }),
      add: (acc, x) => { a(acc).s += num(x); a(acc).n += 1; return acc; },
      retract: (acc, x) => { a(acc).s -= num(x); a(acc).n -= 1; return acc; },
      merge: (x, y) => ({ s: a(x).s + a(y).s, n: a(x).n + a(y).n }),
      // An empty average is null rather than NaN, which JSON cannot hold.
      result: (acc) => (a(acc).n === 0 ? null : a(acc).s / a(acc).n),
      save: (acc) => [a(acc).s, a(acc).n],
      load: (saved) => { const [s, n] = saved as [number, number]; return { s, n }; },
    }),
  };
}

/** A multiset of values with counts, for aggregates that must survive retractions. */
type Bag = Map<string | number, number>;
const bagAdd = (bag: Bag, x: string | number, by: number): Bag => {
  const n = (bag.get(x) ?? 0) + by;
  if (n === 0) bag.delete(x);
  else bag.set(x, n);
  return bag;
};
const saveBag = (acc: unknown): unknown => [...(acc as Bag)];
const loadBag = (saved: unknown): Bag => new Map(saved as [string | number, number][]);
const mergeBags = (x: unknown, y: unknown): Bag => {
  const out = new Map(x as Bag);
  for (const [k, n] of y as Bag) bagAdd(out, k, n);
  return out;
};

function extremeSpec(kind: 'min' | 'max', fn: (value: unknown) => unknown): AggSpec {
  const better = kind === 'min' ? (x: number, y: number) => x < y : (x: number, y: number) => x > y;
  return {
    kind,
    create: ({ retracting }) => {
      if (!retracting) {
        return {
          extract: fn,
          init: () => null,
          add: (acc, x) => (acc === null || better(num(x), num(acc)) ? x : acc),
          retract: null,
          merge: (p, q) => (p === null ? q : q === null ? p : better(num(q), num(p)) ? q : p),
          result: same, save: same, load: same,
          scalar: true,
        };
      }
      // Under retractions the current extreme may be withdrawn, so every live value is counted.
      return {
        extract: fn,
        init: (): Bag => new Map(),
        add: (acc, x) => bagAdd(acc as Bag, num(x), 1),
        retract: (acc, x) => bagAdd(acc as Bag, num(x), -1),
        merge: mergeBags,
        result: (acc) => {
          let best: number | null = null;
          for (const k of (acc as Bag).keys()) if (best === null || better(num(k), best)) best = num(k);
          return best;
        },
        save: saveBag, load: loadBag,
      };
    },
  };
}
export const minSpec = (fn: (value: unknown) => unknown): AggSpec => extremeSpec('min', fn);
export const maxSpec = (fn: (value: unknown) => unknown): AggSpec => extremeSpec('max', fn);

export function countDistinctSpec(fn: (value: unknown) => unknown): AggSpec {
  return {
    kind: 'countDistinct',
    create: () => ({
      extract: fn,
      init: (): Bag => new Map(),
      add: (acc, x) => bagAdd(acc as Bag, x as string | number, 1),
      retract: (acc, x) => bagAdd(acc as Bag, x as string | number, -1),
      merge: mergeBags,
      result: (acc) => (acc as Bag).size,
      save: saveBag, load: loadBag,
    }),
  };
}

/** first/last by event time; on equal event times the earlier arrival is first and the later one last. */
function edgeSpec(kind: 'first' | 'last', fn: (value: unknown) => unknown): AggSpec {
  type Edge = { t: number; v: unknown } | null;
  const wins = kind === 'first' ? (t: number, cur: number) => t < cur : (t: number, cur: number) => t >= cur;
  return {
    kind,
    create: () => ({
      extract: fn,
      init: (): Edge => null,
      add: (acc, x, ts) => (acc === null || wins(ts, (acc as { t: number }).t) ? { t: ts, v: x } : acc),
      retract: null,
      merge: (p, q) => (p === null ? q : q === null ? p : wins((q as { t: number }).t, (p as { t: number }).t) ? q : p),
      result: (acc) => (acc === null ? null : (acc as { v: unknown }).v),
      save: same, load: same,
    }),
  };
}
export const firstSpec = (fn: (value: unknown) => unknown): AggSpec => edgeSpec('first', fn);
export const lastSpec = (fn: (value: unknown) => unknown): AggSpec => edgeSpec('last', fn);

/** The record with the highest score; the earliest arrival wins a tie, so the result is deterministic. */
export function maxBySpec(score: (value: unknown) => unknown): AggSpec {
  type Best = { s: number; v: unknown } | null;
  return {
    kind: 'maxBy',
    create: () => ({
      extract: (value) => ({ s: score(value), v: value }),
      init: (): Best => null,
      add: (acc, x) => (acc === null || (x as { s: number }).s > (acc as { s: number }).s ? x : acc),
      retract: null,
      merge: (p, q) => (p === null ? q : q === null ? p : (q as { s: number }).s > (p as { s: number }).s ? q : p),
      result: (acc) => (acc === null ? null : (acc as { v: unknown }).v),
      save: same, load: same,
    }),
  };
}

/** A user-defined reducer. Its accumulator must be JSON-safe; `merge` is needed for session windows, `retract` under retractions. */
export interface ReducerDef {
  init(): unknown;
  add(acc: unknown, value: unknown): unknown;
  merge?: (a: unknown, b: unknown) => unknown;
  retract?: (acc: unknown, value: unknown) => unknown;
  result?: (acc: unknown) => unknown;
}

export function reducerSpec(def: ReducerDef): AggSpec {
  // A reducer's add is user code that needs the accumulator, so it cannot be split off as an
  // extraction; the window operator therefore computes every new accumulator before committing any.
  return {
    kind: 'reduce',
    create: () => ({
      extract: null,
      init: () => def.init(),
      add: (acc, x) => def.add(acc, x),
      retract: def.retract ? (acc, x) => def.retract!(acc, x) : null,
      merge: def.merge ? (a, b) => def.merge!(a, b) : null,
      result: (acc) => (def.result ? def.result(acc) : acc),
      save: (acc) => JSON.parse(JSON.stringify(acc)) as unknown,
      load: same,
    }),
  };
}
