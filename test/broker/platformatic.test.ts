/**
 * @platformatic/kafka 1.35 against the sandbox broker: it speaks the newest versions (ApiVersions
 * v3 only, flexible Metadata, Produce, Fetch and group requests), so this covers the broker's
 * flexible encodings. Admin create and delete, produce with keys and headers (plain, idempotent and
 * gzip), and a consumer group committing what it consumed and handing over to a second consumer.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Admin, ConfigResourceTypes, Consumer, Producer, ProduceAcks, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import { startTestBroker, type TestBroker } from '../support/in-process-broker';
import { withTimeout } from '../support/timeouts';
import { uniqueGroup, uniqueTopic } from '../support/topic-names';

let env: TestBroker;

before(async () => {
  env = await startTestBroker();
});

after(async () => {
  await env.close();
});

const clientOptions = () => ({
  bootstrapBrokers: [env.bootstrap],
  retries: 2,
  retryDelay: 200,
  timeout: 10_000,
});

interface Seen {
  partition: number;
  offset: bigint;
  key: string;
  value: string;
  headers: Map<string, string>;
}

/** Consumes up to `count` records in `groupId`, committing each, then closes the consumer. */
async function consumeAndCommit(topic: string, groupId: string, count: number): Promise<Seen[]> {
  const consumer = new Consumer({
    ...clientOptions(),
    clientId: `platformatic-consumer-${groupId}`,
    groupId,
    deserializers: stringDeserializers,
    maxWaitTime: 200,
    sessionTimeout: 6_000,
    heartbeatInterval: 500,
  });
  const seen: Seen[] = [];
  try {
    const stream = await withTimeout(
      consumer.consume({ topics: [topic], mode: 'committed', fallbackMode: 'earliest', autocommit: false }),
      15_000,
      'platformatic consume',
    );
    try {
      await withTimeout(
        (async () => {
          for await (const message of stream) {
            seen.push({ partition: message.partition, offset: message.offset, key: message.key, value: message.value, headers: message.headers });
            await message.commit();
            if (seen.length >= count) break;
          }
        })(),
        20_000,
        `consuming ${count} records from ${topic}`,
      );
    } finally {
      await withTimeout(stream.close(), 10_000, 'stream close').catch(() => undefined);
    }
  } finally {
    // Forced, so a stream left mid-fetch does not hold the close open.
    const closed = new Promise<void>((resolve, reject) => consumer.close(true, (error) => (error ? reject(error) : resolve())));
    await withTimeout(closed, 10_000, 'consumer close').catch(() => undefined);
  }
  return seen;
}

test('platformatic admin creates topics, sees them in metadata, describes their configs and deletes them', async () => {
  const topic = uniqueTopic('plt-admin');
  const admin = new Admin({ ...clientOptions(), clientId: 'platformatic-admin' });
  try {
    const created = await withTimeout(admin.createTopics({ topics: [topic], partitions: 3, replicas: 1 }), 10_000, 'createTopics');
    assert.deepEqual(created.map((t) => [t.name, t.partitions]), [[topic, 3]]);
    const metadata = await withTimeout(admin.metadata({ topics: [topic] }), 10_000, 'metadata');
    const described = metadata.topics.get(topic);
    assert.ok(described, 'the topic is in the metadata');
    assert.equal(described.partitionsCount, 3);
    assert.deepEqual([...metadata.brokers.keys()], [1]);
    const configs = await withTimeout(
      admin.describeConfigs({ resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: topic, configurationKeys: ['retention.ms', 'cleanup.policy'] }] }),
      10_000,
      'describeConfigs',
    );
    const values = new Map(configs[0]?.configs.map((c) => [c.name, c.value]));
    assert.equal(values.get('cleanup.policy'), 'delete');
    assert.ok(values.has('retention.ms'), 'retention.ms is described');
    await withTimeout(admin.deleteTopics({ topics: [topic] }), 10_000, 'deleteTopics');
    const topics = await withTimeout(admin.listTopics(), 10_000, 'listTopics');
    assert.ok(!topics.includes(topic), 'the deleted topic is gone');
  } finally {
    await admin.close();
  }
});

for (const variant of ['plain', 'idempotent', 'gzip'] as const) {
  test(`platformatic produces (${variant}) and a group consumes, commits and hands over`, async () => {
    const topic = uniqueTopic(`plt-${variant}`);
    const groupId = uniqueGroup(`plt-${variant}`);
    const admin = new Admin({ ...clientOptions(), clientId: 'platformatic-admin' });
    try {
      await withTimeout(admin.createTopics({ topics: [topic], partitions: 2, replicas: 1 }), 10_000, 'createTopics');
    } finally {
      await admin.close();
    }
    const producer = new Producer({
      ...clientOptions(),
      clientId: `platformatic-producer-${variant}`,
      serializers: stringSerializers,
      idempotent: variant === 'idempotent',
      compression: variant === 'gzip' ? 'gzip' : 'none',
      acks: ProduceAcks.ALL,
    });
    const sent = Array.from({ length: 60 }, (_, i) => ({ topic, key: `key-${i % 5}`, value: `${variant}-${i}`, headers: { index: String(i) } }));
    try {
      for (let i = 0; i < sent.length; i += 20) {
        const result = await withTimeout(producer.send({ messages: sent.slice(i, i + 20) }), 10_000, 'platformatic send');
        assert.ok((result.offsets?.length ?? 0) > 0, 'the send reports offsets');
      }
    } finally {
      await producer.close();
    }

    const first = await consumeAndCommit(topic, groupId, 25);
    const second = await consumeAndCommit(topic, groupId, sent.length - first.length);
    assert.equal(first.length, 25);
    const firstValues = new Set(first.map((s) => s.value));
    assert.deepEqual(second.filter((s) => firstValues.has(s.value)).map((s) => s.value), [], 'the second consumer starts after the commits');
    const all = [...first, ...second];
    assert.deepEqual(all.map((s) => s.value).sort(), sent.map((s) => s.value).sort());
    for (const s of all) {
      const i = Number(s.value.slice(variant.length + 1));
      assert.equal(s.key, `key-${i % 5}`);
      assert.equal(s.headers.get('index'), String(i));
    }
    for (const p of [0, 1]) {
      const offsets = all.filter((s) => s.partition === p).map((s) => Number(s.offset)).sort((a, b) => a - b);
      assert.deepEqual(offsets, offsets.map((_, i) => i), `partition ${p} offsets are consecutive from 0`);
    }
  });
}

test('platformatic admin lists and describes groups, lists committed offsets and deletes the group', async () => {
  const topic = uniqueTopic('plt-groups');
  const groupId = uniqueGroup('plt-groups');
  const admin = new Admin({ ...clientOptions(), clientId: 'platformatic-admin' });
  try {
    await withTimeout(admin.createTopics({ topics: [topic], partitions: 2, replicas: 1 }), 10_000, 'createTopics');
    const producer = new Producer({ ...clientOptions(), clientId: 'platformatic-producer-groups', serializers: stringSerializers, acks: ProduceAcks.ALL });
    try {
      await withTimeout(producer.send({ messages: Array.from({ length: 12 }, (_, i) => ({ topic, key: `k${i}`, value: `v${i}` })) }), 10_000, 'send');
    } finally {
      await producer.close();
    }
    assert.equal((await consumeAndCommit(topic, groupId, 12)).length, 12);

    const groups = await withTimeout(admin.listGroups(), 10_000, 'listGroups');
    assert.equal(groups.get(groupId)?.protocolType, 'consumer');
    const described = await withTimeout(admin.describeGroups({ groups: [groupId] }), 10_000, 'describeGroups');
    // The only member closed, so the group is empty but remembers its offsets.
    assert.equal(described.get(groupId)?.state, 'EMPTY');
    const offsets = await withTimeout(admin.listConsumerGroupOffsets({ groups: [groupId] }), 10_000, 'listConsumerGroupOffsets');
    const partitions = offsets[0]?.topics.find((t) => t.name === topic)?.partitions ?? [];
    assert.equal(partitions.reduce((n, p) => n + Number(p.committedOffset), 0), 12, 'the commits cover all twelve records');

    await withTimeout(admin.deleteGroups({ groups: [groupId] }), 10_000, 'deleteGroups');
    const after = await withTimeout(admin.listGroups(), 10_000, 'listGroups after delete');
    assert.equal(after.has(groupId), false, 'the deleted group is gone');
  } finally {
    await admin.close();
  }
});
