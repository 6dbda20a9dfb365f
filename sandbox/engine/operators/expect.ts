// Expectations, as in Lakeflow: a named rule on a layer's records with an action. `warn` keeps the
// record and counts it, `drop` discards it, `quarantine` sends it to the layer's quarantine output
// with the rule and the reason, `fail` stops the job. A rule that throws counts as failed, with the
// error as the reason, because a rule that cannot be evaluated has not been met.
import { PipelineFailure, errorMessage } from '../errors';
import type { ExpectNode } from '../plan';
import type { QuarantineRecord, Rec } from '../record';
import type { JobContext, Owner } from './context';
import { Operator } from './operator';

export class ExpectOperator extends Operator {
  override readonly passesWatermarks = true;
  private readonly counts: { passed: number; failed: number; action: string };

  constructor(ctx: JobContext, readonly def: ExpectNode, owner: Owner) {
    super(ctx, def, owner);
    const name = `${owner.name}.${def.rule}`;
    this.counts = ctx.metrics.expectations[name] ??= { passed: 0, failed: 0, action: def.action };
  }

  push(rec: Rec): void {
    const c = this.rctx;
    c.eventTime = rec.ts;
    c.key = rec.key;
    let reason: string | null = null;
    try {
      const ok = this.def.pred(rec.value, c);
      if (ok !== true) reason = ok === false ? `rule "${this.def.rule}" returned false` : `rule "${this.def.rule}" returned ${String(ok)}`;
    } catch (error) {
      reason = `rule "${this.def.rule}" threw ${errorMessage(error)}`;
    }
    if (reason === null) {
      this.counts.passed++;
      this.emit(rec);
      return;
    }
    this.counts.failed++;
    const { owner, ctx, def } = this;
    ctx.trace?.({ type: 'drop', layer: owner.name, operator: def.id, id: rec.id(), reason: `expectation ${def.rule} (${def.action}): ${reason}` });
    switch (def.action) {
      case 'warn':
        this.emit(rec);
        return;
      case 'drop':
        return;
      case 'quarantine': {
        const value: QuarantineRecord = { record: rec.value, rule: def.rule, reason };
        ctx.write(`${owner.name}.quarantine`, 'insert', rec.id(), rec.key, value, rec.ts, ctx.lineage(rec));
        return;
      }
      case 'fail':
        throw new PipelineFailure(`expectation "${def.rule}" of layer "${owner.name}" failed on record ${rec.id()}: ${reason}`, owner.name, `expect ${def.rule}`);
    }
  }
}
