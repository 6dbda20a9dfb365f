// The fast path for the most common gold query: an aligned window with one aggregate whose accumulator
// is a plain number (count, sum, min, max), emitting final results, with lineage off. A pane is then
// just a number in a map keyed by the record key, so adding a record allocates nothing; tumbling
// windows skip the assigner loop, and consecutive records of the same window skip the outer lookup.
// Results are identical to WindowOperator's: the engine picks this class only where they would be.
import type { WindowNode } from '../plan';
import { Rec } from '../record';
import { loadTime, saveTime } from '../time';
import type { JobContext, Owner } from '../operators/context';
import { assignEnds, startOfEnd } from './assigners';
import { WindowOperator, keyText } from './window-operator';

export class ScalarWindowOperator extends WindowOperator {
  private readonly cells = new Map<number, Map<unknown, unknown>>();
  private readonly isCount: boolean;
  private readonly tumblingSize: number;
  private readonly offset: number;
  /** The window last written to, and its map: records arrive mostly in the same window as the one before. */
  private lastEnd = Number.NaN;
  private lastCells: Map<unknown, unknown> | undefined = undefined;

  /** Whether a window node can run on this fast path. */
  static fits(def: WindowNode, ctx: JobContext, retracting: boolean): boolean {
    if (retracting || def.emit !== 'final' || ctx.maxPositions > 0 || def.window.kind === 'session' || def.aggs.length !== 1) return false;
    return def.aggs[0]!.spec.create({ retracting: false }).scalar === true;
  }

  constructor(ctx: JobContext, def: WindowNode, owner: Owner) {
    super(ctx, def, owner, false);
    this.isCount = def.aggs[0]!.spec.kind === 'count';
    this.tumblingSize = def.window.kind === 'tumbling' ? def.window.size : 0;
    this.offset = def.window.kind === 'session' ? 0 : def.window.offset;
  }

  override push(rec: Rec): void {
    const agg = this.aggs[0]!;
    let x: unknown;
    if (agg.extract !== null) {
      try {
        x = agg.extract(rec.value);
      } catch (error) {
        this.fail('aggregate', rec, error);
        return;
      }
    }
    const ts = rec.ts;
    const lateness = this.trigger.allowedLateness;
    if (this.tumblingSize > 0) {
      if (!this.addTumbling(rec.key, x, ts)) {
        const end = this.tumblingEnd(ts);
        if (this.ctx.trace !== null) this.traceAssign(rec, assignEnds(this.def.window, ts, this.ends));
        this.late(rec, end - this.tumblingSize, end);
        return;
      }
      if (this.ctx.trace !== null) this.traceAssign(rec, assignEnds(this.def.window, ts, this.ends));
      return;
    }
    const ends = this.ends;
    const n = assignEnds(this.def.window, ts, ends);
    let accepted = 0;
    for (let j = 0; j < n; j++) {
      const end = ends[j]!;
      if (end + lateness <= this.wm) continue;
      accepted++;
      this.add(end, rec.key, x, ts);
    }
    if (this.ctx.trace !== null) this.traceAssign(rec, n);
    if (accepted === 0 && n > 0) this.late(rec, startOfEnd(this.def.window, ends[n - 1]!), ends[n - 1]!);
  }

  private tumblingEnd(ts: number): number {
    const size = this.tumblingSize;
    const r = (ts - this.offset) % size;
    return ts - (r < 0 ? r + size : r) + size;
  }

  /** True for a tumbling count (or an aggregate of the record itself): what a source's fused loop may call. */
  get fusable(): boolean {
    return this.tumblingSize > 0 && this.aggs[0]!.extract === null;
  }

  /**
   * Adds a record to its tumbling window; false, changing nothing, when that window has closed (the
   * caller then reports the record late). `x` is the extracted aggregate input.
   */
  addTumbling(key: unknown, x: unknown, ts: number): boolean {
    const lateness = this.trigger.allowedLateness;
    // alignedStart() inlined: this runs once per record.
    const size = this.tumblingSize;
    const r = (ts - this.offset) % size;
    const end = ts - (r < 0 ? r + size : r) + size;
    if (end + lateness <= this.wm) return false;
    let byKey = end === this.lastEnd ? this.lastCells : this.cells.get(end);
    if (byKey === undefined) {
      byKey = new Map();
      this.cells.set(end, byKey);
      this.timers.push(end + lateness, end, end);
    }
    this.lastEnd = end;
    this.lastCells = byKey;
    const cur = byKey.get(key);
    if (this.isCount) {
      byKey.set(key, cur === undefined ? 1 : (cur as number) + 1);
    } else {
      const agg = this.aggs[0]!;
      byKey.set(key, agg.add(cur === undefined ? agg.init() : cur, x, ts));
    }
    return true;
  }

  private add(end: number, key: unknown, x: unknown, ts: number): void {
    let byKey = end === this.lastEnd ? this.lastCells : this.cells.get(end);
    if (byKey === undefined) {
      byKey = new Map();
      this.cells.set(end, byKey);
      this.timers.push(end + this.trigger.allowedLateness, end, end);
    }
    this.lastEnd = end;
    this.lastCells = byKey;
    const cur = byKey.get(key);
    if (this.isCount) {
      byKey.set(key, cur === undefined ? 1 : (cur as number) + 1);
    } else {
      const agg = this.aggs[0]!;
      byKey.set(key, agg.add(cur === undefined ? agg.init() : cur, x, ts));
    }
  }

  protected override onWatermark(wm: number): void {
    const timers = this.timers;
    if (timers.peekTime() > wm) return;
    this.lastEnd = Number.NaN;
    this.lastCells = undefined;
    const name = this.names[0]!;
    const agg = this.aggs[0]!;
    while (timers.peekTime() <= wm) {
      const end = timers.pop()!.item;
      const byKey = this.cells.get(end);
      this.cells.delete(end);
      if (byKey === undefined) continue;
      const start = startOfEnd(this.def.window, end);
      // The same id as WindowOperator's, built with the window part once per window rather than per key.
      const tag = `@${start}-${end}/`;
      for (const [key, acc] of byKey) {
        this.ctx.trace?.({ type: 'fire', layer: this.owner.name, operator: this.def.id, key, start, end, watermark: wm });
        const value: Record<string, unknown> = { key, windowStart: start, windowEnd: end };
        value[name] = agg.result(acc);
        this.emit(new Rec(key, value, end - 1, this.idPrefix + keyText(key) + tag, 0, '', null, false));
      }
    }
  }

  override openPanes(): number {
    let n = 0;
    for (const byKey of this.cells.values()) n += byKey.size;
    return n;
  }

  override snapshot(): unknown {
    // The same layout as WindowOperator's, with the accumulator in place of a pane.
    return this.timers.sorted().map((t) => [t.item, saveTime(t.time), [...(this.cells.get(t.item) ?? new Map<unknown, unknown>())]]);
  }

  override restore(state: unknown): void {
    this.cells.clear();
    this.timers.clear();
    this.lastEnd = Number.NaN;
    this.lastCells = undefined;
    for (const [end, time, entries] of state as [number, unknown, [unknown, unknown][]][]) {
      this.timers.push(loadTime(time), end, end);
      if (entries.length > 0) this.cells.set(end, new Map(entries));
    }
  }
}
