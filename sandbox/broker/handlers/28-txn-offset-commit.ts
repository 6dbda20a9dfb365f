/**
 * TxnOffsetCommit (key 28), versions 0–3.
 * v1 is the same as v0; v2 adds the committed leader epoch; v3 is flexible and adds generation,
 * member id and group instance id so the group can fence zombie members (KIP-447).
 * The offsets are staged and become visible only when the transaction commits.
 */
import { toCommitTopics } from './commit-topics';
import { defineHandler } from './registry';

export const txnOffsetCommitHandler = defineHandler({
  apiKey: 28,
  minVersion: 0,
  maxVersion: 3,
  handle(request, ctx) {
    const check = ctx.broker.transactions.checkOffsetCommit(request, request.groupId);
    if (check !== 0) {
      return {
        throttleTimeMs: 0,
        topics: request.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: check })) })),
      };
    }
    const result = ctx.broker.groups.txnCommitOffsets({
      transactionalId: request.transactionalId,
      producerId: request.producerId,
      producerEpoch: request.producerEpoch,
      groupId: request.groupId,
      memberId: request.memberId,
      generationId: request.generationId,
      groupInstanceId: request.groupInstanceId,
      topics: toCommitTopics(request.topics),
    });
    return { throttleTimeMs: 0, topics: result.topics };
  },
});
