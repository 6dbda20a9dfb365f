/**
 * ApiVersions (key 18), versions 0–3.
 * v1 adds throttle_time_ms; v2 is the same as v1; v3 is flexible and adds client software name and
 * version in the request and tagged feature lists in the response.
 *
 * The answer is built from the handler registry, so it never lists an API we do not serve. Its
 * response header never carries tagged fields, even at v3 (pitfall 1); the codec takes care of that.
 * An unsupported version is answered by the dispatcher with a v0 body and UNSUPPORTED_VERSION.
 */
import { ErrorCode } from './error-codes';
import { defineHandler } from './registry';

export const apiVersionsHandler = defineHandler({
  apiKey: 18,
  minVersion: 0,
  maxVersion: 3,
  handle: (_request, ctx) => ({
    errorCode: ErrorCode.NONE,
    apiKeys: ctx.broker.registry.versions(),
    throttleTimeMs: 0,
  }),
});
