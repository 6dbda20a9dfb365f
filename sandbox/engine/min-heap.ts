// A binary min-heap ordered by (time, seq). The sequence number breaks ties by insertion order, so the
// order timers fire in never depends on the heap's internal layout: a heap rebuilt from a snapshot
// fires in exactly the order the original would have.

export interface HeapEntry<T> {
  time: number;
  seq: number;
  item: T;
}

export class MinHeap<T> {
  private readonly a: HeapEntry<T>[] = [];

  get size(): number {
    return this.a.length;
  }

  peekTime(): number {
    const top = this.a[0];
    return top === undefined ? Number.POSITIVE_INFINITY : top.time;
  }

  push(time: number, seq: number, item: T): void {
    const a = this.a;
    a.push({ time, seq, item });
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(a[i]!, a[parent]!)) break;
      swap(a, i, parent);
      i = parent;
    }
  }

  pop(): HeapEntry<T> | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (top === undefined || last === undefined || a.length === 0) return top;
    a[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && less(a[l]!, a[m]!)) m = l;
      if (r < a.length && less(a[r]!, a[m]!)) m = r;
      if (m === i) break;
      swap(a, i, m);
      i = m;
    }
    return top;
  }

  /** The entries in firing order, for snapshots. */
  sorted(): HeapEntry<T>[] {
    return [...this.a].sort((x, y) => (less(x, y) ? -1 : 1));
  }

  clear(): void {
    this.a.length = 0;
  }
}

function less<T>(x: HeapEntry<T>, y: HeapEntry<T>): boolean {
  return x.time < y.time || (x.time === y.time && x.seq < y.seq);
}

function swap<T>(a: HeapEntry<T>[], i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}
