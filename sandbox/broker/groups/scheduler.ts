/**
 * Time as the group coordinator sees it. Every deadline (sessions, rebalance timeouts, the initial
 * rebalance delay, pending member expiry) goes through this interface so that tests can drive the
 * coordinator on virtual time and the broker can pass real timers.
 */
export interface Scheduler {
  /** Milliseconds since an arbitrary epoch; only differences are used. */
  now(): number;
  /** Runs `fn` once after `ms` milliseconds; the returned function cancels it and is safe to call twice. */
  setTimer(ms: number, fn: () => void): () => void;
}

/**
 * The wall-clock scheduler for the running broker. Timers are unref'd because a group's session
 * deadline is no reason to keep a process alive; `GroupCoordinator.close()` cancels them anyway.
 */
const MAX_TIMER_MS = 2 ** 31 - 1;

export const realScheduler: Scheduler = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    // Node fires delays beyond 2^31-1 ms at once; clients may send rebalance timeouts as large as Integer.MAX_VALUE.
    const handle = setTimeout(fn, Math.min(Math.max(0, ms), MAX_TIMER_MS));
    handle.unref();
    return () => clearTimeout(handle);
  },
};
