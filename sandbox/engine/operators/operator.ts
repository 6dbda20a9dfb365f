// The operator base class. Records are pushed one at a time down a fixed graph; a watermark is pushed
// after the records it follows. Two rules keep the hot path free of allocation:
// - a pushed record is valid only during the push call: sources reuse one record object, so an
//   operator that keeps a record (a join buffer) keeps a clone;
// - an operator that sends a record to several downstream operators gives each its own copy, because
//   downstream operators may rewrite the record in place.
import * as time from '../time';
import type { PlanNode, RecordContext } from '../plan';
import type { Rec } from '../record';
import type { JobContext, Owner } from './context';

// Module-local copies of the time constants: a loader that compiles ES modules to CommonJS turns
// imported bindings into getter calls, which the per-record path should not pay for.
const IDLE = time.IDLE;
const NO_WATERMARK = time.NO_WATERMARK;

export abstract class Operator {
  readonly outs: Operator[] = [];
  readonly outPorts: number[] = [];
  /**
   * Where watermarks go: the nearest downstream operators that use them. Operators that only look at
   * one record at a time neither keep nor need a watermark, so compile() routes watermarks past them
   * (see `passesWatermarks`), which saves calls on every watermark advance.
   */
  wmOuts: Operator[] = [];
  wmPorts: number[] = [];
  /** True for operators that hold no timers and read no watermark: watermarks skip them. */
  readonly passesWatermarks: boolean = false;
  /** The operator's input watermark; never IDLE. */
  wm = NO_WATERMARK;
  /** Reused for every call of a user callback, so calling one allocates nothing. */
  protected readonly rctx: RecordContext = { eventTime: 0, key: undefined };

  constructor(
    readonly ctx: JobContext,
    readonly node: PlanNode,
    readonly owner: Owner,
  ) {}

  abstract push(rec: Rec, port: number): void;

  /** Single-input default: remember the watermark, let the operator fire timers, forward it. */
  watermark(wm: number, _port: number): void {
    if (wm === IDLE) {
      this.forwardWatermark(IDLE);
      return;
    }
    if (wm <= this.wm) {
      // A source coming back from idleness re-announces its watermark so downstream joins count it again.
      this.forwardWatermark(this.wm);
      return;
    }
    this.wm = wm;
    this.onWatermark(wm);
    this.forwardWatermark(wm);
  }

  /** Fires the timers due at `wm`. Stateless operators have none. */
  protected onWatermark(_wm: number): void {}

  connect(to: Operator, port: number): void {
    this.outs.push(to);
    this.outPorts.push(port);
  }

  protected emit(rec: Rec): void {
    const outs = this.outs;
    const n = outs.length;
    if (n === 1) {
      outs[0]!.push(rec, this.outPorts[0]!);
      return;
    }
    for (let i = 0; i < n; i++) outs[i]!.push(i === n - 1 ? rec : rec.clone(), this.outPorts[i]!);
  }

  protected forwardWatermark(wm: number): void {
    const outs = this.wmOuts;
    for (let i = 0; i < outs.length; i++) outs[i]!.watermark(wm, this.wmPorts[i]!);
  }

  /** The operators records go to, with their ports; a split overrides this with its routes. */
  downstream(): [Operator, number][] {
    return this.outs.map((o, i) => [o, this.outPorts[i]!]);
  }

  /** Routes a user callback's error for `rec`; public so a fused loop can report for the operator it stands in for. */
  fail(operator: string, rec: Rec, error: unknown): void {
    this.ctx.deadLetter(this.owner, operator, this.node.definedAt, rec, error);
  }

  /** The operator's state as a JSON-safe value; stateless operators have none beyond their watermark. */
  snapshot(): unknown {
    return null;
  }

  restore(_state: unknown): void {}
}

/**
 * The watermark of an operator with several inputs is the minimum over them, ignoring idle inputs
 * (IDLE is +Infinity). It never moves backwards: an input returning from idleness with an older
 * watermark holds further progress back but does not undo what was already claimed.
 */
export abstract class MultiInputOperator extends Operator {
  readonly inputWms: number[];
  private sentIdle = false;

  constructor(ctx: JobContext, node: PlanNode, owner: Owner, inputs: number) {
    super(ctx, node, owner);
    this.inputWms = new Array<number>(inputs).fill(NO_WATERMARK);
  }

  override watermark(wm: number, port: number): void {
    this.inputWms[port] = wm;
    let min = IDLE;
    for (const w of this.inputWms) if (w < min) min = w;
    if (min === IDLE) {
      if (!this.sentIdle) {
        this.sentIdle = true;
        this.forwardWatermark(IDLE);
      }
      return;
    }
    if (min <= this.wm) {
      if (this.sentIdle) {
        this.sentIdle = false;
        this.forwardWatermark(this.wm);
      }
      return;
    }
    this.sentIdle = false;
    this.wm = min;
    this.onWatermark(min);
    this.forwardWatermark(min);
  }
}
