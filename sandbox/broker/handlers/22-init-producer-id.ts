/**
 * InitProducerId (key 22), versions 0–3.
 * v1 is the same as v0; v2 is flexible; v3 lets a producer pass its current id and epoch to have
 * the epoch bumped (KIP-360). A null transactional id gets a fresh idempotent producer id; a
 * transactional id keeps its id and gets a higher epoch, fencing older instances; the transaction
 * coordinator aborts whatever an older instance left open.
 */
import { ErrorCode } from './error-codes';
import { defineHandler } from './registry';

export const initProducerIdHandler = defineHandler({
  apiKey: 22,
  minVersion: 0,
  maxVersion: 3,
  handle(request, ctx) {
    const { producerIds } = ctx.broker;
    if (request.transactionalId === null) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, ...producerIds.allocate() };
    }
    if (request.transactionTimeoutMs <= 0 || request.transactionTimeoutMs > 15 * 60 * 1000) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_TRANSACTION_TIMEOUT, producerId: -1, producerEpoch: -1 };
    }
    return { throttleTimeMs: 0, ...ctx.broker.transactions.initProducerId(request.transactionalId, request.transactionTimeoutMs) };
  },
});
