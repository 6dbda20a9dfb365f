// A running aggregate per key, without windows: the gold table that is always current ("revenue per
// region so far"). Every change retracts the key's standing result and inserts the new one, so a
// downstream aggregate or a materialized table stays right. With a TTL a key's state is forgotten once
// the watermark reaches its last update plus the TTL; its last result stands, as with Flink's state TTL.
import type { Aggregator } from '../aggregators';
import type { AggregateNode } from '../plan';
import { Rec } from '../record';
import { accumulate, loadPane, newPane, savePane, type Pane } from '../windows/pane';
import { keyText } from '../windows/window-operator';
import type { JobContext, Owner } from './context';
import { Operator } from './operator';
import { KeyedTtlState } from './keyed-ttl-state';

interface Entry {
  readonly pane: Pane;
  touched: number;
  /** The event time the standing result was emitted with: its retraction carries the same, so a downstream window retracts from the pane that counted it. */
  lastTs: number;
}

export class RunningAggregateOperator extends Operator {
  private readonly states: KeyedTtlState<Entry>;
  private readonly aggs: Aggregator[];
  private readonly names: string[];
  private readonly xs: unknown[];
  private readonly scratch: unknown[];
  private readonly idPrefix: string;

  constructor(ctx: JobContext, readonly def: AggregateNode, owner: Owner, retracting: boolean) {
    super(ctx, def, owner);
    this.states = new KeyedTtlState(def.ttl);
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
    this.states.scheduleExpiry(rec.key, entry.touched);
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
    this.states.expire(wm);
  }

  size(): number {
    return this.states.size;
  }

  override snapshot(): unknown {
    return this.states.save((e) => [e.touched, e.lastTs, savePane(e.pane, this.aggs)]);
  }

  override restore(state: unknown): void {
    this.states.load(state, ([touched, lastTs, pane]) => ({ pane: loadPane(pane, this.aggs), touched: touched as number, lastTs: lastTs as number }));
  }
}
