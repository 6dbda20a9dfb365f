// A zombie (a producer fenced by a newer instance with its transactional id) that writes again to a
// partition of its aborted transaction must be refused: accepted, its records would open a
// transaction no marker ever closes, and read_committed readers of that partition would stop there.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestBroker } from '../../../test/support/in-process-broker';
import { consumeMessages, testKafka } from '../../../test/support/kafkajs-client';

test('a fenced producer cannot write into the partitions of its aborted transaction, and readers are not held back', { timeout: 60_000 }, async () => {
  const broker = await startTestBroker();
  try {
    const kafka = testKafka(broker.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'out', numPartitions: 1 }] });
    await admin.disconnect();
    const zombie = kafka.producer({ transactionalId: 'task-0', idempotent: true, maxInFlightRequests: 1 });
    await zombie.connect();
    const open = await zombie.transaction();
    await open.send({ topic: 'out', messages: [{ value: 'zombie-1' }] });

    const successor = kafka.producer({ transactionalId: 'task-0', idempotent: true, maxInFlightRequests: 1 });
    await successor.connect();
    const txn = await successor.transaction();
    await assert.rejects(open.send({ topic: 'out', messages: [{ value: 'zombie-2' }] }), 'the zombie is fenced');
    await txn.send({ topic: 'out', messages: [{ value: 'successor' }] });
    await txn.commit();

    const read = await consumeMessages(kafka, { topic: 'out', groupId: 'reader', count: 1, timeoutMs: 10_000, consumer: { readUncommitted: false } });
    assert.deepEqual(read.map((m) => m.message.value?.toString()), ['successor']);
    await Promise.all([zombie.disconnect(), successor.disconnect()]);
  } finally {
    await broker.close();
  }
});
