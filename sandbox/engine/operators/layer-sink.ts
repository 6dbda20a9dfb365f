// A layer writes every record that reaches it to its output topic, then passes it on to the layers
// that read from it.
import type { LayerNode } from '../plan';
import type { Rec } from '../record';
import type { JobContext, Owner } from './context';
import { Operator } from './operator';

export class LayerOperator extends Operator {
  constructor(ctx: JobContext, readonly def: LayerNode, owner: Owner) {
    super(ctx, def, owner);
  }
  push(rec: Rec): void {
    const ctx = this.ctx;
    ctx.write(this.def.name, rec.retract ? 'retract' : 'insert', rec.id(), rec.key, rec.value, rec.ts, ctx.maxPositions > 0 ? ctx.lineage(rec) : null);
    if (this.outs.length > 0) this.emit(rec);
  }
}
