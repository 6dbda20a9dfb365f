/**
 * SASL PLAIN (RFC 4616): one message, `authzid NUL user NUL password`. The password crosses the wire
 * as is, so it belongs on a TLS listener; the broker does not refuse it on plain TCP, as Kafka does not.
 */
import { timingSafeEqual } from 'node:crypto';
import { SaslFailure } from './scram';

export function verifyPlain(message: Buffer, passwordOf: (user: string) => string | undefined): string {
  const parts = message.toString('utf8').split('\0');
  if (parts.length !== 3) throw new SaslFailure('invalid PLAIN message: expected authzid, user and password separated by NUL');
  const [authzid, user, password] = parts as [string, string, string];
  if (user === '') throw new SaslFailure('invalid PLAIN message: empty user name');
  if (authzid !== '' && authzid !== user) throw new SaslFailure(`authorization id ${authzid} differs from the user ${user}`);
  const expected = passwordOf(user);
  if (expected === undefined || !sameText(expected, password)) throw new SaslFailure('invalid credentials with PLAIN');
  return user;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
