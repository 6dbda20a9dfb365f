// The event-time temporal join: each left record is joined with the table's version of its key as of
// the record's event time, the table being built from a changelog stream (the latest value per key;
// null or undefined deletes). A left record waits until the watermark of both inputs passes its event
// time, because only then are all versions up to that time known. Versions older than the newest one
// at or below the watermark can never be looked up again and are dropped.
import type { TemporalJoinNode } from '../plan';
import { Rec, addLineage, type LateRecord, type Lineage } from '../record';
import { MinHeap } from '../min-heap';
import type { JobContext, Owner } from './context';
import { MultiInputOperator } from './operator';
import { loadRec, saveRec } from './rec-codec';

interface Version {
  readonly ts: number;
  /** undefined marks a deletion. */
  readonly value: unknown;
  readonly rec: Rec;
}

export class TemporalJoinOperator extends MultiInputOperator {
  private readonly table = new Map<unknown, Version[]>();
  private readonly waiting = new MinHeap<{ key: unknown; rec: Rec }>();
  private seq = 0;

  constructor(ctx: JobContext, readonly def: TemporalJoinNode, owner: Owner) {
    super(ctx, def, owner, 2);
  }

  push(rec: Rec, port: number): void {
    if (rec.retract) throw new Error(`layer "${this.owner.name}": a temporal join takes only inserts; model deletes as null values`);
    const c = this.rctx;
    c.eventTime = rec.ts;
    c.key = rec.key;
    let key: unknown;
    let value: unknown = rec.value;
    try {
      if (port === 0) {
        key = this.def.leftKey(rec.value, c);
      } else {
        key = this.def.rightKey(rec.value, c);
        if (this.def.rightValue !== null && rec.value !== null && rec.value !== undefined) value = this.def.rightValue(rec.value, c);
      }
    } catch (error) {
      this.fail(port === 0 ? 'temporalJoin left key' : 'temporalJoin table key', rec, error);
      return;
    }
    if (rec.ts < this.wm) {
      this.late(rec, port);
      return;
    }
    if (port === 0) {
      this.waiting.push(rec.ts + 1, this.seq++, { key, rec: rec.clone() });
      return;
    }
    let versions = this.table.get(key);
    if (versions === undefined) {
      versions = [];
      this.table.set(key, versions);
    }
    // Kept sorted by event time; among equal times the later arrival wins, as in a compacted topic.
    let i = versions.length;
    while (i > 0 && versions[i - 1]!.ts > rec.ts) i--;
    versions.splice(i, 0, { ts: rec.ts, value: value === null ? undefined : value, rec: rec.clone() });
    this.prune(key, versions, this.wm);
  }

  private late(rec: Rec, port: number): void {
    const { ctx, owner } = this;
    const reason = `${port === 0 ? 'left' : 'table'} record at ${rec.ts} is behind the join's watermark ${this.wm}`;
    const value: LateRecord = { record: rec.value, eventTime: rec.ts, watermark: this.wm, window: null, reason };
    ctx.metrics.late[owner.name] = (ctx.metrics.late[owner.name] ?? 0) + 1;
    ctx.trace?.({ type: 'late', layer: owner.name, operator: this.def.id, id: rec.id(), eventTime: rec.ts, watermark: this.wm, reason });
    ctx.write(`${owner.name}.late`, 'insert', rec.id(), rec.key, value, rec.ts, ctx.lineage(rec));
  }

  protected override onWatermark(wm: number): void {
    // Most watermark advances release nothing: return before allocating anything.
    if (this.waiting.peekTime() > wm) return;
    const touched = new Set<unknown>();
    while (this.waiting.peekTime() <= wm) {
      const { key, rec } = this.waiting.pop()!.item;
      this.lookup(key, rec);
      touched.add(key);
    }
    // Only keys just looked up are pruned here; every other key is pruned when its next version arrives,
    // so a watermark advance costs nothing per idle key and each key holds at most the versions above
    // the watermark plus one.
    for (const key of touched) {
      const versions = this.table.get(key);
      if (versions !== undefined) this.prune(key, versions, wm);
    }
  }

  private lookup(key: unknown, l: Rec): void {
    const versions = this.table.get(key);
    let match: Version | undefined;
    if (versions !== undefined) {
      for (let i = versions.length - 1; i >= 0; i--) {
        if (versions[i]!.ts <= l.ts) {
          match = versions[i];
          break;
        }
      }
    }
    const right = match?.value;
    if (right === undefined && this.def.mode === 'inner') return;
    let value: unknown;
    try {
      value = this.def.select(l.value, right);
    } catch (error) {
      this.fail('temporalJoin select', l, error);
      return;
    }
    let lin: Lineage | null = null;
    if (this.ctx.maxPositions > 0) {
      lin = { positions: [], total: 0 };
      addLineage(lin, l, this.ctx.maxPositions);
      if (match !== undefined) addLineage(lin, match.rec, this.ctx.maxPositions);
    }
    // The id names the left record and the table version it saw: `orders/0/7+customers/0/3`.
    const out = match === undefined
      ? new Rec(key, value, l.ts, l.idBase, l.seq, `${l.suffix}+none`, lin, false)
      : new Rec(key, value, l.ts, `${l.id()}+${match.rec.idBase}`, match.rec.seq, match.rec.suffix, lin, false);
    this.emit(out);
  }

  /** Keeps the newest version at or below the watermark (still visible to waiting records) and all newer ones. */
  private prune(key: unknown, versions: Version[], wm: number): void {
    let keepFrom = 0;
    for (let i = versions.length - 1; i >= 0; i--) {
      if (versions[i]!.ts <= wm) {
        keepFrom = i;
        break;
      }
    }
    if (keepFrom > 0) versions.splice(0, keepFrom);
    if (versions.length === 1 && versions[0]!.value === undefined && versions[0]!.ts <= wm) this.table.delete(key);
  }

  tableSize(): number {
    let n = 0;
    for (const v of this.table.values()) n += v.length;
    return n;
  }

  override snapshot(): unknown {
    return {
      seq: this.seq,
      table: [...this.table].map(([k, vs]) => [k, vs.map((v) => [v.ts, v.value === undefined ? null : [v.value], saveRec(v.rec)])]),
      waiting: this.waiting.sorted().map((e) => [e.time, e.seq, e.item.key, saveRec(e.item.rec)]),
    };
  }

  override restore(state: unknown): void {
    const s = state as { seq: number; table: [unknown, [number, [unknown] | null, unknown][]][]; waiting: [number, number, unknown, unknown][] };
    this.seq = s.seq;
    this.table.clear();
    for (const [k, vs] of s.table) this.table.set(k, vs.map(([ts, v, rec]) => ({ ts, value: v === null ? undefined : v[0], rec: loadRec(rec) })));
    this.waiting.clear();
    for (const [time, seq, key, rec] of s.waiting) this.waiting.push(time, seq, { key, rec: loadRec(rec) });
  }
}
