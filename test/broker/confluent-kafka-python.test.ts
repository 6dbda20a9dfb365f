/**
 * librdkafka 2.0 through Debian's python3-confluent-kafka 1.7: admin topic creation, idempotent
 * produce with keys and headers, a consumer group with synchronous commits handing over to a
 * second consumer, and transactions read at both isolation levels.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startTestBroker, type TestBroker } from '../support/in-process-broker';
import { describeResult, runCommand } from '../support/run-command';
import { uniqueGroup, uniqueTopic } from '../support/topic-names';
import { assertRoundTrip, runPythonRoundTrip } from './fixtures/python-roundtrip';

let env: TestBroker;

before(async () => {
  env = await startTestBroker();
});

after(async () => {
  await env.close();
});

test('confluent-kafka-python produces, consumes in a group, commits, and a second consumer resumes', { timeout: 120_000 }, async () => {
  const count = 300;
  const report = await runPythonRoundTrip('confluent_roundtrip.py', env.bootstrap, uniqueTopic('confluent'), uniqueGroup('confluent'), count);
  assertRoundTrip(report, count);
});

test('librdkafka transactions: read_committed skips the aborted records, read_uncommitted sees them', { timeout: 120_000 }, async () => {
  const script = path.join(__dirname, 'python', 'confluent_transactions.py');
  const result = await runCommand('/usr/bin/python3', [script, env.bootstrap, uniqueTopic('confluent-txn'), uniqueGroup('confluent-txn-id')], { timeoutMs: 90_000 });
  assert.equal(result.code, 0, `confluent_transactions.py: ${describeResult(result)}`);
  const report = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { readCommitted: string[]; readUncommitted: string[] };
  assert.deepEqual(report.readCommitted, ['t1', 't2', 't3']);
  assert.deepEqual(report.readUncommitted, ['t1', 't2', 't3', 'x1', 'x2']);
});
