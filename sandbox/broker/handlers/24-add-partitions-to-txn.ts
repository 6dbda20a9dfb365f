/**
 * AddPartitionsToTxn (key 24), versions 0–3.
 * v1 is the same as v0; v2 adds no fields (it allows a new error); v3 is flexible. (v4+ batches
 * several transactions for brokers, KIP-890, and is not served.)
 */
import { partitionKey } from '../transactions/transaction-coordinator';
import { defineHandler } from './registry';

export const addPartitionsToTxnHandler = defineHandler({
  apiKey: 24,
  minVersion: 0,
  maxVersion: 3,
  handle(request, ctx) {
    const ref = { transactionalId: request.v3AndBelowTransactionalId, producerId: request.v3AndBelowProducerId, producerEpoch: request.v3AndBelowProducerEpoch };
    const wanted = request.v3AndBelowTopics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.name, partition })));
    const errors = ctx.broker.transactions.addPartitions(ref, wanted);
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      resultsByTransaction: [],
      resultsByTopicV3AndBelow: request.v3AndBelowTopics.map((t) => ({
        name: t.name,
        resultsByPartition: t.partitions.map((partitionIndex) => ({ partitionIndex, partitionErrorCode: errors.get(partitionKey(t.name, partitionIndex)) ?? 0 })),
      })),
    };
  },
});
