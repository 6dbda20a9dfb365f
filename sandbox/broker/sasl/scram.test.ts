// The SCRAM server against RFC 7677's worked example (SCRAM-SHA-256, user "user", password
// "pencil"), byte for byte, and against the malformed and hostile messages a client could send.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SaslFailure, scramCredential, ScramServerExchange, type ScramCredential } from './scram';

const salt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
const clientFirst = 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO';
const serverNonce = '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
const clientFinal = 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=';

function exchange(users: Record<string, ScramCredential> = { user: scramCredential('SCRAM-SHA-256', 'pencil', salt) }): ScramServerExchange {
  return new ScramServerExchange('SCRAM-SHA-256', (name) => users[name], () => serverNonce);
}

test('RFC 7677 example: the server-first message and the server signature match the RFC', () => {
  const server = exchange();
  const first = server.next(Buffer.from(clientFirst));
  assert.equal(first.kind, 'challenge');
  assert.equal(first.bytes.toString(), 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096');
  const final = server.next(Buffer.from(clientFinal));
  assert.deepEqual(final, { kind: 'done', user: 'user', bytes: Buffer.from('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=') });
  assert.throws(() => server.next(Buffer.from(clientFinal)), SaslFailure, 'an exchange cannot be replayed');
});

test('a wrong password, an unknown user and a tampered proof are all refused the same way', () => {
  const wrong = exchange({ user: scramCredential('SCRAM-SHA-256', 'not pencil', salt) });
  wrong.next(Buffer.from(clientFirst));
  assert.throws(() => wrong.next(Buffer.from(clientFinal)), { message: 'invalid credentials with SCRAM-SHA-256' });

  const unknown = exchange({});
  const challenge = unknown.next(Buffer.from(clientFirst));
  assert.match(challenge.bytes.toString(), /^r=rOprNGfwEbeRWgbNEkqO.*,s=.+,i=4096$/, 'an unknown user still gets a challenge');
  assert.throws(() => unknown.next(Buffer.from(clientFinal)), { message: 'invalid credentials with SCRAM-SHA-256' });

  const tampered = exchange();
  tampered.next(Buffer.from(clientFirst));
  assert.throws(() => tampered.next(Buffer.from(clientFinal.replace('p=dHz', 'p=dHy'))), { message: 'invalid credentials with SCRAM-SHA-256' });
});

test('malformed messages are refused with the reason', () => {
  assert.throws(() => exchange().next(Buffer.from('p=tls-unique,,n=user,r=abc')), /channel binding is not supported/);
  assert.throws(() => exchange().next(Buffer.from('n,,n=user')), /needs n= and r=/);
  assert.throws(() => exchange().next(Buffer.from('n,a=admin,n=user,r=abc')), /authorization id admin differs from the user user/);
  const server = exchange();
  server.next(Buffer.from(clientFirst));
  assert.throws(() => server.next(Buffer.from('c=biws,r=rOprNGfwEbeRWgbNEkqOsomethingelse,p=AAAA')), /nonce does not match/);
  const noProof = exchange();
  noProof.next(Buffer.from(clientFirst));
  assert.throws(() => noProof.next(Buffer.from('c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0')), /no proof/);
});
