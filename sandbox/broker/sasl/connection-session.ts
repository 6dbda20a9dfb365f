/**
 * What the broker remembers about one connection between its requests: where its SASL
 * authentication stands. Handlers read and move it; the dispatcher refuses requests while it is not
 * authenticated.
 */
import type { BrokerLogger } from '../broker-context';
import type { SaslExchange, SaslMechanism } from './sasl-authenticator';

export type SaslState =
  | { kind: 'unauthenticated' }
  /**
   * `unframed`: the handshake was v0, so the client sends its SASL messages as bare size-prefixed
   * tokens, not SaslAuthenticate requests, and gets bare tokens back.
   */
  | { kind: 'handshaken'; mechanism: SaslMechanism; exchange: SaslExchange; unframed: boolean }
  | { kind: 'authenticated'; user: string; mechanism: SaslMechanism };

export class ConnectionSession {
  sasl: SaslState = { kind: 'unauthenticated' };

  get authenticated(): boolean {
    return this.sasl.kind === 'authenticated';
  }

  /**
   * Hands the client's next SASL message to the exchange its handshake began, whether it came in a
   * SaslAuthenticate request or as a bare v0 token, and returns the bytes to answer. When the
   * exchange completes, the connection is authenticated as its user. A refused message throws
   * SaslFailure and leaves the state for the caller, which closes the connection either way.
   */
  advance(state: Extract<SaslState, { kind: 'handshaken' }>, message: Buffer, remoteAddress: string, log: BrokerLogger): Buffer {
    const step = state.exchange.next(message);
    if (step.kind === 'done') {
      this.sasl = { kind: 'authenticated', user: step.user, mechanism: state.mechanism };
      log.info(`${remoteAddress} authenticated as ${step.user} with ${state.mechanism}`);
    }
    return step.bytes;
  }
}
