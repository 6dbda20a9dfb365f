/**
 * OffsetFetch (key 9), versions 0–8.
 * v1 reads offsets kept by the broker rather than ZooKeeper; v2 lets topics be null for "all" and
 * adds a top-level error; v3 throttle time; v4 is the same as v3; v5 adds the leader epoch; v6 is
 * flexible; v7 adds require_stable (KIP-447); v8 batches several groups in one request.
 */
import type { FetchResult } from '../groups/index';
import { defineHandler } from './registry';

export const offsetFetchHandler = defineHandler({
  apiKey: 9,
  minVersion: 0,
  maxVersion: 8,
  handle(request, ctx) {
    const { groups } = ctx.broker;
    if (ctx.apiVersion >= 8) {
      return {
        throttleTimeMs: 0,
        topics: [],
        groups: request.groups.map((g) => {
          const result = groups.fetchOffsets({ groupId: g.groupId, topics: g.topics, requireStable: request.requireStable });
          return { groupId: g.groupId, topics: toWire(result), errorCode: result.errorCode };
        }),
      };
    }
    const result = groups.fetchOffsets({ groupId: request.groupId, topics: request.topics, requireStable: request.requireStable });
    return { throttleTimeMs: 0, topics: toWire(result), errorCode: result.errorCode, groups: [] };
  },
});

function toWire(result: FetchResult) {
  return result.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => ({
      partitionIndex: p.partitionIndex,
      committedOffset: p.committedOffset,
      committedLeaderEpoch: p.committedLeaderEpoch,
      metadata: p.metadata,
      errorCode: p.errorCode,
    })),
  }));
}
