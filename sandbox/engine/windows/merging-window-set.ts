// Session windows for one key (after Flink's MergingWindowSet). Each record opens the window
// [ts, ts + gap); windows that overlap or touch merge into one session. Sessions of a key are kept
// sorted by start and never overlap, so a new window can merge only with a contiguous run of them.
import type { Pane } from './pane';

export class Session {
  /** Set once the session was merged away or fired; stale timers for it are skipped. */
  dead = false;
  /** The key the session belongs to, so a timer can hold the session alone. */
  key: unknown = undefined;
  constructor(
    public start: number,
    public end: number,
    public pane: Pane,
    /**
     * Orders sessions that close at the same watermark, so firing order survives a restore. A session
     * that grows takes a new number, as a session newly made from the merge would; a timer whose
     * number is not the session's is stale.
     */
    public seq: number,
  ) {}
}

/** The sessions of one key, sorted by start. */
export type SessionList = Session[];

/** Where a window meets a key's sessions; reused across calls so the per-record path allocates nothing. */
export interface Overlap {
  first: number;
  count: number;
}

/**
 * Finds the sessions the window [start, end) merges with: those with `s.start <= end && s.end >= start`.
 * Sets `first` and `count`; count 0 means none, and `first` is then where a new session is inserted.
 */
export function findOverlaps(list: SessionList, start: number, end: number, out: Overlap): Overlap {
  let lo = 0;
  let hi = list.length;
  // The first session that ends at or after `start`; every session before it lies wholly before the window.
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.end < start) lo = mid + 1;
    else hi = mid;
  }
  let count = 0;
  while (lo + count < list.length && list[lo + count]!.start <= end) count++;
  out.first = lo;
  out.count = count;
  return out;
}
