// A layer writes every record that reaches it to its output topic, then passes it on to the layers
// that read from it.
import type { LayerNode } from '../plan';
import type { OutputRecord, Rec } from '../record';
import type { JobContext, Owner } from './context';
import { Operator } from './operator';

export class LayerOperator extends Operator {
  override readonly passesWatermarks = true;
  private readonly buffer: OutputRecord[];

  constructor(ctx: JobContext, readonly def: LayerNode, owner: Owner) {
    super(ctx, def, owner);
    this.buffer = ctx.bufferOf(def.name);
  }

  push(rec: Rec): void {
    const ctx = this.ctx;
    this.buffer.push({
      output: this.def.name, topic: this.def.topic, kind: rec.retract ? 'retract' : 'insert', id: rec.id(), key: rec.key, value: rec.value,
      eventTime: rec.ts, lineage: ctx.maxPositions > 0 ? ctx.lineage(rec) : null,
    });
    ctx.pending++;
    if (this.outs.length > 0) this.emit(rec);
  }
}
