/**
 * A throwaway certificate authority and a server certificate for 127.0.0.1 and localhost, made with
 * Debian's openssl at test time, so no key is ever committed and none outlives its test.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeTempDir } from './temp-dir';

export interface TestCertificates {
  /** The directory holding the PEM files, for clients that want paths (librdkafka, the CLI). */
  readonly dir: string;
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
  remove(): void;
}

export function makeTestCertificates(): TestCertificates {
  const temp = makeTempDir('medallion-certs-');
  const file = (name: string) => path.join(temp.path, name);
  const openssl = (...args: string[]) => execFileSync('/usr/bin/openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=medallion test CA', '-keyout', file('ca-key.pem'), '-out', file('ca.pem'));
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', file('server-key.pem'), '-out', file('server.csr'));
    // Clients check the address they dialled against the subject alternative names, not the CN.
    writeFileSync(file('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n');
    openssl('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca-key.pem'), '-CAcreateserial', '-days', '2', '-extfile', file('server.ext'), '-out', file('server.pem'));
  } catch (error) {
    temp.remove();
    throw error;
  }
  return {
    dir: temp.path,
    caFile: file('ca.pem'),
    certFile: file('server.pem'),
    keyFile: file('server-key.pem'),
    ca: readFileSync(file('ca.pem'), 'utf8'),
    cert: readFileSync(file('server.pem'), 'utf8'),
    key: readFileSync(file('server-key.pem'), 'utf8'),
    remove: () => temp.remove(),
  };
}
