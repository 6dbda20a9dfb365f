import type { CommittedOffset, OffsetStore, StoredOffset } from './offset-store';

/**
 * The committed offsets of every group, in memory, written through to an {@link OffsetStore}. A commit
 * reaches memory only after the store accepted it, so what a fetch returns has always been stored.
 */
export class OffsetBook {
  private readonly groups = new Map<string, Map<string, Map<number, CommittedOffset>>>();

  constructor(private readonly store: OffsetStore) {
    for (const o of store.load()) this.set(o);
  }

  /** Stores then applies the offsets; throws (applying nothing) when the store fails. */
  commit(offsets: StoredOffset[]): void {
    if (offsets.length === 0) return;
    this.store.append(offsets);
    for (const o of offsets) this.set(o);
  }

  get(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.groups.get(groupId)?.get(topic)?.get(partition);
  }

  /** Every committed offset of a group, topics and partitions in ascending order. */
  all(groupId: string): { topic: string; partition: number; committed: CommittedOffset }[] {
    const topics = this.groups.get(groupId);
    if (!topics) return [];
    const out: { topic: string; partition: number; committed: CommittedOffset }[] = [];
    for (const topic of [...topics.keys()].sort()) {
      const partitions = topics.get(topic);
      if (!partitions) continue;
      for (const partition of [...partitions.keys()].sort((a, b) => a - b)) {
        const committed = partitions.get(partition);
        if (committed) out.push({ topic, partition, committed });
      }
    }
    return out;
  }

  groupIds(): string[] {
    return [...this.groups.keys()];
  }

  /** Forgets a group's offsets, in the store first; throws when the store fails. */
  deleteGroup(groupId: string): void {
    if (!this.groups.has(groupId)) return;
    this.store.deleteGroup(groupId);
    this.groups.delete(groupId);
  }

  close(): void {
    this.store.close();
  }

  private set(o: StoredOffset): void {
    let topics = this.groups.get(o.groupId);
    if (!topics) this.groups.set(o.groupId, (topics = new Map()));
    let partitions = topics.get(o.topic);
    if (!partitions) topics.set(o.topic, (partitions = new Map()));
    partitions.set(o.partition, { offset: o.offset, leaderEpoch: o.leaderEpoch, metadata: o.metadata, commitTimestamp: o.commitTimestamp });
  }
}
