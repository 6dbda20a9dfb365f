import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../test/support/in-process-broker';
import { readSideOutputs } from './side-output-reader';
import { TopicCounter } from './topic-counts';

let broker: TestBroker;

before(async () => {
  broker = await startTestBroker();
  const kafka = new Kafka({ clientId: 'side-output-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'orders_clean.quarantine', numPartitions: 2 }, { topic: 'orders.dead_letter', numPartitions: 1 }, { topic: 'orders_clean', numPartitions: 1 }] });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: 'orders_clean.quarantine',
    messages: Array.from({ length: 30 }, (_, i) => ({ key: `o${i}`, partition: i % 2, value: JSON.stringify({ record: { id: i }, rule: i < 20 ? 'positive_amount' : 'has_customer', reason: 'failed' }) })),
  });
  await producer.send({ topic: 'orders.dead_letter', messages: [{ value: JSON.stringify({ record: '<html>', operator: 'source', definedAt: null, error: 'SyntaxError', location: null }) }, { value: 'not json' }] });
  await producer.send({ topic: 'orders_clean', messages: [{ value: '{}' }] });
  await producer.disconnect();
});

after(async () => {
  await broker.close();
});

test('reads every side-output record of the topics asked for, and leaves no consumer group behind', async () => {
  const connection = { kind: 'sandbox' as const, bootstrap: broker.bootstrap };
  const records = await readSideOutputs(connection, [
    { layer: 'orders_clean', kind: 'quarantine', topic: 'orders_clean.quarantine' },
    { layer: 'orders', kind: 'dead_letter', topic: 'orders.dead_letter' },
    { layer: 'gone', kind: 'dead_letter', topic: 'no_such_topic.dead_letter' },
  ]);
  const quarantined = records.filter((r) => r.kind === 'quarantine');
  assert.equal(quarantined.length, 30);
  assert.equal(quarantined.filter((r) => (r.value as { rule: string }).rule === 'positive_amount').length, 20);
  assert.deepEqual(records.filter((r) => r.kind === 'dead_letter').map((r) => r.value === null ? null : (r.value as { error: string }).error), ['SyntaxError', null]);
  const admin = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const groups = await admin.listGroups();
  await admin.disconnect();
  assert.deepEqual(groups.groups.filter((g) => g.groupId.startsWith('medallion-studio-diagnostics')), []);
});

test('reads only the newest records of each partition beyond the limit', async () => {
  const records = await readSideOutputs({ kind: 'sandbox', bootstrap: broker.bootstrap }, [{ layer: 'orders_clean', kind: 'quarantine', topic: 'orders_clean.quarantine' }], 5);
  assert.equal(records.length, 10, 'five from each of the two partitions');
  assert.ok(records.every((r) => (r.value as { record: { id: number } }).record.id >= 20), 'the newest ones');
});

test('counts the records of every topic but internal ones', async () => {
  const counter = new TopicCounter();
  try {
    const counts = await counter.read({ kind: 'sandbox', bootstrap: broker.bootstrap });
    assert.deepEqual(counts.map((c) => [c.topic, c.records, c.partitions]), [['orders_clean', 1, 1], ['orders_clean.quarantine', 30, 2], ['orders.dead_letter', 2, 1]]);
  } finally {
    await counter.close();
  }
});

test('reads side outputs written in transactions, as the runner writes them, to their commit marker', async () => {
  const kafka = new Kafka({ clientId: 'side-output-tx-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ transactionalId: 'side-output-tx-test', idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const transaction = await producer.transaction();
  await transaction.send({ topic: 'orders_checked.dead_letter', messages: [1, 2, 3].map((i) => ({ value: JSON.stringify({ record: { id: i }, operator: 'map', error: `cannot check order ${i}`, location: '/w/broken.pipeline.ts:7:11' }) })) });
  await transaction.commit();
  await producer.disconnect();
  // The partition's end is past the commit marker, which is never a message; reading must still end.
  const records = await readSideOutputs({ kind: 'sandbox', bootstrap: broker.bootstrap }, [{ layer: 'orders_checked', kind: 'dead_letter', topic: 'orders_checked.dead_letter' }], 500, 8000);
  assert.deepEqual(records.map((r) => (r.value as { error: string }).error), ['cannot check order 1', 'cannot check order 2', 'cannot check order 3']);
});
