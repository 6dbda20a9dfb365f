// `medallion sandbox start --tls-cert --tls-key --sasl-users` through the real CLI in its own
// process: kafkajs connects with TLS and SCRAM-SHA-256, `medallion replay` produces with the same
// options, and bad files are refused with a message naming the option and the file.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { startChildBroker } from '../support/child-broker';
import { runCommand } from '../support/run-command';
import { makeTestCertificates } from '../support/test-certificates';
import { makeTempDir } from '../support/temp-dir';

const REPO = path.resolve(__dirname, '..', '..');

test('sandbox start with TLS and SASL users serves kafkajs and medallion replay over SASL_SSL', { timeout: 60_000 }, async () => {
  const certs = makeTestCertificates();
  const data = makeTempDir('medallion-cli-secure-');
  const users = path.join(certs.dir, 'users.json');
  writeFileSync(users, JSON.stringify({ dave: 'dave-secret' }));
  const broker = await startChildBroker({ dataDir: data.path, brokerArgs: ['--tls-cert', certs.certFile, '--tls-key', certs.keyFile, '--sasl-users', users] });
  try {
    assert.match(broker.output(), /listening \(TLS \+ SASL\)/);
    const kafka = new Kafka({
      clientId: 'cli-secure', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 2 },
      ssl: { ca: [certs.ca] }, sasl: { mechanism: 'scram-sha-256', username: 'dave', password: 'dave-secret' },
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: 'over-the-cli', numPartitions: 2 }] });
      assert.ok((await admin.listTopics()).includes('over-the-cli'));

      // The replayer over the same listener, its password from the environment, not the command line.
      const lines = path.join(data.path, 'secured.ndjson');
      writeFileSync(lines, Array.from({ length: 25 }, (_, i) => JSON.stringify({ id: `r${i}`, ts: 1_700_000_000_000 + i })).join('\n') + '\n');
      const replay = (...extra: string[]) => runCommand(process.execPath, [
        '--require', 'tsx/cjs', path.join(REPO, 'sandbox', 'cli', 'main.ts'), 'replay', lines, '--bootstrap', broker.bootstrap,
        '--state', path.join(data.path, 'replay-state.json'), '--sasl-mechanism', 'scram-sha-256', '--sasl-username', 'dave', '--tls-ca', certs.caFile, ...extra,
      ], { timeoutMs: 30_000, cwd: REPO, env: { ...process.env, MEDALLION_SASL_PASSWORD: 'dave-secret' } });
      const replayed = await replay();
      assert.equal(replayed.code, 0, replayed.stderr);
      assert.match(replayed.stdout, /secured\.ndjson → secured: 25 records/);
      const ends = await admin.fetchTopicOffsets('secured');
      assert.equal(ends.reduce((sum, p) => sum + Number(p.high), 0), 25, 'every replayed record is in the topic');
      const wire = await replay('--client', 'wire');
      assert.notEqual(wire.code, 0);
      assert.match(wire.stderr, /'wire' client speaks plain Kafka only; SASL and TLS need client 'kafkajs'/);
    } finally {
      await admin.disconnect();
    }
  } finally {
    await broker.stop();
    data.remove();
    certs.remove();
  }
});

test('sandbox start refuses a users file that is not a JSON object of passwords, and a cert without a key', { timeout: 60_000 }, async () => {
  const dir = makeTempDir('medallion-cli-bad-');
  try {
    const start = (...args: string[]) => runCommand(process.execPath, ['--require', 'tsx/cjs', path.join(REPO, 'sandbox', 'cli', 'main.ts'), 'sandbox', 'start', '--port', '0', '--data-dir', path.join(dir.path, 'data'), ...args], { timeoutMs: 30_000, cwd: REPO });
    const bad = path.join(dir.path, 'users.json');
    writeFileSync(bad, '{"eve": 42}');
    const refusedUsers = await start('--sasl-users', bad);
    assert.notEqual(refusedUsers.code, 0);
    assert.match(refusedUsers.stderr, /--sasl-users: the password of eve in .*users\.json must be a string/);
    const refusedKey = await start('--tls-cert', bad);
    assert.notEqual(refusedKey.code, 0);
    assert.match(refusedKey.stderr, /--tls-cert and --tls-key go together/);
  } finally {
    dir.remove();
  }
});
