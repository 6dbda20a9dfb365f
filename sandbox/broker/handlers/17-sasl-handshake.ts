/**
 * SaslHandshake (key 17), versions 0–1.
 * v0 is followed by bare size-prefixed SASL tokens outside Kafka's request framing (the dispatcher
 * hands them to the exchange); v1 by SaslAuthenticate requests. kafkajs 2 and librdkafka both use
 * v1, but librdkafka only authenticates at all when ApiVersions lists v0 too.
 *
 * A mechanism the broker does not offer gets UNSUPPORTED_SASL_MECHANISM with the ones it does; a
 * handshake on a broker without SASL, or a second one on a connection, gets ILLEGAL_SASL_STATE.
 * Both close the connection after the answer, as Kafka's authenticator does.
 */
import { ErrorCode } from './error-codes';
import { defineHandler } from './registry';

export const saslHandshakeHandler = defineHandler({
  apiKey: 17,
  minVersion: 0,
  maxVersion: 1,
  handle(request, ctx) {
    const sasl = ctx.broker.sasl;
    if (!sasl || ctx.session.sasl.kind !== 'unauthenticated') {
      ctx.closeAfterResponse(sasl ? 'SaslHandshake on a connection already past it' : 'SaslHandshake on a broker without SASL');
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: sasl ? [...sasl.mechanisms] : [] };
    }
    if (!sasl.supports(request.mechanism)) {
      ctx.closeAfterResponse(`unsupported SASL mechanism ${request.mechanism}`);
      return { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms: [...sasl.mechanisms] };
    }
    ctx.session.sasl = { kind: 'handshaken', mechanism: request.mechanism, exchange: sasl.begin(request.mechanism), unframed: ctx.apiVersion === 0 };
    return { errorCode: ErrorCode.NONE, mechanisms: [...sasl.mechanisms] };
  },
});
