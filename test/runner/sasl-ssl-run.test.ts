// "Works against any Kafka": the samples pipeline runs against a broker that wants TLS and
// SCRAM-SHA-512 (SASL_SSL), with the run's --sasl-*/--tls options. The samples are replayed through
// the replayer into a kafkajs producer over SASL_SSL (the replayer's own kafkajs sink takes no
// security options), the run goes to caught-up, and every output topic, read back with a kafkajs
// read_committed consumer over SASL_SSL, must hold exactly what the engine's test driver computes
// over the same bronze records. No worker is killed, so no aborted transaction sits in the outputs
// and kafkajs's read_committed flaw with several of them (runner-harness.ts) does not apply.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import type { Kafka } from 'kafkajs';
import { replay } from '../../sandbox/replay';
import { startPipelineRun } from '../../sandbox/runner';
import { kafkaClient } from '../../sandbox/runner/kafka-client';
import type { KafkaConnection } from '../../sandbox/runner/run-options';
import { startTestBroker } from '../support/in-process-broker';
import { runCommand } from '../support/run-command';
import { makeTestCertificates } from '../support/test-certificates';
import { makeTempDir } from '../support/temp-dir';
import { withTimeout } from '../support/timeouts';
import { assertExactlyOnce, loadPipeline, referenceOutputs, REPO, runnerOutputs, type ReadRecord } from './runner-harness';

const SASL = { mechanism: 'scram-sha-512', username: 'runner', password: 'runner-secret' } as const;

/**
 * Reads `count` records of `topics` from the beginning with kafkajs (read_committed), then waits a
 * moment longer so a record beyond the count, if one were there, would show.
 */
async function readWithKafkajs(kafka: Kafka, topics: string[], count: number, groupId: string): Promise<ReadRecord[]> {
  const consumer = kafka.consumer({ groupId, readUncommitted: false, maxWaitTimeInMs: 100, sessionTimeout: 10_000, heartbeatInterval: 500 });
  const read: ReadRecord[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    let done!: () => void;
    const enough = new Promise<void>((resolve) => (done = resolve));
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(Array.isArray(value) ? value.at(-1) : value);
        read.push({ topic, partition, offset: Number(message.offset), key: message.key?.toString() ?? null, value: message.value?.toString() ?? null, timestamp: Number(message.timestamp), headers });
        if (read.length >= count) done();
      },
    });
    await withTimeout(enough, 30_000, `reading ${count} records of ${topics.join(', ')} (read ${read.length})`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  return read;
}

test('the samples pipeline runs over SASL_SSL (SCRAM-SHA-512) and writes exactly what the test driver computes', { timeout: 120_000 }, async () => {
  const certs = makeTestCertificates();
  // The broker closes any connection that asks for more than ApiVersions before authenticating, so
  // nothing below gets through without TLS and SCRAM.
  const broker = await startTestBroker({ tls: { cert: certs.cert, key: certs.key }, sasl: { users: { [SASL.username]: SASL.password } } });
  const work = makeTempDir('medallion-sasl-run-');
  try {
    const connection: KafkaConnection = { brokers: [broker.bootstrap], sasl: { ...SASL }, tls: { ca: certs.ca } };
    const kafka = kafkaClient(connection, 'sasl-ssl-run-test');
    const replayed = await replay({
      source: path.join(REPO, 'samples', 'data'), bootstrap: broker.bootstrap, sasl: { ...SASL }, tls: { ca: certs.ca },
      progress: false, stateFile: path.join(work.path, 'replay.json'), onBadRecord: () => {},
    });
    assert.ok(replayed.records > 3000, `the samples were replayed (${replayed.records} records)`);

    const file = path.join(REPO, 'samples', 'shop.pipeline.ts');
    const run = await startPipelineRun({
      pipelineFile: file, bootstrap: broker.bootstrap, sasl: { ...SASL }, tls: { ca: certs.ca },
      fromBeginning: true, exitWhenCaughtUp: true, commitIntervalMs: 100, workDir: work.path,
    });
    await withTimeout(run.caughtUp(), 60_000, 'the run over SASL_SSL catching up');
    await run.finished;

    const pipeline = await loadPipeline(file, work.path);
    const bronzeTopics = [...new Set(pipeline.plan.nodes.flatMap((n) => (n.kind === 'source' ? [n.topic] : [])))];
    const bronzeCount = replayed.files.filter((f) => bronzeTopics.includes(f.topic)).reduce((sum, f) => sum + f.records, 0);
    const bronze = await readWithKafkajs(kafka, bronzeTopics, bronzeCount, 'check-bronze');
    assert.equal(bronze.length, bronzeCount, 'bronze holds what was replayed, no more');
    const partitions: Record<string, number[]> = {};
    for (const t of bronzeTopics) partitions[t] = [...new Set(bronze.filter((r) => r.topic === t).map((r) => r.partition))].sort();
    const expected = referenceOutputs(pipeline, bronze, [partitions]);
    assert.ok(expected.some((l) => l.startsWith('revenue_per_region_per_minute ')), 'gold rows exist to compare');

    const outputTopics = [...new Set(expected.map((l) => l.split(' ')[0]!))];
    const written = await readWithKafkajs(kafka, outputTopics, expected.length, 'check-outputs');
    const actual = runnerOutputs(written);
    assertExactlyOnce(actual, expected);
    assert.equal(actual.length, expected.length);
  } finally {
    await broker.close();
    work.remove();
    certs.remove();
  }
});

test('medallion run with a wrong SASL password fails with exit code 1 and the broker\'s reason', { timeout: 60_000 }, async () => {
  const certs = makeTestCertificates();
  const broker = await startTestBroker({ tls: { cert: certs.cert, key: certs.key }, sasl: { users: { [SASL.username]: SASL.password } } });
  try {
    const result = await runCommand(process.execPath, [
      '--require', 'tsx/cjs', path.join(REPO, 'sandbox', 'cli', 'main.ts'), 'run', path.join(REPO, 'samples', 'shop.pipeline.ts'),
      '--bootstrap', broker.bootstrap, '--tls-ca', certs.caFile, '--exit-when-caught-up',
      '--sasl-mechanism', SASL.mechanism, '--sasl-username', SASL.username, '--sasl-password', 'not the password',
    ], { timeoutMs: 45_000, cwd: REPO });
    assert.equal(result.timedOut, false);
    // Before the supervisor's restart timer was kept referenced, the process ended here with code 0
    // as soon as the first worker died, without retrying or saying the run failed.
    assert.equal(result.code, 1, `exit code; output: ${(result.stdout + result.stderr).slice(-1500)}`);
    assert.match(result.stdout + result.stderr, /run failed: .*invalid credentials with SCRAM-SHA-512/);
  } finally {
    await broker.close();
    certs.remove();
  }
});
