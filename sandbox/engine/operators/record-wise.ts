// Record-wise operators: each looks at one record and forgets it. A user callback that throws sends the
// record to the owner's dead-letter output (or fails the job), and the stream goes on.
import type { FilterNode, FlatMapNode, KeyByNode, MapNode, RecordContext, SplitNode } from '../plan';
import { Rec } from '../record';
import type { JobContext, Owner } from './context';
import { MultiInputOperator, Operator } from './operator';

export class MapOperator extends Operator {
  override readonly passesWatermarks = true;
  constructor(ctx: JobContext, readonly def: MapNode, owner: Owner) {
    super(ctx, def, owner);
  }
  push(rec: Rec): void {
    const c = this.rctx;
    c.eventTime = rec.ts;
    c.key = rec.key;
    try {
      rec.value = this.def.fn(rec.value, c);
    } catch (error) {
      this.fail(this.def.label, rec, error);
      return;
    }
    // The call is written here rather than in Operator.emit so that V8 sees one call site per
    // operator class, which stays monomorphic and inlinable instead of megamorphic.
    const outs = this.outs;
    if (outs.length === 1) outs[0]!.push(rec, this.outPorts[0]!);
    else this.emit(rec);
  }
}

export class FilterOperator extends Operator {
  override readonly passesWatermarks = true;
  constructor(ctx: JobContext, readonly def: FilterNode, owner: Owner) {
    super(ctx, def, owner);
  }
  push(rec: Rec): void {
    const c = this.rctx;
    c.eventTime = rec.ts;
    c.key = rec.key;
    let keep: unknown;
    try {
      keep = this.def.fn(rec.value, c);
    } catch (error) {
      this.fail('filter', rec, error);
      return;
    }
    if (!keep) return;
    // One call site per operator class keeps the downstream call monomorphic (see MapOperator).
    const outs = this.outs;
    if (outs.length === 1) outs[0]!.push(rec, this.outPorts[0]!);
    else this.emit(rec);
  }
}

export class FlatMapOperator extends Operator {
  override readonly passesWatermarks = true;
  constructor(ctx: JobContext, readonly def: FlatMapNode, owner: Owner) {
    super(ctx, def, owner);
  }
  push(rec: Rec): void {
    const c = this.rctx;
    c.eventTime = rec.ts;
    c.key = rec.key;
    let outs: unknown[];
    try {
      // Materialized first, so a generator that throws half-way emits nothing rather than a prefix.
      outs = [...this.def.fn(rec.value, c)];
    } catch (error) {
      this.fail('flatMap', rec, error);
      return;
    }
    for (let i = 0; i < outs.length; i++) {
      this.emit(new Rec(rec.key, outs[i], rec.ts, rec.idBase, rec.seq, `${rec.suffix}#${i}`, rec.lin, rec.retract));
    }
  }
}

export class KeyByOperator extends Operator {
  override readonly passesWatermarks = true;
  constructor(ctx: JobContext, readonly def: KeyByNode, owner: Owner) {
    super(ctx, def, owner);
  }
  /** The context handed to the key function, for a source's fused loop. */
  get context(): RecordContext {
    return this.rctx;
  }
  push(rec: Rec): void {
    const c = this.rctx;
    c.eventTime = rec.ts;
    c.key = rec.key;
    try {
      rec.key = this.def.fn(rec.value, c);
    } catch (error) {
      this.fail('keyBy', rec, error);
      return;
    }
    // The call is written here rather than in Operator.emit so that V8 sees one call site per
    // operator class, which stays monomorphic and inlinable instead of megamorphic.
    const outs = this.outs;
    if (outs.length === 1) outs[0]!.push(rec, this.outPorts[0]!);
    else this.emit(rec);
  }
}

/**
 * Sends each record to the first route whose predicate holds, or to the unmatched route. The routes
 * are pass-through operators registered by compile(); a route nobody reads is null and drops records.
 */
export class SplitOperator extends Operator {
  override readonly passesWatermarks = true;
  /** Index 0 is the unmatched route; route i of the definition is at i + 1. */
  readonly routes: (RouteOperator | null)[];
  constructor(ctx: JobContext, readonly def: SplitNode, owner: Owner) {
    super(ctx, def, owner);
    this.routes = new Array<RouteOperator | null>(def.routes.length + 1).fill(null);
  }
  push(rec: Rec): void {
    const c = this.rctx;
    c.eventTime = rec.ts;
    c.key = rec.key;
    const routes = this.def.routes;
    let target = 0;
    try {
      for (let i = 0; i < routes.length; i++) {
        if (routes[i]!.pred(rec.value, c)) {
          target = i + 1;
          break;
        }
      }
    } catch (error) {
      this.fail('split', rec, error);
      return;
    }
    this.routes[target]?.push(rec);
  }
  override downstream(): [Operator, number][] {
    return this.routes.flatMap((r): [Operator, number][] => (r === null ? [] : [[r, 0]]));
  }
}

export class RouteOperator extends Operator {
  override readonly passesWatermarks = true;
  push(rec: Rec): void {
    this.emit(rec);
  }
}

export class UnionOperator extends MultiInputOperator {
  push(rec: Rec): void {
    this.emit(rec);
  }
}
