// A pane is the content of one window for one key: the accumulators, how many records are live in it
// (inserts minus retractions), and what was last emitted for it so an update can retract it.
import type { Aggregator } from '../aggregators';
import type { Lineage, Rec } from '../record';
import { addLineage } from '../record';

export class Pane {
  constructor(
    public accs: unknown[],
    public live: number,
    /** How many changes were emitted for this pane; the next change's id ends with this number. */
    public changes: number,
    /** The value last emitted, to be retracted by the next update; undefined when none is standing. */
    public last: unknown,
    /** The id base the standing value was emitted under. */
    public lastIdBase: string,
    public lin: Lineage | null,
  ) {}
}

export function newPane(aggs: readonly Aggregator[], lineage: boolean): Pane {
  const accs = new Array<unknown>(aggs.length);
  for (let i = 0; i < aggs.length; i++) accs[i] = aggs[i]!.init();
  return new Pane(accs, 0, 0, undefined, '', lineage ? { positions: [], total: 0 } : null);
}

/** Empties a pane for reuse, as newPane() would make it. */
export function resetPane(pane: Pane, aggs: readonly Aggregator[]): void {
  const accs = pane.accs;
  for (let i = 0; i < aggs.length; i++) accs[i] = aggs[i]!.init();
  pane.live = 0;
  pane.changes = 0;
  pane.last = undefined;
  pane.lastIdBase = '';
  if (pane.lin !== null) {
    pane.lin.positions.length = 0;
    pane.lin.total = 0;
  }
}

/**
 * Adds (or retracts) one record whose extracted inputs are in `xs`; `position` as for addLineage.
 * Every new accumulator is computed before any is stored, so a user reducer that throws leaves the
 * pane as it was.
 */
export function accumulate(pane: Pane, aggs: readonly Aggregator[], xs: readonly unknown[], scratch: unknown[], rec: Rec, maxPositions: number, position: string | null = null): void {
  const n = aggs.length;
  const accs = pane.accs;
  if (rec.retract) {
    for (let i = 0; i < n; i++) scratch[i] = aggs[i]!.retract!(accs[i], xs[i], rec.ts);
  } else {
    for (let i = 0; i < n; i++) scratch[i] = aggs[i]!.add(accs[i], xs[i], rec.ts);
  }
  for (let i = 0; i < n; i++) accs[i] = scratch[i];
  pane.live += rec.retract ? -1 : 1;
  if (pane.lin !== null && !rec.retract) addLineage(pane.lin, rec, maxPositions, position);
}

/** The value a pane emits: the key, the window and each aggregate under its name. */
export function paneResult(key: unknown, start: number, end: number, names: readonly string[], aggs: readonly Aggregator[], accs: readonly unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = { key, windowStart: start, windowEnd: end };
  for (let i = 0; i < names.length; i++) out[names[i]!] = aggs[i]!.result(accs[i]);
  return out;
}

export function savePane(pane: Pane, aggs: readonly Aggregator[]): unknown[] {
  return [pane.accs.map((a, i) => aggs[i]!.save(a)), pane.live, pane.changes, pane.last === undefined ? null : [pane.last], pane.lastIdBase, pane.lin];
}

export function loadPane(saved: unknown, aggs: readonly Aggregator[]): Pane {
  const [accs, live, changes, last, lastIdBase, lin] = saved as [unknown[], number, number, [unknown] | null, string, Lineage | null];
  return new Pane(accs.map((a, i) => aggs[i]!.load(a)), live, changes, last === null ? undefined : last[0], lastIdBase, lin === null ? null : { positions: [...lin.positions], total: lin.total });
}
