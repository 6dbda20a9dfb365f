/**
 * The server side of SCRAM (RFC 5802, with SHA-256 and SHA-512 as RFC 7677 and Kafka's KIP-84 use
 * them): two round trips, client-first then client-final, each answered by the server.
 *
 * Only the gs2 header without channel binding (`n,,`, or `y,,`) is accepted, as Kafka does; an
 * authorization identity other than the user itself is refused. Extensions after the nonce (Kafka's
 * `tokenauth=true` for delegation tokens) are ignored, since delegation tokens are not supported.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export type ScramMechanism = 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

/** What the server stores for a user, from which no password can be read back (RFC 5802 §3). */
export interface ScramCredential {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

/** Kafka's minimum for SCRAM iterations, and what it uses by default. */
const ITERATIONS = 4096;

export function hashOf(mechanism: ScramMechanism): 'sha256' | 'sha512' {
  return mechanism === 'SCRAM-SHA-256' ? 'sha256' : 'sha512';
}

export function scramCredential(mechanism: ScramMechanism, password: string, salt: Buffer = randomBytes(16)): ScramCredential {
  const hash = hashOf(mechanism);
  const length = hash === 'sha256' ? 32 : 64;
  const salted = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, ITERATIONS, length, hash);
  const clientKey = createHmac(hash, salted).update('Client Key').digest();
  return {
    salt,
    iterations: ITERATIONS,
    storedKey: createHash(hash).update(clientKey).digest(),
    serverKey: createHmac(hash, salted).update('Server Key').digest(),
  };
}

/** Why an exchange failed; the message goes back to the client in SaslAuthenticate's error message. */
export class SaslFailure extends Error {}

export type ScramStep = { kind: 'challenge'; bytes: Buffer } | { kind: 'done'; user: string; bytes: Buffer };

/** One client's SCRAM exchange; `next` takes each message the client sends, in order. */
export class ScramServerExchange {
  private state:
    | { kind: 'awaiting-first' }
    | { kind: 'awaiting-final'; user: string; credential: ScramCredential; nonce: string; clientFirstBare: string; serverFirst: string }
    | { kind: 'finished' } = { kind: 'awaiting-first' };

  constructor(
    private readonly mechanism: ScramMechanism,
    private readonly credentialOf: (user: string) => ScramCredential | undefined,
    /** The server's part of the nonce; given by tests to replay RFC 7677's example. */
    private readonly serverNonce: () => string = () => randomBytes(18).toString('base64'),
  ) {}

  next(message: Buffer): ScramStep {
    const text = message.toString('utf8');
    const state = this.state;
    if (state.kind === 'awaiting-first') return this.clientFirst(text);
    if (state.kind === 'awaiting-final') return this.clientFinal(text, state);
    throw new SaslFailure('the SCRAM exchange is already over');
  }

  private clientFirst(text: string): ScramStep {
    const match = /^([ny]),(a=[^,]*)?,(.*)$/s.exec(text);
    if (!match) throw new SaslFailure('invalid SCRAM client-first message: the gs2 header must be "n,," (channel binding is not supported)');
    const clientFirstBare = match[3]!;
    const attributes = parseAttributes(clientFirstBare);
    const user = attributes.get('n');
    const clientNonce = attributes.get('r');
    if (user === undefined || clientNonce === undefined || clientNonce === '') throw new SaslFailure('invalid SCRAM client-first message: it needs n= and r=');
    const name = unescapeName(user);
    if (match[2] !== undefined && match[2] !== `a=${user}`) throw new SaslFailure(`authorization id ${match[2].slice(2)} differs from the user ${name}`);
    const credential = this.credentialOf(name);
    // An unknown user is told the same as a wrong password, at the end, so names cannot be probed.
    const effective = credential ?? scramCredential(this.mechanism, randomBytes(16).toString('hex'));
    const nonce = clientNonce + this.serverNonce();
    const serverFirst = `r=${nonce},s=${effective.salt.toString('base64')},i=${effective.iterations}`;
    this.state = { kind: 'awaiting-final', user: credential ? name : '', credential: effective, nonce, clientFirstBare, serverFirst };
    return { kind: 'challenge', bytes: Buffer.from(serverFirst, 'utf8') };
  }

  private clientFinal(text: string, state: Extract<ScramServerExchange['state'], { kind: 'awaiting-final' }>): ScramStep {
    this.state = { kind: 'finished' };
    const proofAt = text.lastIndexOf(',p=');
    if (proofAt < 0) throw new SaslFailure('invalid SCRAM client-final message: no proof');
    const withoutProof = text.slice(0, proofAt);
    const attributes = parseAttributes(withoutProof);
    // RFC 5802 wants the nonce back exactly; librdkafka (2.0 at least) sends its own nonce in front
    // of it once more. Kafka accepts any nonce that ends with the one it sent, and so do we: the
    // proof still covers the message as sent, and our random part is still in it.
    if (!(attributes.get('r') ?? '').endsWith(state.nonce)) throw new SaslFailure('invalid SCRAM client-final message: the nonce does not match');
    const binding = attributes.get('c');
    if (binding !== 'biws' && binding !== 'eSws') throw new SaslFailure('invalid SCRAM client-final message: channel binding must be "n,," or "y,,"');
    const hash = hashOf(this.mechanism);
    const authMessage = `${state.clientFirstBare},${state.serverFirst},${withoutProof}`;
    const proof = Buffer.from(text.slice(proofAt + 3), 'base64');
    const clientSignature = createHmac(hash, state.credential.storedKey).update(authMessage).digest();
    if (proof.length !== clientSignature.length) throw new SaslFailure(`invalid credentials with ${this.mechanism}`);
    const clientKey = Buffer.alloc(proof.length);
    for (let i = 0; i < proof.length; i++) clientKey[i] = proof[i]! ^ clientSignature[i]!;
    const storedKey = createHash(hash).update(clientKey).digest();
    if (state.user === '' || !timingSafeEqual(storedKey, state.credential.storedKey)) {
      throw new SaslFailure(`invalid credentials with ${this.mechanism}`);
    }
    const serverSignature = createHmac(hash, state.credential.serverKey).update(authMessage).digest();
    return { kind: 'done', user: state.user, bytes: Buffer.from(`v=${serverSignature.toString('base64')}`, 'utf8') };
  }
}

/** `a=1,b=2` as a map; a value may itself hold `=` (base64 padding). */
function parseAttributes(text: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const part of text.split(',')) {
    const at = part.indexOf('=');
    if (at === 1) attributes.set(part[0]!, part.slice(2));
  }
  return attributes;
}

/** SCRAM's saslname escapes `,` as `=2C` and `=` as `=3D`. */
function unescapeName(name: string): string {
  return name.replaceAll('=2C', ',').replaceAll('=3D', '=');
}
