/**
 * Where committed offsets live between broker restarts. The coordinator keeps its own in-memory view
 * and writes through to the store before acknowledging a commit, so a store only has to append and to
 * replay what it holds when the coordinator starts. Calls are synchronous: appends go to the page cache,
 * which survives a process crash (the same policy as the partition logs).
 */
export interface CommittedOffset {
  offset: number;
  /** -1 when the client did not send one. */
  leaderEpoch: number;
  metadata: string | null;
  /** Milliseconds on the coordinator's clock when the commit was accepted. */
  commitTimestamp: number;
}

export interface StoredOffset extends CommittedOffset {
  groupId: string;
  topic: string;
  partition: number;
}

export interface OffsetStore {
  /** Every committed offset the store holds, latest value per (group, topic, partition). */
  load(): StoredOffset[];
  /** Records commits; may throw, in which case the coordinator rejects the whole commit. */
  append(offsets: StoredOffset[]): void;
  /** Forgets every offset of a group (DeleteGroups). */
  deleteGroup(groupId: string): void;
  close(): void;
}

/**
 * Keeps offsets in memory. Reusing one instance across two coordinators simulates a broker restart in
 * tests; setting `failWrites` simulates a failing disk.
 */
export class MemoryOffsetStore implements OffsetStore {
  private readonly offsets = new Map<string, StoredOffset>();
  failWrites = false;

  load(): StoredOffset[] {
    return [...this.offsets.values()];
  }

  append(offsets: StoredOffset[]): void {
    if (this.failWrites) throw new Error('MemoryOffsetStore: writes are failing');
    for (const o of offsets) this.offsets.set(offsetKey(o.groupId, o.topic, o.partition), { ...o });
  }

  deleteGroup(groupId: string): void {
    if (this.failWrites) throw new Error('MemoryOffsetStore: writes are failing');
    for (const [key, o] of this.offsets) if (o.groupId === groupId) this.offsets.delete(key);
  }

  close(): void {}
}

/** A collision-free key: JSON quoting keeps a group or topic name containing separators unambiguous. */
export function offsetKey(groupId: string, topic: string, partition: number): string {
  return JSON.stringify([groupId, topic, partition]);
}
