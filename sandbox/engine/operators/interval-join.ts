// The interval join: a left record joins every right record with the same key whose event time lies in
// [left.ts + lower, left.ts + upper], both bounds inclusive (as in Flink). Each side is buffered only as
// long as a match can still arrive: a left record until the watermark passes left.ts + upper, a right
// record until it passes right.ts - lower. Records behind the watermark go to the late output.
import type { IntervalJoinNode } from '../plan';
import { Rec, addLineage, type LateRecord, type Lineage } from '../record';
import { MinHeap } from '../min-heap';
import type { JobContext, Owner } from './context';
import { MultiInputOperator } from './operator';
import { loadRec, saveRec } from './rec-codec';

export class IntervalJoinOperator extends MultiInputOperator {
  private readonly buffers: [Map<unknown, Rec[]>, Map<unknown, Rec[]>] = [new Map(), new Map()];
  private readonly expiry: [MinHeap<unknown>, MinHeap<unknown>] = [new MinHeap(), new MinHeap()];
  private seq = 0;

  constructor(ctx: JobContext, readonly def: IntervalJoinNode, owner: Owner) {
    super(ctx, def, owner, 2);
    if (def.lower > def.upper) throw new Error(`layer "${owner.name}": interval join lower bound ${def.lower} is above upper bound ${def.upper}`);
  }

  push(rec: Rec, port: number): void {
    if (rec.retract) throw new Error(`layer "${this.owner.name}": an interval join takes only inserts`);
    const c = this.rctx;
    c.eventTime = rec.ts;
    c.key = rec.key;
    let key: unknown;
    try {
      key = port === 0 ? this.def.leftKey(rec.value, c) : this.def.rightKey(rec.value, c);
    } catch (error) {
      this.fail(port === 0 ? 'intervalJoin left key' : 'intervalJoin right key', rec, error);
      return;
    }
    if (rec.ts < this.wm) {
      this.late(rec, port);
      return;
    }
    const { lower, upper } = this.def;
    const other = this.buffers[1 - port]!.get(key);
    if (other !== undefined) {
      for (let i = 0; i < other.length; i++) {
        const o = other[i]!;
        const l = port === 0 ? rec : o;
        const r = port === 0 ? o : rec;
        if (r.ts >= l.ts + lower && r.ts <= l.ts + upper) this.joined(key, l, r);
      }
    }
    const mine = this.buffers[port]!;
    let list = mine.get(key);
    if (list === undefined) {
      list = [];
      mine.set(key, list);
    }
    list.push(rec.clone());
    this.expiry[port]!.push(this.expiresAt(rec.ts, port), this.seq++, key);
  }

  /** The watermark at which a buffered record can no longer match: strictly past its last possible partner. */
  private expiresAt(ts: number, port: number): number {
    return port === 0 ? ts + this.def.upper + 1 : ts - this.def.lower + 1;
  }

  private joined(key: unknown, l: Rec, r: Rec): void {
    let value: unknown;
    try {
      value = this.def.select(l.value, r.value);
    } catch (error) {
      this.fail('intervalJoin select', l, error);
      return;
    }
    let lin: Lineage | null = null;
    if (this.ctx.maxPositions > 0) {
      lin = { positions: [], total: 0 };
      addLineage(lin, l, this.ctx.maxPositions);
      addLineage(lin, r, this.ctx.maxPositions);
    }
    this.emit(new Rec(key, value, Math.max(l.ts, r.ts), `${l.id()}+${r.idBase}`, r.seq, r.suffix, lin, false));
  }

  private late(rec: Rec, port: number): void {
    const { ctx, owner } = this;
    const reason = `${port === 0 ? 'left' : 'right'} record at ${rec.ts} is behind the join's watermark ${this.wm}`;
    const value: LateRecord = { record: rec.value, eventTime: rec.ts, watermark: this.wm, window: null, reason };
    ctx.metrics.late[owner.name] = (ctx.metrics.late[owner.name] ?? 0) + 1;
    ctx.trace?.({ type: 'late', layer: owner.name, operator: this.def.id, id: rec.id(), eventTime: rec.ts, watermark: this.wm, reason });
    ctx.write(`${owner.name}.late`, 'insert', rec.id(), rec.key, value, rec.ts, ctx.lineage(rec));
  }

  protected override onWatermark(wm: number): void {
    for (let port = 0; port < 2; port++) {
      const heap = this.expiry[port]!;
      // Most watermark advances expire nothing: return before allocating anything.
      if (heap.peekTime() > wm) continue;
      const buffer = this.buffers[port]!;
      const due = new Set<unknown>();
      while (heap.peekTime() <= wm) due.add(heap.pop()!.item);
      for (const key of due) {
        const list = buffer.get(key);
        if (list === undefined) continue;
        const kept = list.filter((r) => this.expiresAt(r.ts, port) > wm);
        if (kept.length === 0) buffer.delete(key);
        else buffer.set(key, kept);
      }
    }
  }

  buffered(): number {
    let n = 0;
    for (const b of this.buffers) for (const list of b.values()) n += list.length;
    return n;
  }

  override snapshot(): unknown {
    return { seq: this.seq, sides: this.buffers.map((b) => [...b].map(([k, list]) => [k, list.map(saveRec)])) };
  }

  override restore(state: unknown): void {
    const s = state as { seq: number; sides: [unknown, unknown[]][][] };
    this.seq = s.seq;
    for (let port = 0; port < 2; port++) {
      const buffer = this.buffers[port]!;
      const heap = this.expiry[port]!;
      buffer.clear();
      heap.clear();
      let n = 0;
      for (const [k, list] of s.sides[port]!) {
        const recs = list.map(loadRec);
        buffer.set(k, recs);
        for (const r of recs) heap.push(this.expiresAt(r.ts, port), n++, k);
      }
    }
  }
}
