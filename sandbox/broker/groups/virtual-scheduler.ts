import type { Scheduler } from './scheduler';

interface PendingTimer {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * A scheduler on virtual time for tests: nothing happens until `advance` moves the clock, and timers
 * fire in deadline order (ties in the order they were set), each seeing `now()` equal to its deadline.
 */
export class VirtualScheduler implements Scheduler {
  private time: number;
  private seq = 0;
  private timers: PendingTimer[] = [];

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimer(ms: number, fn: () => void): () => void {
    const timer: PendingTimer = { at: this.time + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** How many timers are waiting; lets tests check that `close()` left nothing behind. */
  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Moves the clock forward by `ms`, firing every timer due on the way, including ones set while firing. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const next = this.earliestDue(end);
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.time = next.at;
      next.fn();
    }
    this.time = end;
  }

  private earliestDue(end: number): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const t of this.timers) {
      if (t.at > end) continue;
      if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    }
    return best;
  }
}
