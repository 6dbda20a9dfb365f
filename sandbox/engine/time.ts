// Time enters the engine only through these types. Event time comes from records; processing time
// comes from an injected Clock, so tests can drive both to the millisecond.

/** The source of processing time. The engine never reads the wall clock itself. */
export interface Clock {
  now(): number;
}

/** A clock that moves only when told to: the default for tests and for deterministic re-runs. */
export class ManualClock implements Clock {
  constructor(private current = 0) {}
  now(): number {
    return this.current;
  }
  /** Moves the clock forward by `ms`; a clock never moves backwards. */
  advance(ms: number): void {
    if (ms < 0) throw new Error('a clock cannot move backwards');
    this.current += ms;
  }
  set(ms: number): void {
    if (ms < this.current) throw new Error('a clock cannot move backwards');
    this.current = ms;
  }
}

/**
 * A watermark as the API shows it (after Arroyo's `Watermark = EventTime | Idle`): either the claim
 * that every record with an event time below `at` has arrived, or the statement that an input is idle
 * and must not hold the others back.
 */
export type Watermark = { readonly kind: 'time'; readonly at: number } | { readonly kind: 'idle' };

/**
 * Inside the engine a watermark is a plain number so the hot path allocates nothing. Idle is +Infinity:
 * taking the minimum over inputs then ignores idle inputs for free, and single-input operators treat it
 * as "no progress" rather than "fire everything".
 */
export const IDLE = Number.POSITIVE_INFINITY;
/** The watermark before any record: nothing is known yet. */
export const NO_WATERMARK = Number.NEGATIVE_INFINITY;
/** The watermark that closes every window: used when an input ends. */
export const END_OF_TIME = Number.MAX_SAFE_INTEGER;

export function toWatermark(wm: number): Watermark | null {
  if (wm === IDLE) return { kind: 'idle' };
  if (wm === NO_WATERMARK) return null;
  return { kind: 'time', at: wm };
}

/** JSON cannot hold infinities, so snapshots store them as the strings `idle` and `none`. */
export function saveTime(t: number): number | string {
  if (t === IDLE) return 'idle';
  if (t === NO_WATERMARK) return 'none';
  return t;
}

export function loadTime(t: unknown): number {
  if (t === 'idle') return IDLE;
  if (t === 'none') return NO_WATERMARK;
  if (typeof t !== 'number') throw new Error(`bad time in snapshot: ${String(t)}`);
  return t;
}
