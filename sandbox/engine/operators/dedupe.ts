// Deduplication by key within a time bound: the first record of a key passes; a later one whose event
// time is less than `within` after the first is a duplicate and is dropped. A key's state expires when
// the watermark passes first + within, so state is bounded by the keys seen within the bound.
import type { DedupeNode } from '../plan';
import type { Rec } from '../record';
import { MinHeap } from '../min-heap';
import type { JobContext, Owner } from './context';
import { Operator } from './operator';

export class DedupeOperator extends Operator {
  /** Key → event time of its first record. */
  private readonly seen = new Map<unknown, number>();
  private readonly expiry = new MinHeap<unknown>();
  private seq = 0;

  constructor(ctx: JobContext, readonly def: DedupeNode, owner: Owner) {
    super(ctx, def, owner);
  }

  push(rec: Rec): void {
    const c = this.rctx;
    c.eventTime = rec.ts;
    c.key = rec.key;
    let key: unknown;
    try {
      key = this.def.key(rec.value, c);
    } catch (error) {
      this.fail('dedupe', rec, error);
      return;
    }
    const first = this.seen.get(key);
    if (first !== undefined && rec.ts - first < this.def.within && rec.ts >= first - this.def.within) {
      const { ctx, owner } = this;
      ctx.metrics.duplicates[owner.name] = (ctx.metrics.duplicates[owner.name] ?? 0) + 1;
      ctx.trace?.({ type: 'drop', layer: owner.name, operator: this.def.id, id: rec.id(), reason: `duplicate of key ${JSON.stringify(key)} first seen at ${first}` });
      return;
    }
    this.seen.set(key, rec.ts);
    this.expiry.push(rec.ts + this.def.within, this.seq++, key);
    this.emit(rec);
  }

  protected override onWatermark(wm: number): void {
    while (this.expiry.peekTime() <= wm) {
      const { time, item: key } = this.expiry.pop()!;
      // A key seen again after its first record expired carries a newer time: that later timer removes it.
      if (this.seen.get(key) === time - this.def.within) this.seen.delete(key);
    }
  }

  size(): number {
    return this.seen.size;
  }

  override snapshot(): unknown {
    return { seq: this.seq, seen: [...this.seen], timers: this.expiry.sorted().map((e) => [e.time, e.seq, e.item]) };
  }

  override restore(state: unknown): void {
    const s = state as { seq: number; seen: [unknown, number][]; timers: [number, number, unknown][] };
    this.seq = s.seq;
    this.seen.clear();
    for (const [k, t] of s.seen) this.seen.set(k, t);
    this.expiry.clear();
    for (const [time, seq, item] of s.timers) this.expiry.push(time, seq, item);
  }
}
