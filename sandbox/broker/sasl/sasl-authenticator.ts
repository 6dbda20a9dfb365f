/**
 * The broker's SASL users and the mechanisms it offers. SCRAM credentials are derived once per user
 * and mechanism (a salted hash, as Kafka keeps them), so a connection costs one HMAC round, not a
 * PBKDF2 run, and the passwords themselves are only needed for PLAIN.
 */
import { verifyPlain } from './plain';
import { scramCredential, ScramServerExchange, type ScramCredential, type ScramMechanism } from './scram';

export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

export interface SaslOptions {
  /**
   * Every user and their password. With SASL on, only these may do anything beyond ApiVersions.
   * @example { alice: 'alice-secret' }
   */
  users: Record<string, string>;
  /**
   * The mechanisms offered.
   * @default ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']
   */
  mechanisms?: SaslMechanism[];
}

/** One connection's authentication: each SaslAuthenticate message goes to `next`. */
export interface SaslExchange {
  next(message: Buffer): { kind: 'challenge'; bytes: Buffer } | { kind: 'done'; user: string; bytes: Buffer };
}

export class SaslAuthenticator {
  readonly mechanisms: readonly SaslMechanism[];
  private readonly users: Map<string, string>;
  private readonly credentials = new Map<string, ScramCredential>();

  constructor(options: SaslOptions) {
    this.users = new Map(Object.entries(options.users));
    this.mechanisms = options.mechanisms ?? [...SASL_MECHANISMS];
    for (const mechanism of this.mechanisms) {
      if (!SASL_MECHANISMS.includes(mechanism)) throw new Error(`unsupported SASL mechanism ${mechanism}; supported: ${SASL_MECHANISMS.join(', ')}`);
    }
    for (const [user, password] of this.users) {
      if (typeof password !== 'string') throw new Error(`the password of SASL user ${user} must be a string`);
    }
  }

  supports(mechanism: string): mechanism is SaslMechanism {
    return (this.mechanisms as readonly string[]).includes(mechanism);
  }

  begin(mechanism: SaslMechanism): SaslExchange {
    if (mechanism === 'PLAIN') {
      return {
        next: (message) => ({ kind: 'done', user: verifyPlain(message, (user) => this.users.get(user)), bytes: Buffer.alloc(0) }),
      };
    }
    return new ScramServerExchange(mechanism, (user) => this.credentialOf(mechanism, user));
  }

  private credentialOf(mechanism: ScramMechanism, user: string): ScramCredential | undefined {
    const password = this.users.get(user);
    if (password === undefined) return undefined;
    const key = `${mechanism}\0${user}`;
    let credential = this.credentials.get(key);
    if (!credential) this.credentials.set(key, (credential = scramCredential(mechanism, password)));
    return credential;
  }
}
