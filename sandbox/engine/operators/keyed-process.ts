// Keyed state with a time to live: the user's function sees the state of the record's key, may emit
// records and returns the new state (or mutates it and returns nothing). The state of a key expires
// once the watermark reaches its last update's event time plus the TTL; expiry by event time keeps
// re-runs deterministic, where processing-time expiry would not be.
import type { ProcessNode } from '../plan';
import { Rec } from '../record';
import type { JobContext, Owner } from './context';
import { Operator } from './operator';
import { KeyedTtlState } from './keyed-ttl-state';

interface Entry {
  state: unknown;
  /** Event time of the last update. */
  touched: number;
}

export class ProcessOperator extends Operator {
  private readonly states: KeyedTtlState<Entry>;
  private readonly pending: unknown[] = [];
  private readonly collect = (out: unknown): void => {
    this.pending.push(out);
  };

  constructor(ctx: JobContext, readonly def: ProcessNode, owner: Owner) {
    super(ctx, def, owner);
    this.states = new KeyedTtlState(def.ttl);
  }

  push(rec: Rec): void {
    const c = this.rctx;
    c.eventTime = rec.ts;
    c.key = rec.key;
    const entry = this.states.get(rec.key);
    this.pending.length = 0;
    let next: unknown;
    try {
      const state = entry === undefined ? this.def.init(rec.key) : entry.state;
      const returned = this.def.onRecord(state, rec.value, this.collect, c);
      next = returned === undefined ? state : returned;
    } catch (error) {
      this.pending.length = 0;
      this.fail('process', rec, error);
      return;
    }
    const touched = entry === undefined ? rec.ts : Math.max(entry.touched, rec.ts);
    this.states.set(rec.key, { state: next, touched });
    this.states.scheduleExpiry(rec.key, touched);
    // Emitted only after the function returned, so a throw half-way emits nothing.
    for (let i = 0; i < this.pending.length; i++) {
      this.emit(new Rec(rec.key, this.pending[i], rec.ts, rec.idBase, rec.seq, `${rec.suffix}~${i}`, rec.lin, false));
    }
  }

  protected override onWatermark(wm: number): void {
    this.states.expire(wm);
  }

  size(): number {
    return this.states.size;
  }

  override snapshot(): unknown {
    return this.states.save((e) => [e.state, e.touched]);
  }

  override restore(state: unknown): void {
    this.states.load(state, ([st, touched]) => ({ state: st, touched: touched as number }));
  }
}
