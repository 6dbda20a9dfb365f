/**
 * Wakes long-polling fetches when data arrives. A waiter subscribes to the partitions it reads and
 * is woken once by the first append to any of them; Fetch never polls (pitfall 7).
 */
export class AppendSignal {
  private readonly waiters = new Set<() => void>();

  /** Calls `wake` on the next append; returns an unsubscribe function. */
  subscribe(wake: () => void): () => void {
    this.waiters.add(wake);
    return () => this.waiters.delete(wake);
  }

  notify(): void {
    if (this.waiters.size === 0) return;
    const woken = [...this.waiters];
    this.waiters.clear();
    for (const wake of woken) wake();
  }
}
