// A task's commit travels while the task goes on: what the task writes during a commit must not
// join the transaction on its way, but open the next one, in the order it was written.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connectTaskProducer } from '../../sandbox/runner/task-producer';
import type { EncodedMessage } from '../../sandbox/runner/output-records';
import { HeaderList } from '../../sandbox/wire/batch-builder';
import { startTestBroker } from '../support/in-process-broker';
import { testKafka } from '../support/kafkajs-client';
import { readToEnd } from './runner-harness';

const message = (value: string): EncodedMessage => ({ key: value, value, timestamp: 1_000, headers: new HeaderList().add('medallion.id', value) });

test('records written while a commit is on its way go into the next transaction, in order', async () => {
  const broker = await startTestBroker();
  try {
    const kafka = testKafka(broker.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'out', numPartitions: 1 }, { topic: 'changelog', numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = await connectTaskProducer({
      connection: { brokers: [broker.bootstrap] }, kafka, transactionalId: 'task-producer-test', group: 'g', changelog: 'changelog', topics: ['out'],
    });
    try {
      const commit = (n: number) => producer.commit({ group: 'g', changelog: { topic: 'changelog', partition: 0, key: 'task-0', value: `checkpoint ${n}` }, outputs: new Map(), positions: [] });
      // The message object is reused by its writer, as the task's encoder does.
      const reused = message('a');
      producer.write('out', reused);
      const first = commit(1);
      for (const value of ['b', 'c']) {
        Object.assign(reused, message(value));
        producer.write('out', reused);
      }
      await first;
      const afterFirst = await readToEnd(broker.bootstrap, ['out']);
      assert.deepEqual(afterFirst.map((r) => r.value), ['a'], 'only what was written before the commit is in it');
      producer.write('out', message('d'));
      await commit(2);
      const afterSecond = await readToEnd(broker.bootstrap, ['out']);
      assert.deepEqual(afterSecond.map((r) => r.value), ['a', 'b', 'c', 'd']);
      assert.deepEqual(afterSecond.map((r) => r.headers['medallion.id']), ['a', 'b', 'c', 'd'], 'each record keeps its own headers');
      const third = commit(3);
      await assert.rejects(commit(4), /already on its way/);
      await third;
    } finally {
      await producer.close();
    }
  } finally {
    await broker.close();
  }
});
