// librdkafka (confluent-kafka-python) against the broker over SASL_SSL, SCRAM-SHA-512 foremost and
// PLAIN and SCRAM-SHA-256 once each: it produces and reads back its records, a wrong password is
// refused with librdkafka's authentication error, and what librdkafka wrote kafkajs reads too.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../support/in-process-broker';
import { consumeMessages } from '../support/kafkajs-client';
import { runCommand, type CommandResult } from '../support/run-command';
import { makeTestCertificates, type TestCertificates } from '../support/test-certificates';

const script = path.join(__dirname, 'python', 'sasl_ssl_round_trip.py');
let certs: TestCertificates;
let broker: TestBroker;

before(async () => {
  certs = makeTestCertificates();
  broker = await startTestBroker({ tls: { cert: certs.cert, key: certs.key }, sasl: { users: { carol: 'carol-secret' } } });
});

after(async () => {
  await broker?.close();
  certs?.remove();
});

async function roundTrip(password: string, topic: string, mechanism = 'SCRAM-SHA-512'): Promise<{ values?: string[]; error?: string }> {
  const result = await runCommand('/usr/bin/python3', [script, broker.bootstrap, certs.caFile, mechanism, 'carol', password, topic, '20'], { timeoutMs: 60_000 });
  assert.equal(result.code, 0, `sasl_ssl_round_trip.py: ${describe(result)}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { values?: string[]; error?: string };
}

function describe(result: CommandResult): string {
  return `exit ${result.code}${result.timedOut ? ' (timed out)' : ''}; stderr: ${result.stderr.slice(-2000)}`;
}

test('librdkafka produces and consumes over SASL_SSL with SCRAM-SHA-512; kafkajs reads the same records', { timeout: 90_000 }, async () => {
  const out = await roundTrip('carol-secret', 'librdkafka-scram');
  const expected = Array.from({ length: 20 }, (_, i) => `librdkafka ${i}`);
  assert.deepEqual(out.values, expected);
  const kafka = new Kafka({
    clientId: 'kafkajs-check',
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
    ssl: { ca: [certs.ca] },
    sasl: { mechanism: 'scram-sha-512', username: 'carol', password: 'carol-secret' },
  });
  const read = await consumeMessages(kafka, { topic: 'librdkafka-scram', groupId: 'kafkajs-check', count: 20, timeoutMs: 10_000 });
  assert.deepEqual(read.map((m) => m.message.value?.toString()), expected);
});

test('librdkafka also authenticates with PLAIN and SCRAM-SHA-256 over SSL', { timeout: 90_000 }, async () => {
  for (const mechanism of ['PLAIN', 'SCRAM-SHA-256']) {
    const out = await roundTrip('carol-secret', `librdkafka-${mechanism.toLowerCase()}`, mechanism);
    assert.deepEqual(out.values, Array.from({ length: 20 }, (_, i) => `librdkafka ${i}`), mechanism);
  }
});

test('librdkafka with a wrong SCRAM-SHA-512 password gets an authentication error carrying the broker\'s reason', { timeout: 90_000 }, async () => {
  const out = await roundTrip('not-carols', 'librdkafka-refused');
  assert.match(out.error ?? '', /invalid credentials with SCRAM-SHA-512/);
  assert.ok(broker.logLines.some((line) => line.includes('SASL SCRAM-SHA-512 authentication failed')));
});
