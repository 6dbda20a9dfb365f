// A binary min-heap ordered by (time, seq). The sequence number breaks ties by insertion order, so the
// order timers fire in never depends on the heap's internal layout: a heap rebuilt from a snapshot
// fires in exactly the order the original would have.
//
// Entries are kept in three parallel arrays rather than as one object each: operators push a timer
// for nearly every record (dedupe keys, join buffers, sessions), and many of those timers live for
// an hour of event time, so an object per timer would be copied by every young-generation collection
// until it reached the old generation.

export interface HeapEntry<T> {
  time: number;
  seq: number;
  item: T;
}

export class MinHeap<T> {
  private readonly times: number[] = [];
  private readonly seqs: number[] = [];
  private readonly items: T[] = [];
  /** What pop() returns: one object, overwritten by the next pop(). */
  private readonly top: HeapEntry<T> = { time: 0, seq: 0, item: undefined as T };

  get size(): number {
    return this.times.length;
  }

  peekTime(): number {
    return this.times.length === 0 ? Number.POSITIVE_INFINITY : this.times[0]!;
  }

  push(time: number, seq: number, item: T): void {
    const { times, seqs, items } = this;
    // Sift up by moving parents down into the hole, then write the new entry once.
    let i = times.length;
    times.push(time);
    seqs.push(seq);
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent]!;
      if (!(time < pt || (time === pt && seq < seqs[parent]!))) break;
      times[i] = pt;
      seqs[i] = seqs[parent]!;
      items[i] = items[parent]!;
      i = parent;
    }
    times[i] = time;
    seqs[i] = seq;
    items[i] = item;
  }

  /** Takes the smallest entry. The entry returned is valid until the next pop(): read it at once. */
  pop(): HeapEntry<T> | undefined {
    const { times, seqs, items } = this;
    const n = times.length;
    if (n === 0) return undefined;
    const top = this.top;
    top.time = times[0]!;
    top.seq = seqs[0]!;
    top.item = items[0]!;
    const time = times.pop()!;
    const seq = seqs.pop()!;
    const item = items.pop()!;
    const size = n - 1;
    if (size === 0) return top;
    // Sift the last entry down from the root, moving smaller children up into the hole.
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      const r = l + 1;
      let m = l;
      if (r < size && (times[r]! < times[l]! || (times[r] === times[l] && seqs[r]! < seqs[l]!))) m = r;
      const mt = times[m]!;
      if (!(mt < time || (mt === time && seqs[m]! < seq))) break;
      times[i] = mt;
      seqs[i] = seqs[m]!;
      items[i] = items[m]!;
      i = m;
    }
    times[i] = time;
    seqs[i] = seq;
    items[i] = item;
    return top;
  }

  /** The entries in firing order, for snapshots. */
  sorted(): HeapEntry<T>[] {
    const out: HeapEntry<T>[] = [];
    for (let i = 0; i < this.times.length; i++) out.push({ time: this.times[i]!, seq: this.seqs[i]!, item: this.items[i]! });
    return out.sort((x, y) => (x.time < y.time ? -1 : x.time > y.time ? 1 : x.seq - y.seq));
  }

  clear(): void {
    this.times.length = 0;
    this.seqs.length = 0;
    this.items.length = 0;
    this.top.item = undefined as T;
  }
}
