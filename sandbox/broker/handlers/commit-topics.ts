// OffsetCommit and TxnOffsetCommit carry the same per-partition fields; both hand them to the
// group coordinator through this one mapping.
import type { CommitTopic } from '../groups/index';

interface WireCommitTopic {
  name: string;
  partitions: { partitionIndex: number; committedOffset: number; committedLeaderEpoch: number; committedMetadata: string | null }[];
}

export function toCommitTopics(topics: readonly WireCommitTopic[]): CommitTopic[] {
  return topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => ({
      partitionIndex: p.partitionIndex,
      committedOffset: p.committedOffset,
      committedLeaderEpoch: p.committedLeaderEpoch,
      committedMetadata: p.committedMetadata,
    })),
  }));
}
