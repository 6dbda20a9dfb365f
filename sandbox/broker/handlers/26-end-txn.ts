/**
 * EndTxn (key 26), versions 0–3.
 * v1 is the same as v0; v2 allows a new error; v3 is flexible. Writes the commit or abort markers
 * into every enlisted partition and settles the staged group offsets before answering.
 */
import { defineHandler } from './registry';

export const endTxnHandler = defineHandler({
  apiKey: 26,
  minVersion: 0,
  maxVersion: 3,
  handle(request, ctx) {
    const errorCode = ctx.broker.transactions.endTxn(request, request.committed);
    return { throttleTimeMs: 0, errorCode };
  },
});
