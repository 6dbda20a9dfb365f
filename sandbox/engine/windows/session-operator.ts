// Session windows: gap-based per key, merging as records arrive (merging-window-set.ts). A session closes
// when the watermark reaches its end plus the allowed lateness. Timers are lazy: a session that grew
// keeps the timer it opened with, which is queued again when it comes up; one merged away is skipped.
import type { Aggregator } from '../aggregators';
import type { WindowNode } from '../plan';
import { Rec, type LateRecord } from '../record';
import { MinHeap } from '../min-heap';
import type { JobContext, Owner } from '../operators/context';
import { Operator } from '../operators/operator';
import { validateWindow } from './assigners';
import { findOverlaps, Session, type SessionList } from './merging-window-set';
import { keyText } from './window-operator';
import { accumulate, loadPane, newPane, paneResult, resetPane, savePane, type Pane } from './pane';
import { closesAt, type Trigger } from './triggers';

export class SessionOperator extends Operator {
  private readonly sessions = new Map<unknown, SessionList>();
  /** One timer per open session, set when it opened; one that comes up early is queued again (onWatermark). */
  private readonly timers = new MinHeap<Session>();
  private readonly aggs: Aggregator[];
  private readonly names: string[];
  private readonly trigger: Trigger;
  private readonly gap: number;
  private readonly xs: unknown[];
  private readonly scratch: unknown[];
  private readonly idPrefix: string;
  private nextSeq = 0;
  private readonly overlap = { first: 0, count: 0 };
  private readonly ownPane: Pane;

  constructor(ctx: JobContext, readonly def: WindowNode, owner: Owner, retracting: boolean) {
    super(ctx, def, owner);
    validateWindow(def.window);
    if (def.window.kind !== 'session') throw new Error('SessionOperator needs a session window');
    this.gap = def.window.gap;
    this.aggs = def.aggs.map((a) => a.spec.create({ retracting }));
    this.names = def.aggs.map((a) => a.name);
    const cannotMerge = def.aggs.filter((_, i) => this.aggs[i]!.merge === null).map((a) => a.name);
    if (cannotMerge.length > 0) throw new Error(`layer "${owner.name}": ${cannotMerge.join(', ')} cannot merge, which session windows need; give the reducer a merge()`);
    if (retracting) throw new Error(`layer "${owner.name}": session windows take only inserts, but the input emits updates`);
    this.trigger = { emit: def.emit, allowedLateness: def.allowedLateness };
    this.xs = new Array<unknown>(this.aggs.length);
    this.scratch = new Array<unknown>(this.aggs.length);
    this.idPrefix = `${owner.name}/${def.id}/`;
    this.ownPane = newPane(this.aggs, ctx.maxPositions > 0);
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
    const start = rec.ts;
    const end = rec.ts + this.gap;
    let list = this.sessions.get(rec.key);
    if (list === undefined) {
      list = [];
      this.sessions.set(rec.key, list);
    }
    const { first, count } = findOverlaps(list, start, end, this.overlap);
    if (count === 0 && closesAt(this.trigger, end) <= this.wm) {
      if (list.length === 0) this.sessions.delete(rec.key);
      this.late(rec, start, end);
      return;
    }
    if (count === 1 && list[first]!.start <= start && list[first]!.end >= end) {
      // The record falls inside an existing session: add it in place, the common case.
      const inside = list[first]!;
      try {
        accumulate(inside.pane, aggs, xs, this.scratch, rec, this.ctx.maxPositions);
      } catch (error) {
        this.fail('aggregate', rec, error);
        return;
      }
      this.afterAdd(rec, inside);
      return;
    }
    if (count === 0) {
      const pane = newPane(aggs, this.ctx.maxPositions > 0);
      try {
        accumulate(pane, aggs, xs, this.scratch, rec, this.ctx.maxPositions);
      } catch (error) {
        if (list.length === 0) this.sessions.delete(rec.key);
        this.fail('aggregate', rec, error);
        return;
      }
      const session = new Session(start, end, pane, this.nextSeq++);
      session.key = rec.key;
      list.splice(first, 0, session);
      this.timers.push(closesAt(this.trigger, end), session.seq, session);
      this.afterAdd(rec, session);
      return;
    }
    // The record's window reaches past the sessions it meets: it is accumulated into a pane of its
    // own, which is then merged with theirs. That pane lives only until the merge, so one scratch
    // pane serves every record and the merge allocates nothing per record.
    const own = this.ownPane;
    resetPane(own, aggs);
    try {
      accumulate(own, aggs, xs, this.scratch, rec, this.ctx.maxPositions);
    } catch (error) {
      this.fail('aggregate', rec, error);
      return;
    }
    if (this.trigger.emit === 'update') for (let i = first; i < first + count; i++) this.retractStanding(rec.key, list[i]!);
    let acc = own;
    let lo = start;
    let hi = end;
    let changes = 0;
    for (let i = first; i < first + count; i++) {
      const s = list[i]!;
      if (s.pane.changes > changes) changes = s.pane.changes;
      acc = this.mergeInto(s.pane, acc);
      if (s.start < lo) lo = s.start;
      if (s.end > hi) hi = s.end;
    }
    // Ids continue after the highest change number of any merged session, so none is reused.
    acc.changes = changes;
    // The merged session is the last one merged, kept as an object with the merged bounds and the next
    // sequence number, exactly as a new session would be; the others are dead.
    const session = list[first + count - 1]!;
    for (let i = first; i < first + count - 1; i++) list[i]!.dead = true;
    session.start = lo;
    session.end = hi;
    session.pane = acc;
    session.seq = this.nextSeq++;
    if (count > 1) list.splice(first, count - 1);
    // Its timer is not moved now: when it comes up it is queued again at the session's closing time and
    // sequence number (see onWatermark), which fires sessions in the same order as moving it at once.
    this.afterAdd(rec, session);
  }

  private afterAdd(rec: Rec, session: Session): void {
    if (this.ctx.trace !== null) {
      this.ctx.trace({ type: 'assign', layer: this.owner.name, operator: this.def.id, id: rec.id(), eventTime: rec.ts, watermark: Number.isFinite(this.wm) ? this.wm : null, windows: [{ start: session.start, end: session.end }], lateFor: [] });
    }
    if (this.trigger.emit === 'update') this.emitUpdate(rec.key, session);
  }

  /** Folds `from` into `into` in place. */
  private mergePane(into: Pane, from: Pane): void {
    for (let i = 0; i < this.aggs.length; i++) into.accs[i] = this.aggs[i]!.merge!(into.accs[i], from.accs[i]);
    into.live += from.live;
    if (into.lin !== null && from.lin !== null) {
      for (const p of from.lin.positions) if (into.lin.positions.length < this.ctx.maxPositions) into.lin.positions.push(p);
      into.lin.total += from.lin.total;
    }
  }

  /** Merges an older session's pane (`a`, earlier in start order) with `b`, keeping a's emission history. */
  private mergeInto(a: Pane, b: Pane): Pane {
    this.mergePane(a, b);
    return a;
  }

  private retractStanding(key: unknown, s: Session): void {
    const pane = s.pane;
    if (pane.last === undefined) return;
    this.emit(new Rec(key, pane.last, s.end - 1, pane.lastIdBase, pane.changes++, '', this.lin(pane), true));
    pane.last = undefined;
  }

  private emitUpdate(key: unknown, s: Session): void {
    this.retractStanding(key, s);
    const value = paneResult(key, s.start, s.end, this.names, this.aggs, s.pane.accs);
    const idBase = `${this.idPrefix}${keyText(key)}@${s.start}/`;
    s.pane.last = value;
    s.pane.lastIdBase = idBase;
    this.emit(new Rec(key, value, s.end - 1, idBase, s.pane.changes++, '', this.lin(s.pane), false));
  }

  private lin(pane: Pane): Rec['lin'] {
    return pane.lin === null ? null : { positions: [...pane.lin.positions], total: pane.lin.total };
  }

  private late(rec: Rec, start: number, end: number): void {
    const { ctx, owner } = this;
    const value: LateRecord = {
      record: rec.value, eventTime: rec.ts, watermark: this.wm, window: { start, end },
      reason: `session [${start}, ${end}) would close at watermark ${end + this.trigger.allowedLateness} and joins no open session; the watermark is ${this.wm}`,
    };
    ctx.metrics.late[owner.name] = (ctx.metrics.late[owner.name] ?? 0) + 1;
    ctx.trace?.({ type: 'late', layer: owner.name, operator: this.def.id, id: rec.id(), eventTime: rec.ts, watermark: this.wm, reason: value.reason });
    ctx.write(`${owner.name}.late`, 'insert', rec.id(), rec.key, value, rec.ts, ctx.lineage(rec));
  }

  protected override onWatermark(wm: number): void {
    const timers = this.timers;
    while (timers.peekTime() <= wm) {
      const entry = timers.pop()!;
      const session = entry.item;
      if (session.dead) continue;
      const due = closesAt(this.trigger, session.end);
      if (due !== entry.time || entry.seq !== session.seq) {
        // The session grew since this timer was set: queue it again at its closing time and current
        // sequence number. That key is above the one just taken, so sessions fire in (time, sequence)
        // order exactly as if every growth had moved the timer at once; a session has one timer.
        timers.push(due, session.seq, session);
        continue;
      }
      const key = session.key;
      session.dead = true;
      const list = this.sessions.get(key)!;
      list.splice(list.indexOf(session), 1);
      if (list.length === 0) this.sessions.delete(key);
      this.ctx.trace?.({ type: 'fire', layer: this.owner.name, operator: this.def.id, key, start: session.start, end: session.end, watermark: wm });
      if (this.trigger.emit === 'final') {
        const value = paneResult(key, session.start, session.end, this.names, this.aggs, session.pane.accs);
        this.emit(new Rec(key, value, session.end - 1, `${this.idPrefix}${keyText(key)}@${session.start}-${session.end}/`, 0, '', session.pane.lin, false));
      }
    }
  }

  openSessions(): number {
    let n = 0;
    for (const list of this.sessions.values()) n += list.length;
    return n;
  }

  override snapshot(): unknown {
    return {
      nextSeq: this.nextSeq,
      keys: [...this.sessions].map(([key, list]) => [key, list.map((s) => [s.start, s.end, s.seq, savePane(s.pane, this.aggs)])]),
    };
  }

  override restore(state: unknown): void {
    const s = state as { nextSeq: number; keys: [unknown, [number, number, number, unknown][]][] };
    this.sessions.clear();
    this.timers.clear();
    this.nextSeq = s.nextSeq;
    for (const [key, list] of s.keys) {
      const sessions = list.map(([start, end, seq, pane]) => new Session(start, end, loadPane(pane, this.aggs), seq));
      this.sessions.set(key, sessions);
      for (const session of sessions) {
        session.key = key;
        this.timers.push(closesAt(this.trigger, session.end), session.seq, session);
      }
    }
  }
}
