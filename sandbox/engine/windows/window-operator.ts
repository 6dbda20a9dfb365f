// The operator for aligned windows: tumbling, hopping and cumulating. State is a map from window end to
// the panes of that window by key, so firing a window is one map lookup and dropping its state is one
// delete: memory is bounded by the open windows, never by the records seen. Window ends wait in a
// min-heap ordered by the watermark at which they close.
import type { Aggregator } from '../aggregators';
import type { WindowNode } from '../plan';
import { Rec, type LateRecord } from '../record';
import { MinHeap } from '../min-heap';
import { loadTime, saveTime } from '../time';
import type { JobContext, Owner } from '../operators/context';
import { Operator } from '../operators/operator';
import { assignEnds, startOfEnd, validateWindow } from './assigners';
import { accumulate, loadPane, newPane, paneResult, savePane, type Pane } from './pane';
import { closesAt, type Trigger } from './triggers';

/** A key as it appears in a window result's id: JSON, so the string "1" and the number 1 differ. */
export function keyText(key: unknown): string {
  // Converting a finite number gives what JSON.stringify gives, only faster.
  return typeof key === 'number' && Number.isFinite(key) ? String(key) : JSON.stringify(key);
}

export class WindowOperator extends Operator {
  private readonly panes = new Map<number, Map<unknown, Pane>>();
  protected readonly timers = new MinHeap<number>();
  protected readonly aggs: Aggregator[];
  protected readonly names: string[];
  protected readonly trigger: Trigger;
  protected readonly ends: number[] = [];
  private readonly xs: unknown[];
  private readonly scratch: unknown[];
  protected readonly idPrefix: string;

  constructor(ctx: JobContext, readonly def: WindowNode, owner: Owner, retracting: boolean) {
    super(ctx, def, owner);
    validateWindow(def.window);
    this.aggs = def.aggs.map((a) => a.spec.create({ retracting }));
    this.names = def.aggs.map((a) => a.name);
    if (retracting) {
      const cannot = def.aggs.filter((_, i) => this.aggs[i]!.retract === null).map((a) => `${a.name} (${a.spec.kind})`);
      if (cannot.length > 0) throw new Error(`layer "${owner.name}": ${cannot.join(', ')} cannot take retractions, but the input emits updates`);
    }
    this.trigger = { emit: def.emit, allowedLateness: def.allowedLateness };
    this.xs = new Array<unknown>(this.aggs.length);
    this.scratch = new Array<unknown>(this.aggs.length);
    this.idPrefix = `${owner.name}/${def.id}/`;
  }

  push(rec: Rec): void {
    const aggs = this.aggs;
    const xs = this.xs;
    try {
      for (let i = 0; i < aggs.length; i++) {
        const extract = aggs[i]!.extract;
        xs[i] = extract === null ? rec.value : extract(rec.value);
      }
    } catch (error) {
      this.fail('aggregate', rec, error);
      return;
    }
    const spec = this.def.window;
    const ends = this.ends;
    const n = assignEnds(spec, rec.ts, ends);
    const lateness = this.trigger.allowedLateness;
    const wm = this.wm;
    const update = this.trigger.emit === 'update';
    let accepted = 0;
    // A hopping window counts a record in several panes: its position string is made once for all.
    const position = n > 1 && rec.lin === null && this.ctx.maxPositions > 0 ? rec.position() : null;
    for (let j = 0; j < n; j++) {
      const end = ends[j]!;
      if (end + lateness <= wm) continue;
      accepted++;
      let byKey = this.panes.get(end);
      if (byKey === undefined) {
        byKey = new Map();
        this.panes.set(end, byKey);
        this.timers.push(closesAt(this.trigger, end), end, end);
      }
      let pane = byKey.get(rec.key);
      if (pane === undefined) {
        if (rec.retract) continue;
        pane = newPane(aggs, this.ctx.maxPositions > 0);
        byKey.set(rec.key, pane);
      }
      try {
        accumulate(pane, aggs, xs, this.scratch, rec, this.ctx.maxPositions, position);
      } catch (error) {
        this.fail('aggregate', rec, error);
        return;
      }
      if (update) this.emitUpdate(rec.key, startOfEnd(spec, end), end, pane);
    }
    if (this.ctx.trace !== null) this.traceAssign(rec, n);
    if (accepted === 0 && n > 0) this.late(rec, startOfEnd(spec, ends[n - 1]!), ends[n - 1]!);
  }

  protected late(rec: Rec, start: number, end: number): void {
    const { ctx, owner } = this;
    const value: LateRecord = {
      record: rec.value, eventTime: rec.ts, watermark: this.wm, window: { start, end },
      reason: `window [${start}, ${end}) closed at watermark ${end + this.trigger.allowedLateness}; the watermark is ${this.wm}`,
    };
    ctx.metrics.late[owner.name] = (ctx.metrics.late[owner.name] ?? 0) + 1;
    ctx.trace?.({ type: 'late', layer: owner.name, operator: this.def.id, id: rec.id(), eventTime: rec.ts, watermark: this.wm, reason: value.reason });
    ctx.write(`${owner.name}.late`, rec.retract ? 'retract' : 'insert', rec.id(), rec.key, value, rec.ts, ctx.lineage(rec));
  }

  protected traceAssign(rec: Rec, n: number): void {
    const windows: { start: number; end: number }[] = [];
    const lateFor: { start: number; end: number }[] = [];
    for (let j = 0; j < n; j++) {
      const end = this.ends[j]!;
      const w = { start: startOfEnd(this.def.window, end), end };
      (end + this.trigger.allowedLateness <= this.wm ? lateFor : windows).push(w);
    }
    this.ctx.trace!({ type: 'assign', layer: this.owner.name, operator: this.def.id, id: rec.id(), eventTime: rec.ts, watermark: Number.isFinite(this.wm) ? this.wm : null, windows, lateFor });
  }

  /** Update mode: withdraw the standing result, then emit the new one (none if the pane became empty). */
  private emitUpdate(key: unknown, start: number, end: number, pane: Pane): void {
    if (pane.last !== undefined) {
      this.out(key, pane.last, end, pane.lastIdBase, pane.changes++, true, pane);
      pane.last = undefined;
    }
    if (pane.live > 0) {
      const value = paneResult(key, start, end, this.names, this.aggs, pane.accs);
      const idBase = `${this.idPrefix}${keyText(key)}@${start}-${end}/`;
      pane.last = value;
      pane.lastIdBase = idBase;
      this.out(key, value, end, idBase, pane.changes++, false, pane);
    }
  }

  private out(key: unknown, value: unknown, end: number, idBase: string, seq: number, retract: boolean, pane: Pane): void {
    // In update mode the pane keeps collecting lineage after this emission, so the record gets a copy.
    const lin = pane.lin === null ? null : this.trigger.emit === 'update' ? { positions: [...pane.lin.positions], total: pane.lin.total } : pane.lin;
    this.emit(new Rec(key, value, end - 1, idBase, seq, '', lin, retract));
  }

  protected override onWatermark(wm: number): void {
    const timers = this.timers;
    while (timers.peekTime() <= wm) {
      const end = timers.pop()!.item;
      const byKey = this.panes.get(end);
      this.panes.delete(end);
      if (byKey === undefined) continue;
      const start = startOfEnd(this.def.window, end);
      const final = this.trigger.emit === 'final';
      for (const [key, pane] of byKey) {
        this.ctx.trace?.({ type: 'fire', layer: this.owner.name, operator: this.def.id, key, start, end, watermark: wm });
        if (final && pane.live > 0) {
          const value = paneResult(key, start, end, this.names, this.aggs, pane.accs);
          this.out(key, value, end, `${this.idPrefix}${keyText(key)}@${start}-${end}/`, 0, false, pane);
        }
      }
    }
  }

  /** How many panes are open: the state the operator holds. */
  openPanes(): number {
    let n = 0;
    for (const byKey of this.panes.values()) n += byKey.size;
    return n;
  }

  override snapshot(): unknown {
    // Saved in firing order, so a restored heap fires in the same order.
    return this.timers.sorted().map((t) => {
      const byKey = this.panes.get(t.item);
      return [t.item, saveTime(t.time), byKey === undefined ? [] : [...byKey].map(([k, p]) => [k, savePane(p, this.aggs)])];
    });
  }

  override restore(state: unknown): void {
    this.panes.clear();
    this.timers.clear();
    for (const [end, time, entries] of state as [number, unknown, [unknown, unknown][]][]) {
      this.timers.push(loadTime(time), end, end);
      if (entries.length > 0) this.panes.set(end, new Map(entries.map(([k, p]) => [k, loadPane(p, this.aggs)])));
    }
  }
}
