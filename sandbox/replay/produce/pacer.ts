// Pacing by event time: at speed N, an event that happened t ms after the first one is produced
// t/N ms after the first one was. Events behind the pace (out of order, or late) go at once: the
// replay never waits backwards, so their disorder reaches Kafka as it is in the file.

/** The wall clock the pacer reads; tests drive a virtual one. */
export interface WallClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock. */
export const systemClock: WallClock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    }),
};

/** Computes when each event is due at a given speed. */
export class Pacer {
  private origin: { event: number; wall: number } | undefined;

  /** @param speed times real time; undefined or Infinity means as fast as possible. */
  constructor(private readonly speed: number | undefined, private readonly clock: WallClock) {
    if (speed !== undefined && !(speed > 0)) throw new Error(`speed must be positive, not ${speed}`);
  }

  get paced(): boolean {
    return this.speed !== undefined && Number.isFinite(this.speed);
  }

  /** Milliseconds to wait before producing an event with this event time (0 when due or unpaced). */
  delayFor(eventTime: number | undefined): number {
    if (!this.paced || eventTime === undefined) return 0;
    const now = this.clock.now();
    if (this.origin === undefined) {
      this.origin = { event: eventTime, wall: now };
      return 0;
    }
    const due = this.origin.wall + (eventTime - this.origin.event) / this.speed!;
    return Math.max(0, due - now);
  }

  /** Starts over, as at the start of each loop, so the next pass begins at once. */
  reset(): void {
    this.origin = undefined;
  }
}
