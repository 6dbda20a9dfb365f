// A running aggregate per key, without windows: the gold table that is always current ("revenue per
// region so far"). Every change retracts the key's standing result and inserts the new one, so a
// downstream aggregate or a materialized table stays right. With a TTL a key's state is forgotten once
// the watermark reaches its last update plus the TTL; its last result stands, as with Flink's state TTL.
import type { Aggregator } from '../aggregators';
import type { AggregateNode } from '../plan';
import { Rec } from '../record';
import { MinHeap } from '../min-heap';
import { accumulate, loadPane, newPane, savePane, type Pane } from '../windows/pane';
import { keyText } from '../windows/window-operator';
import type { JobContext, Owner } from './context';
import { Operator } from './operator';

interface Entry {
  readonly pane: Pane;
  touched: number;
  /** The event time the standing result was emitted with: its retraction carries the same, so a downstream window retracts from the pane that counted it. */
  lastTs: number;
}

export class RunningAggregateOperator extends Operator {
  private readonly states = new Map<unknown, Entry>();
  private readonly expiry = new MinHeap<unknown>();
  private readonly aggs: Aggregator[];
  private readonly names: string[];
  private readonly xs: unknown[];
  private readonly scratch: unknown[];
  private readonly idPrefix: string;
  private seq = 0;

  constructor(ctx: JobContext, readonly def: AggregateNode, owner: Owner, retracting: boolean) {
    super(ctx, def, owner);
    this.aggs = def.aggs.map((a) => a.spec.create({ retracting }));
    this.names = def.aggs.map((a) => a.name);
    if (retracting) {
      const cannot = def.aggs.filter((_, i) => this.aggs[i]!.retract === null).map((a) => `${a.name} (${a.spec.kind})`);
      if (cannot.length > 0) throw new Error(`layer "${owner.name}": ${cannot.join(', ')} cannot take retractions, but the input emits updates`);
    }
    this.xs = new Array<unknown>(this.aggs.length);
    this.scratch = new Array<unknown>(this.aggs.length);
    this.idPrefix = `${owner.name}/${def.id}/`;
  }

  push(rec: Rec): void {
    const aggs = this.aggs;
    try {
      for (let i = 0; i < aggs.length; i++) {
        const extract = aggs[i]!.extract;
        this.xs[i] = extract === null ? rec.value : extract(rec.value);
      }
    } catch (error) {
      this.fail('aggregate', rec, error);
      return;
    }
    let entry = this.states.get(rec.key);
    if (entry === undefined) {
      // A retraction for a key with no state (it expired) has nothing to undo.
      if (rec.retract) return;
      entry = { pane: newPane(aggs, this.ctx.maxPositions > 0), touched: rec.ts, lastTs: rec.ts };
      // The first record's id is part of the result ids, so a key that returns after its state expired
      // starts a new, distinct series of ids.
      entry.pane.lastIdBase = `${this.idPrefix}${keyText(rec.key)}@${rec.id()}/`;
      this.states.set(rec.key, entry);
    }
    const pane = entry.pane;
    try {
      accumulate(pane, aggs, this.xs, this.scratch, rec, this.ctx.maxPositions);
    } catch (error) {
      this.fail('aggregate', rec, error);
      return;
    }
    if (rec.ts > entry.touched) entry.touched = rec.ts;
    if (this.def.ttl !== null) this.expiry.push(entry.touched + this.def.ttl, this.seq++, rec.key);
    if (pane.last !== undefined) {
      this.emit(new Rec(rec.key, pane.last, entry.lastTs, pane.lastIdBase, pane.changes++, '', this.lin(pane), true));
      pane.last = undefined;
    }
    if (pane.live > 0) {
      const value: Record<string, unknown> = { key: rec.key };
      for (let i = 0; i < aggs.length; i++) value[this.names[i]!] = aggs[i]!.result(pane.accs[i]);
      pane.last = value;
      entry.lastTs = rec.ts;
      this.emit(new Rec(rec.key, value, rec.ts, pane.lastIdBase, pane.changes++, '', this.lin(pane), false));
    }
  }

  private lin(pane: Pane): Rec['lin'] {
    return pane.lin === null ? null : { positions: [...pane.lin.positions], total: pane.lin.total };
  }

  protected override onWatermark(wm: number): void {
    const ttl = this.def.ttl;
    if (ttl === null) return;
    while (this.expiry.peekTime() <= wm) {
      const { time, item: key } = this.expiry.pop()!;
      const entry = this.states.get(key);
      if (entry !== undefined && entry.touched + ttl === time) this.states.delete(key);
    }
  }

  size(): number {
    return this.states.size;
  }

  override snapshot(): unknown {
    return {
      seq: this.seq,
      states: [...this.states].map(([k, e]) => [k, e.touched, e.lastTs, savePane(e.pane, this.aggs)]),
      timers: this.expiry.sorted().map((e) => [e.time, e.seq, e.item]),
    };
  }

  override restore(state: unknown): void {
    const s = state as { seq: number; states: [unknown, number, number, unknown][]; timers: [number, number, unknown][] };
    this.seq = s.seq;
    this.states.clear();
    for (const [k, touched, lastTs, pane] of s.states) this.states.set(k, { pane: loadPane(pane, this.aggs), touched, lastTs });
    this.expiry.clear();
    for (const [time, seq, item] of s.timers) this.expiry.push(time, seq, item);
  }
}
