// Per-key state that expires by event time: an entry whose key saw no update for `ttl` ms of event
// time is deleted once the watermark passes that point. Shared by keyed process functions and running
// aggregates. Expiry timers are never cancelled; a timer whose entry was touched again since is stale
// and skipped, which is cheaper than finding and removing it from the heap on every update.
import { MinHeap } from '../min-heap';

/** What every entry records: the event time of its last update. */
export interface Touched {
  touched: number;
}

/** The JSON-safe form: the sequence counter, one tuple per key, and the pending expiry timers. */
export interface SavedTtlState {
  seq: number;
  states: unknown[][];
  timers: [number, number, unknown][];
}

export class KeyedTtlState<E extends Touched> {
  readonly entries = new Map<unknown, E>();
  private readonly expiry = new MinHeap<unknown>();
  private seq = 0;

  /** `ttl` null keeps every key forever. */
  constructor(private readonly ttl: number | null) {}

  get(key: unknown): E | undefined {
    return this.entries.get(key);
  }

  set(key: unknown, entry: E): void {
    this.entries.set(key, entry);
  }

  /** Call after each update of `key`, once its `touched` is current: (re)arms its expiry. */
  scheduleExpiry(key: unknown, touched: number): void {
    if (this.ttl !== null) this.expiry.push(touched + this.ttl, this.seq++, key);
  }

  /** Deletes the entries whose time to live the watermark has passed. */
  expire(wm: number): void {
    const ttl = this.ttl;
    if (ttl === null) return;
    while (this.expiry.peekTime() <= wm) {
      const { time, item: key } = this.expiry.pop()!;
      const entry = this.entries.get(key);
      if (entry !== undefined && entry.touched + ttl === time) this.entries.delete(key);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  /** `fields` gives the tuple saved after the key for one entry. */
  save(fields: (entry: E) => unknown[]): SavedTtlState {
    return {
      seq: this.seq,
      states: [...this.entries].map(([k, e]) => [k, ...fields(e)]),
      timers: this.expiry.sorted().map((e) => [e.time, e.seq, e.item]),
    };
  }

  /** The inverse of save(): `entry` rebuilds one entry from the tuple saved after its key. */
  load(saved: unknown, entry: (fields: unknown[]) => E): void {
    const s = saved as SavedTtlState;
    this.seq = s.seq;
    this.entries.clear();
    for (const [key, ...fields] of s.states) this.entries.set(key, entry(fields));
    this.expiry.clear();
    for (const [time, seq, item] of s.timers) this.expiry.push(time, seq, item);
  }
}
