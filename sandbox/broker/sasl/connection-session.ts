/**
 * What the broker remembers about one connection between its requests: where its SASL
 * authentication stands. Handlers read and move it; the dispatcher refuses requests while it is not
 * authenticated.
 */
import type { SaslExchange, SaslMechanism } from './sasl-authenticator';

export type SaslState =
  | { kind: 'unauthenticated' }
  | { kind: 'handshaken'; mechanism: SaslMechanism; exchange: SaslExchange }
  | { kind: 'authenticated'; user: string; mechanism: SaslMechanism };

export class ConnectionSession {
  sasl: SaslState = { kind: 'unauthenticated' };

  get authenticated(): boolean {
    return this.sasl.kind === 'authenticated';
  }
}
