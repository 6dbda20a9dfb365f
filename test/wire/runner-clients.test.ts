// The runner's two data paths give the test driver's results: the wire client (the default for
// plain connections) and kafkajs (kept for TLS and SASL, chosen here with `client: 'kafkajs'`). Each
// runs the keyed fixture pipeline over the same bronze records, bounded. On the wire path bronze is
// written in transactions, one of them aborted, so read_committed must skip it and the transaction
// markers must not hold the run back. The kafkajs path gets the same records written plainly: a
// bounded run there never counts a partition's trailing transaction marker as read and waits for
// ever (a limitation of that path, which kafkajs's batch events do not let the worker see).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startPipelineRun } from '../../sandbox/runner';
import { assertExactlyOnce, KEYED_TOTALS, keyedTotalsOutcome } from '../runner/runner-harness';
import { startTestBroker, type TestBroker } from '../support/in-process-broker';
import { testKafka } from '../support/kafkajs-client';
import { makeTempDir } from '../support/temp-dir';
import { withTimeout } from '../support/timeouts';

const PARTITIONS = 3;
const FIXTURE = KEYED_TOTALS.fixture;

async function produceEvents(broker: TestBroker, transactional: boolean): Promise<void> {
  const kafka = testKafka(broker.bootstrap);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'events', numPartitions: PARTITIONS }], waitForLeaders: true });
  await admin.disconnect();
  const start = Date.parse('2026-03-02T09:00:00Z');
  const event = (i: number) => {
    const key = `k-${(i * 7) % 23}`;
    const ts = start + i * 40 - ((i * 31) % 900);
    return { key, value: JSON.stringify({ key, amount: i % 50 === 0 ? -1 : i % 97, ts }), timestamp: String(ts) };
  };
  const producer = kafka.producer({ transactionalId: 'bronze-writer', idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  if (!transactional) {
    for (const batch of [0, 2, 3]) await producer.send({ topic: 'events', messages: Array.from({ length: 500 }, (_, i) => event(batch * 500 + i)) });
    await producer.disconnect();
    return;
  }
  for (let batch = 0; batch < 4; batch++) {
    const txn = await producer.transaction();
    await txn.send({ topic: 'events', messages: Array.from({ length: 500 }, (_, i) => event(batch * 500 + i)) });
    // The second batch is aborted: its records take offsets but must never reach the pipeline.
    if (batch === 1) await txn.abort();
    else await txn.commit();
  }
  await producer.disconnect();
}

for (const client of ['wire', 'kafkajs'] as const) {
  test(`the runner on the ${client} data path writes exactly the test driver's results${client === 'wire' ? ', aborted bronze left out' : ''}`, { timeout: 90_000 }, async () => {
    const broker = await startTestBroker();
    const work = makeTempDir('medallion-run-');
    try {
      await produceEvents(broker, client === 'wire');
      const run = await startPipelineRun({
        pipelineFile: FIXTURE, bootstrap: broker.bootstrap, client, tasks: 'per-partition', fromBeginning: true,
        exitWhenCaughtUp: true, commitIntervalMs: 100, workDir: work.path,
      });
      await withTimeout(run.caughtUp(), 60_000, 'the run catching up');
      await run.finished;

      const { bronze, expected, actual } = await keyedTotalsOutcome(broker.bootstrap, work.path, PARTITIONS);
      assert.equal(bronze.length, 1_500, 'read_committed bronze holds the three committed batches');
      assertExactlyOnce(actual, expected);
      assert.ok(expected.filter((l) => l.startsWith('totals_per_key_10s ')).length > 20, 'enough gold rows to compare');
    } finally {
      await broker.close();
      work.remove();
    }
  });
}
