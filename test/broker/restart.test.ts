/**
 * Durability across a clean restart: records, topic configs and committed offsets written before the
 * broker closed are all there when it reopens the same data directory, and new records continue at
 * the next offset.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigResourceTypes } from 'kafkajs';
import { startChildBroker, type ChildBroker } from '../support/child-broker';
import { startTestBroker } from '../support/in-process-broker';
import { consumeMessages, testKafka } from '../support/kafkajs-client';
import { describeResult, runCommand } from '../support/run-command';
import { makeTempDir } from '../support/temp-dir';
import { withTimeout } from '../support/timeouts';
import { uniqueGroup, uniqueTopic } from '../support/topic-names';

test('records, configs and committed offsets survive a restart on the same data directory', async () => {
  const dir = makeTempDir('medallion-restart-');
  const topic = uniqueTopic('restart');
  const groupId = uniqueGroup('restart');
  const first = Array.from({ length: 300 }, (_, i) => ({ key: `k${i % 11}`, value: `before-${i}` }));
  const later = Array.from({ length: 40 }, (_, i) => ({ key: `k${i % 11}`, value: `uncommitted-${i}` }));
  try {
    const before = await startTestBroker({ dataDir: dir.path, keepData: true });
    let beforeOffsets: { partition: number; high: string }[];
    try {
      const kafka = testKafka(before.bootstrap, 'restart-before');
      const admin = kafka.admin();
      await withTimeout(admin.connect(), 10_000, 'admin connect');
      try {
        await withTimeout(
          admin.createTopics({ topics: [{ topic, numPartitions: 3, configEntries: [{ name: 'retention.ms', value: '7200000' }] }] }),
          10_000,
          'createTopics',
        );
        const producer = kafka.producer();
        await producer.connect();
        await withTimeout(producer.send({ topic, acks: -1, messages: first }), 10_000, 'send first');
        // The group reads and commits everything produced so far ...
        const read = await consumeMessages(kafka, { topic, groupId, count: first.length });
        assert.equal(read.length, first.length);
        // ... and these arrive after its commit, so after the restart it must get exactly them.
        await withTimeout(producer.send({ topic, acks: -1, messages: later }), 10_000, 'send later');
        await producer.disconnect();
        beforeOffsets = (await admin.fetchTopicOffsets(topic)).map((o) => ({ partition: o.partition, high: o.high }));
      } finally {
        await admin.disconnect();
      }
    } finally {
      await before.close();
    }

    const after = await startTestBroker({ dataDir: dir.path, keepData: true });
    try {
      const kafka = testKafka(after.bootstrap, 'restart-after');
      const admin = kafka.admin();
      await withTimeout(admin.connect(), 10_000, 'admin connect after restart');
      try {
        const offsets = (await withTimeout(admin.fetchTopicOffsets(topic), 10_000, 'fetchTopicOffsets')).map((o) => ({ partition: o.partition, high: o.high }));
        assert.deepEqual(sortByPartition(offsets), sortByPartition(beforeOffsets));

        const configs = await admin.describeConfigs({
          resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms'] }],
          includeSynonyms: false,
        });
        assert.equal(configs.resources[0]?.configEntries.find((e) => e.configName === 'retention.ms')?.configValue, '7200000');

        const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
        const committedTotal = committed[0]!.partitions.reduce((n, p) => n + Number(p.offset), 0);
        assert.equal(committedTotal, first.length, 'the committed offsets cover exactly the records read before the restart');

        const everything = await consumeMessages(kafka, { topic, groupId: uniqueGroup('restart-all'), count: first.length + later.length });
        assert.deepEqual(
          everything.map((m) => m.message.value?.toString()).sort(),
          [...first, ...later].map((m) => m.value).sort(),
        );
        // Offsets inside each partition are consecutive from 0: nothing lost, nothing duplicated.
        for (const p of [0, 1, 2]) {
          const mine = everything.filter((m) => m.partition === p).map((m) => Number(m.message.offset));
          assert.deepEqual(mine, mine.map((_, i) => i), `offsets of partition ${p}`);
        }

        const resumed = await consumeMessages(kafka, { topic, groupId, count: later.length });
        assert.deepEqual(resumed.map((m) => m.message.value?.toString()).sort(), later.map((m) => m.value).sort());

        const producer = kafka.producer();
        await producer.connect();
        const [meta] = await withTimeout(producer.send({ topic, acks: -1, messages: [{ value: 'after', partition: 0 }] }), 10_000, 'send after');
        await producer.disconnect();
        const p0 = beforeOffsets.find((o) => o.partition === 0)!;
        assert.equal(meta?.baseOffset, p0.high, 'new records continue at the old high watermark');
      } finally {
        await admin.disconnect();
      }
    } finally {
      await after.close();
    }
  } finally {
    dir.remove();
  }
});

function sortByPartition<T extends { partition: number }>(rows: T[]): T[] {
  return [...rows].sort((a, b) => a.partition - b.partition);
}

test('the CLI broker stops cleanly on SIGTERM and serves everything again after a restart', { timeout: 60_000 }, async () => {
  const dir = makeTempDir('medallion-restart-cli-');
  const topic = uniqueTopic('restart-cli');
  let broker: ChildBroker | undefined;
  try {
    broker = await startChildBroker({ dataDir: dir.path });
    const lines = Array.from({ length: 500 }, (_, i) => `cli-record-${i}`);
    const produced = await runCommand('kcat', ['-b', broker.bootstrap, '-q', '-P', '-t', topic, '-X', 'acks=all'], { timeoutMs: 20_000, input: lines.join('\n') + '\n' });
    assert.equal(produced.code, 0, `kcat produce: ${describeResult(produced)}`);
    await broker.stop();
    assert.deepEqual(await broker.exited, { code: 0, signal: null }, `the CLI exits 0 on SIGTERM; output: ${broker.output()}`);

    broker = await startChildBroker({ dataDir: dir.path });
    const consumed = await runCommand('kcat', ['-b', broker.bootstrap, '-q', '-C', '-t', topic, '-o', 'beginning', '-e', '-f', '%o %s\n'], { timeoutMs: 20_000 });
    assert.equal(consumed.code, 0, `kcat consume: ${describeResult(consumed)}`);
    assert.deepEqual(consumed.stdout.trimEnd().split('\n'), lines.map((l, i) => `${i} ${l}`));
  } finally {
    await broker?.kill9();
    dir.remove();
  }
});
