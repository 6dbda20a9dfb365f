// A side output read as a stream. The operator hangs off its layer only to be routed the layer's
// watermarks; the records it emits are the ones written to the side output, which the job context
// hands it as they are written. Late records keep their original event time, which is behind the
// watermark by definition: a downstream window would find them late again, so count them with a
// running aggregate or a process function, or map them to the time they were detected.
import type { SideOutputNode } from '../plan';
import { Rec, type OutputRecord } from '../record';
import type { JobContext, Owner } from './context';
import { Operator } from './operator';

export class SideOutputOperator extends Operator {
  override readonly passesWatermarks = true;

  constructor(ctx: JobContext, readonly def: SideOutputNode, owner: Owner) {
    super(ctx, def, owner);
    ctx.read(`${def.input.name}.${def.output}`, (record) => this.onSideRecord(record));
  }

  /** The layer's own records also arrive here, because the layer is this node's input; they are not ours. */
  push(_rec: Rec): void {}

  private onSideRecord(record: OutputRecord): void {
    if (this.outs.length === 0) return;
    // The id names the side output and the record it carries, so it stays unique and deterministic.
    const lin = record.lineage === null ? null : { positions: [...record.lineage.positions], total: record.lineage.total };
    this.emit(new Rec(record.key, record.value, record.eventTime, `${record.output}@${record.id}#`, 0, '', lin, record.kind === 'retract'));
  }
}
