// A binary min-heap ordered by (arrival, seq). Each stream queues its events here by the time they
// reach the file; seq breaks ties in scheduling order so the output is deterministic.

/** What the heap orders by. */
export interface Arrival {
  arrival: number;
  seq: number;
}

/** A min-heap of arrivals, earliest first. */
export class MinHeap<T extends Arrival> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(item, items[parent]!)) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = item;
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && before(items[right]!, items[left]!) ? right : left;
      if (!before(items[child]!, last)) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = last;
    return top;
  }
}

function before(a: Arrival, b: Arrival): boolean {
  return a.arrival < b.arrival || (a.arrival === b.arrival && a.seq < b.seq);
}
