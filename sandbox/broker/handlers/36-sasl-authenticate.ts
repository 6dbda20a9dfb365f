/**
 * SaslAuthenticate (key 36), versions 0–2.
 * v1 adds session_lifetime_ms to the response (0 here: sessions never expire, so clients never
 * re-authenticate); v2 is flexible.
 *
 * Each request carries the client's next SASL message to the exchange the handshake began. A failed
 * exchange gets SASL_AUTHENTICATION_FAILED with the reason and then the connection closes, as Kafka
 * does; so does a SaslAuthenticate before any handshake or after success (ILLEGAL_SASL_STATE).
 */
import { SaslFailure } from '../sasl/index';
import { ErrorCode } from './error-codes';
import { defineHandler } from './registry';

export const saslAuthenticateHandler = defineHandler({
  apiKey: 36,
  minVersion: 0,
  maxVersion: 2,
  handle(request, ctx) {
    const state = ctx.session.sasl;
    if (state.kind !== 'handshaken') {
      ctx.closeAfterResponse('SaslAuthenticate without a SaslHandshake before it');
      return failure(ErrorCode.ILLEGAL_SASL_STATE, 'SaslAuthenticate is only valid after a successful SaslHandshake');
    }
    try {
      const authBytes = ctx.session.advance(state, request.authBytes, ctx.remoteAddress, ctx.broker.log);
      return { errorCode: ErrorCode.NONE, errorMessage: null, authBytes, sessionLifetimeMs: 0 };
    } catch (error) {
      if (!(error instanceof SaslFailure)) throw error;
      ctx.session.sasl = { kind: 'unauthenticated' };
      ctx.closeAfterResponse(`SASL ${state.mechanism} authentication failed: ${error.message}`);
      return failure(ErrorCode.SASL_AUTHENTICATION_FAILED, error.message);
    }
  },
});

function failure(errorCode: number, errorMessage: string) {
  return { errorCode, errorMessage, authBytes: Buffer.alloc(0), sessionLifetimeMs: 0 };
}
