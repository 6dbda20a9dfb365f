// Per-partition transaction bookkeeping for read_committed consumers (notes pitfall 9): the open
// transactions (producer id → offset of its first batch in this partition), which hold back the
// last stable offset, and the aborted transactions, which Fetch reports so that consumers can drop
// the aborted records.

export interface AbortedTransaction {
  producerId: number;
  /** Offset of the transaction's first batch in this partition. */
  firstOffset: number;
  /** Offset of the abort marker. */
  lastOffset: number;
}

export class TransactionState {
  private readonly ongoing = new Map<number, number>();
  /** In marker order, so lastOffset increases along the list. */
  private aborted: AbortedTransaction[] = [];

  /** A transactional data batch at `baseOffset` opens a transaction if its producer has none. */
  onTransactionalBatch(producerId: number, baseOffset: number): void {
    if (!this.ongoing.has(producerId)) this.ongoing.set(producerId, baseOffset);
  }

  /** A marker closes the producer's transaction; an abort is remembered for read_committed. */
  onMarker(producerId: number, type: 'commit' | 'abort', markerOffset: number): void {
    const firstOffset = this.ongoing.get(producerId);
    this.ongoing.delete(producerId);
    if (type === 'abort') this.aborted.push({ producerId, firstOffset: firstOffset ?? markerOffset, lastOffset: markerOffset });
  }

  /** The first offset of the earliest open transaction, or `highWatermark` when none is open. */
  lastStableOffset(highWatermark: number): number {
    let lso = highWatermark;
    for (const first of this.ongoing.values()) if (first < lso) lso = first;
    return lso;
  }

  /** Aborted transactions that overlap `[fromOffset, toOffset)`, as Fetch reports them. */
  abortedBetween(fromOffset: number, toOffset: number): AbortedTransaction[] {
    let lo = 0;
    let hi = this.aborted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.aborted[mid]!.lastOffset < fromOffset) lo = mid + 1;
      else hi = mid;
    }
    const out: AbortedTransaction[] = [];
    for (let i = lo; i < this.aborted.length; i++) {
      const t = this.aborted[i]!;
      if (t.firstOffset < toOffset) out.push({ ...t });
    }
    return out;
  }

  /** Forgets aborted transactions that ended before the log start (their data was deleted). */
  pruneBefore(logStartOffset: number): void {
    const keepFrom = this.aborted.findIndex((t) => t.lastOffset >= logStartOffset);
    this.aborted = keepFrom === -1 ? [] : this.aborted.slice(keepFrom);
  }

  isOpen(producerId: number): boolean {
    return this.ongoing.has(producerId);
  }

  ongoingEntries(): [number, number][] {
    return [...this.ongoing.entries()];
  }

  abortedEntries(): readonly AbortedTransaction[] {
    return this.aborted;
  }

  restore(ongoing: [number, number][], aborted: AbortedTransaction[]): void {
    this.ongoing.clear();
    for (const [pid, first] of ongoing) this.ongoing.set(pid, first);
    this.aborted = aborted.slice();
  }

  get openCount(): number {
    return this.ongoing.size;
  }
}
