import { offsetKey, type StoredOffset } from './offset-store';

/**
 * Offsets committed inside a transaction (TxnOffsetCommit), held per producer until the transaction
 * coordinator ends the transaction: applied on commit, dropped on abort. They are not written to the
 * store before the commit, so a broker restart aborts them, as it aborts the transaction's records.
 */
export class PendingTxnOffsets {
  private readonly byProducer = new Map<number, Map<string, StoredOffset>>();

  stage(producerId: number, offsets: StoredOffset[]): void {
    let staged = this.byProducer.get(producerId);
    if (!staged) this.byProducer.set(producerId, (staged = new Map()));
    // A later commit in the same transaction for the same partition supersedes the earlier one.
    for (const o of offsets) staged.set(offsetKey(o.groupId, o.topic, o.partition), { ...o });
  }

  /** Removes and returns what a producer staged, in the order it was first staged. */
  take(producerId: number): StoredOffset[] {
    const staged = this.byProducer.get(producerId);
    this.byProducer.delete(producerId);
    return staged ? [...staged.values()] : [];
  }

  /** Whether any open transaction holds an offset for this partition (OffsetFetch requireStable). */
  has(groupId: string, topic: string, partition: number): boolean {
    const key = offsetKey(groupId, topic, partition);
    for (const staged of this.byProducer.values()) if (staged.has(key)) return true;
    return false;
  }

  /** Drops every staged offset of a deleted group. */
  dropGroup(groupId: string): void {
    for (const staged of this.byProducer.values()) {
      for (const [key, o] of staged) if (o.groupId === groupId) staged.delete(key);
    }
  }
}
