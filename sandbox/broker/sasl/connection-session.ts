/**
 * What the broker remembers about one connection between its requests: where its SASL
 * authentication stands. Handlers read and move it; the dispatcher refuses requests while it is not
 * authenticated.
 */
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
}
