/**
 * kafkajs 2.2.4 against the sandbox broker over TCP: produce and consume with keys, headers and
 * timestamps, gzip batches, the idempotent producer, the admin API and a consumer group.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CompressionTypes, ConfigResourceTypes, type Kafka } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../support/in-process-broker';
import { consumeMessages, testKafka } from '../support/kafkajs-client';
import { withTimeout } from '../support/timeouts';
import { uniqueGroup, uniqueTopic } from '../support/topic-names';

let env: TestBroker;
let kafka: Kafka;

before(async () => {
  env = await startTestBroker();
  kafka = testKafka(env.bootstrap, 'kafkajs-test');
});

after(async () => {
  await env.close();
});

async function produce(topic: string, messages: Parameters<ReturnType<Kafka['producer']>['send']>[0]['messages'], compression?: CompressionTypes) {
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await withTimeout(producer.connect(), 10_000, 'producer connect');
  try {
    return await withTimeout(producer.send({ topic, messages, acks: -1, compression }), 10_000, 'producer send');
  } finally {
    await producer.disconnect();
  }
}

test('records keep their keys, values, headers and timestamps, at consecutive offsets', async () => {
  const topic = uniqueTopic('kafkajs-basic');
  const base = Date.now() - 60_000;
  const sent = Array.from({ length: 25 }, (_, i) => ({
    key: `key-${i}`,
    value: `value-${i}-${'x'.repeat(i * 7)}`,
    headers: { trace: `t-${i}`, binary: Buffer.from([0, i, 255]) },
    timestamp: String(base + i * 1000),
  }));
  const [meta] = await produce(topic, sent.slice(0, 10));
  assert.equal(meta?.errorCode, 0);
  assert.equal(meta?.baseOffset, '0');
  await produce(topic, sent.slice(10));

  const got = await consumeMessages(kafka, { topic, groupId: uniqueGroup('basic'), count: sent.length });
  assert.equal(got.length, sent.length);
  got.forEach(({ message }, i) => {
    const want = sent[i]!;
    assert.equal(message.offset, String(i));
    assert.equal(message.key?.toString(), want.key);
    assert.equal(message.value?.toString(), want.value);
    assert.equal(message.timestamp, want.timestamp);
    assert.equal(message.headers?.trace?.toString(), want.headers.trace);
    assert.deepEqual(message.headers?.binary, want.headers.binary);
  });
});

test('null keys and null values survive the round trip', async () => {
  const topic = uniqueTopic('kafkajs-nulls');
  await produce(topic, [{ key: null, value: 'v' }, { key: 'k', value: null }]);
  const got = await consumeMessages(kafka, { topic, groupId: uniqueGroup('nulls'), count: 2 });
  assert.equal(got[0]?.message.key, null);
  assert.equal(got[0]?.message.value?.toString(), 'v');
  assert.equal(got[1]?.message.key?.toString(), 'k');
  assert.equal(got[1]?.message.value, null);
});

test('gzip-compressed batches are stored and served so the client decompresses them', async () => {
  const topic = uniqueTopic('kafkajs-gzip');
  const sent = Array.from({ length: 200 }, (_, i) => ({ key: `k${i}`, value: `compressible ${'abc'.repeat(50)} ${i}` }));
  await produce(topic, sent.slice(0, 100), CompressionTypes.GZIP);
  await produce(topic, sent.slice(100), CompressionTypes.GZIP);
  const got = await consumeMessages(kafka, { topic, groupId: uniqueGroup('gzip'), count: sent.length });
  assert.deepEqual(
    got.map(({ message }) => [message.offset, message.key?.toString(), message.value?.toString()]),
    sent.map((m, i) => [String(i), m.key, m.value]),
  );
});

test('the idempotent producer gets a producer id and every record is stored once, in order', async () => {
  const topic = uniqueTopic('kafkajs-idempotent');
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await withTimeout(producer.connect(), 10_000, 'idempotent producer connect');
  try {
    for (let batch = 0; batch < 5; batch++) {
      const messages = Array.from({ length: 20 }, (_, i) => ({ value: `r${batch * 20 + i}` }));
      const [meta] = await withTimeout(producer.send({ topic, messages, acks: -1 }), 10_000, 'idempotent send');
      assert.equal(meta?.errorCode, 0);
      assert.equal(meta?.baseOffset, String(batch * 20));
    }
  } finally {
    await producer.disconnect();
  }
  const got = await consumeMessages(kafka, { topic, groupId: uniqueGroup('idempotent'), count: 100 });
  assert.deepEqual(
    got.map(({ message }) => message.value?.toString()),
    Array.from({ length: 100 }, (_, i) => `r${i}`),
  );
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await withTimeout(admin.fetchTopicOffsets(topic), 10_000, 'fetchTopicOffsets');
    assert.deepEqual(offsets.map((o) => [o.partition, o.low, o.high]), [[0, '0', '100']]);
  } finally {
    await admin.disconnect();
  }
});

test('transactions: a read_committed consumer sees committed records and never aborted ones', async () => {
  const topic = uniqueTopic('kafkajs-txn');
  const producer = kafka.producer({ transactionalId: uniqueGroup('txn-id'), idempotent: true, maxInFlightRequests: 1 });
  await withTimeout(producer.connect(), 10_000, 'transactional producer connect');
  try {
    const committed = await withTimeout(producer.transaction(), 10_000, 'begin transaction');
    await withTimeout(committed.send({ topic, messages: [{ value: 'c1' }, { value: 'c2' }, { value: 'c3' }] }), 10_000, 'send in transaction');
    await withTimeout(committed.commit(), 10_000, 'commit transaction');
    const aborted = await withTimeout(producer.transaction(), 10_000, 'begin second transaction');
    await withTimeout(aborted.send({ topic, messages: [{ value: 'a1' }, { value: 'a2' }] }), 10_000, 'send in aborted transaction');
    await withTimeout(aborted.abort(), 10_000, 'abort transaction');
    const last = await withTimeout(producer.transaction(), 10_000, 'begin third transaction');
    await withTimeout(last.send({ topic, messages: [{ value: 'c4' }] }), 10_000, 'send in third transaction');
    await withTimeout(last.commit(), 10_000, 'commit third transaction');
  } finally {
    await producer.disconnect();
  }
  // kafkajs consumers read with isolation level read_committed unless told otherwise.
  const got = await consumeMessages(kafka, { topic, groupId: uniqueGroup('txn-reader'), count: 4 });
  assert.deepEqual(got.map((m) => m.message.value?.toString()), ['c1', 'c2', 'c3', 'c4']);
  // Each commit or abort marker takes an offset of its own, as in Kafka: c1-c3 at 0-2, a marker at
  // 3, a1-a2 at 4-5, a marker at 6, then c4.
  assert.equal(got[3]?.message.offset, '7');
});

test('admin: create with configs, metadata, describe configs, offsets, offsets by time, delete', async () => {
  const topic = uniqueTopic('kafkajs-admin');
  const admin = kafka.admin();
  await withTimeout(admin.connect(), 10_000, 'admin connect');
  try {
    const created = await withTimeout(
      admin.createTopics({
        topics: [{ topic, numPartitions: 3, configEntries: [{ name: 'retention.ms', value: '3600000' }] }],
        waitForLeaders: true,
      }),
      10_000,
      'createTopics',
    );
    assert.equal(created, true);
    const again = await withTimeout(admin.createTopics({ topics: [{ topic, numPartitions: 3 }] }), 10_000, 'createTopics again');
    assert.equal(again, false, 'creating an existing topic reports that nothing was created');

    const listed = await withTimeout(admin.listTopics(), 10_000, 'listTopics');
    assert.ok(listed.includes(topic));

    const metadata = await withTimeout(admin.fetchTopicMetadata({ topics: [topic] }), 10_000, 'fetchTopicMetadata');
    const described = metadata.topics.find((t) => t.name === topic);
    assert.ok(described, 'the new topic is in the metadata');
    assert.deepEqual(
      described.partitions.map((p) => [p.partitionId, p.leader, p.partitionErrorCode]).sort((a, b) => a[0]! - b[0]!),
      [
        [0, 1, 0],
        [1, 1, 0],
        [2, 1, 0],
      ],
    );

    const configs = await withTimeout(
      admin.describeConfigs({
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms', 'cleanup.policy'] }],
        includeSynonyms: false,
      }),
      10_000,
      'describeConfigs',
    );
    const resource = configs.resources[0];
    assert.equal(resource?.errorCode, 0);
    const entries = new Map(resource?.configEntries.map((e) => [e.configName, e.configValue]));
    assert.equal(entries.get('retention.ms'), '3600000');
    assert.equal(entries.get('cleanup.policy'), 'delete');

    const base = Date.now() - 3_600_000;
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({
        topic,
        acks: -1,
        messages: [0, 1, 2, 3].map((i) => ({ partition: 1, value: `t${i}`, timestamp: String(base + i * 10_000) })),
      });
      await producer.send({ topic, acks: -1, messages: [{ partition: 2, value: 'only' }] });
    } finally {
      await producer.disconnect();
    }
    const offsets = await withTimeout(admin.fetchTopicOffsets(topic), 10_000, 'fetchTopicOffsets');
    assert.deepEqual(
      offsets.map((o) => [o.partition, o.low, o.high]).sort((a, b) => Number(a[0]) - Number(b[0])),
      [
        [0, '0', '0'],
        [1, '0', '4'],
        [2, '0', '1'],
      ],
    );
    const byTime = async (ts: number) =>
      new Map((await withTimeout(admin.fetchTopicOffsetsByTimestamp(topic, ts), 10_000, 'fetchTopicOffsetsByTimestamp')).map((o) => [o.partition, o.offset]));
    // The earliest offset whose timestamp is at or after the one asked for. All four records went
    // in one batch, so this needs a record-level answer, as Kafka gives by looking inside the batch.
    const inBatch = 'the offset of the first record (not batch) with a timestamp at or after the target';
    assert.equal((await byTime(base - 1))?.get(1), '0', inBatch);
    assert.equal((await byTime(base + 15_000))?.get(1), '2', inBatch);
    assert.equal((await byTime(base + 30_000))?.get(1), '3', inBatch);
    // Nothing that late: the broker answers -1 and kafkajs substitutes the high watermark.
    assert.equal((await byTime(base + 40_000))?.get(1), '4');

    await withTimeout(admin.deleteTopics({ topics: [topic], timeout: 5_000 }), 10_000, 'deleteTopics');
    const afterDelete = await withTimeout(admin.listTopics(), 10_000, 'listTopics after delete');
    assert.ok(!afterDelete.includes(topic), 'the deleted topic is gone from the listing');
  } finally {
    await admin.disconnect();
  }
});

test('offsets by timestamp look inside a gzip-compressed batch too', async () => {
  const topic = uniqueTopic('kafkajs-time-gzip');
  const base = Date.now() - 7_200_000;
  await produce(
    topic,
    [0, 1, 2, 3, 4].map((i) => ({ value: `g${i}`, timestamp: String(base + i * 1_000) })),
    CompressionTypes.GZIP,
  );
  const admin = kafka.admin();
  await admin.connect();
  try {
    const at = async (ts: number) => (await withTimeout(admin.fetchTopicOffsetsByTimestamp(topic, ts), 10_000, 'fetchTopicOffsetsByTimestamp'))[0]?.offset;
    assert.equal(await at(base + 2_500), '3', 'the first record at or after the target, inside one compressed batch');
    assert.equal(await at(base), '0');
  } finally {
    await admin.disconnect();
  }
});

test('admin: describe the cluster, set offsets of an empty group, list, describe and delete groups', async () => {
  const topic = uniqueTopic('kafkajs-groups');
  const groupId = uniqueGroup('kafkajs-groups');
  const admin = kafka.admin();
  await withTimeout(admin.connect(), 10_000, 'admin connect');
  try {
    const cluster = await withTimeout(admin.describeCluster(), 10_000, 'describeCluster');
    assert.equal(cluster.controller, 1);
    assert.deepEqual(cluster.brokers.map((b) => `${b.host}:${b.port}`), [env.bootstrap]);

    await withTimeout(admin.createTopics({ topics: [{ topic, numPartitions: 2 }] }), 10_000, 'createTopics');
    await produce(topic, Array.from({ length: 10 }, (_, i) => ({ value: `v${i}`, partition: i % 2 })));
    // A group with no members accepts commits from an admin (generation -1, no member id).
    await withTimeout(admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '3' }, { partition: 1, offset: '2' }] }), 10_000, 'setOffsets');
    const offsets = await withTimeout(admin.fetchOffsets({ groupId, topics: [topic] }), 10_000, 'fetchOffsets');
    assert.deepEqual(offsets[0]?.partitions.map((p) => [p.partition, p.offset]).sort(), [[0, '3'], [1, '2']]);
    // The group resumes where the admin put it: partition 0 holds v0 v2 v4 v6 v8, so v6 and v8 are
    // left; partition 1 holds v1 v3 v5 v7 v9, so v5, v7 and v9 are.
    const rest = await consumeMessages(kafka, { topic, groupId, count: 5 });
    assert.deepEqual(rest.map((m) => m.message.value?.toString()).sort(), ['v5', 'v6', 'v7', 'v8', 'v9']);

    const listed = await withTimeout(admin.listGroups(), 10_000, 'listGroups');
    assert.ok(listed.groups.some((g) => g.groupId === groupId && g.protocolType === 'consumer'));
    const described = await withTimeout(admin.describeGroups([groupId]), 10_000, 'describeGroups');
    assert.equal(described.groups[0]?.state, 'Empty');
    await withTimeout(admin.deleteGroups([groupId]), 10_000, 'deleteGroups');
    const afterDelete = await withTimeout(admin.listGroups(), 10_000, 'listGroups after delete');
    assert.ok(!afterDelete.groups.some((g) => g.groupId === groupId), 'the deleted group is gone');
  } finally {
    await admin.disconnect();
  }
});

test('a consumer group reads every partition through consumer.run and commits what it read', async () => {
  const topic = uniqueTopic('kafkajs-group');
  const groupId = uniqueGroup('kafkajs-group');
  const admin = kafka.admin();
  await admin.connect();
  try {
    await withTimeout(admin.createTopics({ topics: [{ topic, numPartitions: 4 }] }), 10_000, 'createTopics');
    const sent = Array.from({ length: 120 }, (_, i) => ({ key: `key-${i % 17}`, value: `v${i}` }));
    await produce(topic, sent);
    const got = await consumeMessages(kafka, { topic, groupId, count: sent.length });
    assert.deepEqual(got.map((m) => m.message.value?.toString()).sort(), sent.map((m) => m.value).sort());
    // Records with the same key land in the same partition, in the order they were sent.
    const byKey = new Map<string, { partition: number; values: string[] }>();
    for (const { partition, message } of got) {
      const key = message.key!.toString();
      const entry = byKey.get(key) ?? { partition, values: [] };
      assert.equal(entry.partition, partition, `key ${key} stays in one partition`);
      entry.values.push(message.value!.toString());
      byKey.set(key, entry);
    }
    for (const [key, { values }] of byKey) {
      assert.deepEqual(values, sent.filter((m) => m.key === key).map((m) => m.value), `order of ${key}`);
    }
    const committed = await withTimeout(admin.fetchOffsets({ groupId, topics: [topic] }), 10_000, 'fetchOffsets');
    const high = await admin.fetchTopicOffsets(topic);
    const committedByPartition = new Map(committed[0]!.partitions.map((p) => [p.partition, p.offset]));
    for (const p of high) assert.equal(committedByPartition.get(p.partition), p.high, `committed offset of partition ${p.partition}`);
  } finally {
    await admin.disconnect();
  }
});
