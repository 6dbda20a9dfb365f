/**
 * FindCoordinator (key 10), versions 0–4.
 * v1 adds key_type (0 group, 1 transaction) and an error message; v2 is the same as v1; v3 is
 * flexible; v4 batches several keys in coordinator_keys. This broker coordinates everything itself.
 */
import { ErrorCode } from './error-codes';
import { defineHandler } from './registry';

export const findCoordinatorHandler = defineHandler({
  apiKey: 10,
  minVersion: 0,
  maxVersion: 4,
  handle(request, ctx) {
    const { nodeId, advertised } = ctx.broker;
    if (ctx.apiVersion >= 4) {
      return {
        throttleTimeMs: 0,
        coordinators: request.coordinatorKeys.map((key) => ({
          key,
          nodeId,
          host: advertised.host,
          port: advertised.port,
          errorCode: key === '' ? ErrorCode.INVALID_REQUEST : ErrorCode.NONE,
          errorMessage: key === '' ? 'empty coordinator key' : null,
        })),
      };
    }
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      nodeId,
      host: advertised.host,
      port: advertised.port,
      coordinators: [],
    };
  },
});
