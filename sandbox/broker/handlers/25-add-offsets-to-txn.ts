/**
 * AddOffsetsToTxn (key 25), versions 0–3.
 * v1 is the same as v0; v2 allows a new error; v3 is flexible. Enlists a consumer group so that
 * its offsets, staged by TxnOffsetCommit, commit or abort with the transaction.
 */
import { defineHandler } from './registry';

export const addOffsetsToTxnHandler = defineHandler({
  apiKey: 25,
  minVersion: 0,
  maxVersion: 3,
  handle(request, ctx) {
    const errorCode = ctx.broker.transactions.addOffsets(request, request.groupId);
    return { throttleTimeMs: 0, errorCode };
  },
});
