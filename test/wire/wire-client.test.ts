// The wire client against the real broker over TCP, cross-checked with kafkajs in both directions:
// what our transactional producer commits a kafkajs read_committed consumer reads, what it aborts
// it does not; what kafkajs produces transactionally our fetcher reads exactly, committed only;
// offsets sent in a transaction are the group's only once it commits; a second producer with the
// same transactional id fences the first.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CompressionTypes, type Kafka } from 'kafkajs';
import { Fetcher, partitionFor, ProducerFencedError, TransactionalProducer } from '../../sandbox/wire/index';
import { startTestBroker, type TestBroker } from '../support/in-process-broker';
import { consumeMessages, testKafka } from '../support/kafkajs-client';
import { withTimeout } from '../support/timeouts';

let broker: TestBroker;
let kafka: Kafka;

before(async () => {
  broker = await startTestBroker();
  kafka = testKafka(broker.bootstrap, 'wire-test');
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: ['ours', 'offsets-in', 'theirs', 'fenced'].map((topic) => ({ topic, numPartitions: topic === 'theirs' ? 2 : 3 })),
    waitForLeaders: true,
  });
  await admin.disconnect();
});

after(async () => {
  await broker.close();
});

test('what our producer commits a kafkajs read_committed consumer reads; what it aborts it does not', { timeout: 60_000 }, async () => {
  const producer = await TransactionalProducer.connect({ bootstrap: broker.bootstrap, transactionalId: 'wire-ours' });
  try {
    await producer.prepareTopics(['ours']);
    producer.begin();
    for (let i = 0; i < 300; i++) {
      producer.append('ours', { key: `k${i}`, value: JSON.stringify({ i, text: 'naïve ✓' }), timestamp: 1_700_000_000_000 + i, headers: { 'medallion.id': `id-${i}`, n: String(i) } });
    }
    const firstOffsets = await producer.flush();
    assert.equal(firstOffsets.size, 3, 'records spread over the three partitions');
    producer.append('ours', { key: 'late', value: 'in the same transaction, second flush' });
    await producer.commit();

    producer.begin();
    for (let i = 0; i < 50; i++) producer.append('ours', { key: `aborted${i}`, value: 'never visible' });
    await producer.flush();
    await producer.abort();

    producer.begin();
    producer.append('ours', { key: null, value: Buffer.from('raw bytes, unkeyed') }, 1);
    await producer.commit();
  } finally {
    producer.close();
  }

  const read = await consumeMessages(kafka, { topic: 'ours', groupId: 'read-ours', count: 302, consumer: { readUncommitted: false } });
  // Wait a little longer: an aborted record, if it leaked, would arrive after the ones counted.
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(read.length, 302);
  assert.equal(read.filter((r) => r.message.key?.toString().startsWith('aborted')).length, 0, 'no aborted record is read');
  const byKey = new Map(read.map((r) => [r.message.key?.toString() ?? null, r]));
  for (let i = 0; i < 300; i++) {
    const r = byKey.get(`k${i}`);
    assert.ok(r, `k${i} was read`);
    assert.equal(r.partition, partitionFor(`k${i}`, 3), 'keyed records land where the default partitioner puts them');
    assert.deepEqual(JSON.parse(r.message.value!.toString()), { i, text: 'naïve ✓' });
    assert.equal(r.message.timestamp, String(1_700_000_000_000 + i));
    assert.equal(r.message.headers?.['medallion.id']?.toString(), `id-${i}`);
    assert.equal(r.message.headers?.n?.toString(), String(i));
  }
  assert.equal(byKey.get('late')?.message.value?.toString(), 'in the same transaction, second flush');
  const unkeyed = byKey.get(null);
  assert.equal(unkeyed?.partition, 1);
  assert.equal(unkeyed?.message.value?.toString(), 'raw bytes, unkeyed');
  // Offsets within a partition are increasing for each record read, in append order.
  for (const p of [0, 1, 2]) {
    const numbers = read.filter((r) => r.partition === p && r.message.key?.toString().startsWith('k')).map((r) => Number(r.message.key!.toString().slice(1)));
    assert.deepEqual(numbers, [...numbers].sort((a, b) => a - b), `partition ${p} keeps append order`);
  }
});

test('offsets sent in a transaction are committed for the group with it, and only if it commits', { timeout: 60_000 }, async () => {
  const producer = await TransactionalProducer.connect({ bootstrap: broker.bootstrap, transactionalId: 'wire-offsets' });
  const admin = kafka.admin();
  await admin.connect();
  const committed = async () => (await admin.fetchOffsets({ groupId: 'wire-group', topics: ['offsets-in'] }))[0]!.partitions.sort((a, b) => a.partition - b.partition).map((p) => p.offset);
  try {
    producer.begin();
    producer.append('offsets-in', { key: 'a', value: '1' }, 0);
    await producer.sendOffsets('wire-group', [{ topic: 'offsets-in', partition: 0, offset: 17 }, { topic: 'offsets-in', partition: 2, offset: 5 }]);
    await producer.abort();
    assert.deepEqual(await committed(), ['-1', '-1', '-1'], 'an aborted transaction commits no offsets');

    // Named at begin, the group joins the transaction with the first flush's partitions.
    producer.begin({ offsetsFor: 'wire-group' });
    producer.append('offsets-in', { key: 'b', value: '2' }, 0);
    await producer.flush();
    await producer.sendOffsets('wire-group', [{ topic: 'offsets-in', partition: 0, offset: 17 }, { topic: 'offsets-in', partition: 2, offset: 5 }]);
    await producer.commit();
    assert.deepEqual(await committed(), ['17', '-1', '5']);
  } finally {
    producer.close();
    await admin.disconnect();
  }
});

test('our fetcher reads exactly what kafkajs committed transactionally, skipping aborted transactions and markers', { timeout: 60_000 }, async () => {
  const theirs = kafka.producer({ transactionalId: 'kafkajs-theirs', idempotent: true, maxInFlightRequests: 1 });
  await theirs.connect();
  const expected: { partition: number; key: string; value: string; header: string }[] = [];
  for (let t = 0; t < 6; t++) {
    const txn = await theirs.transaction();
    const messages = Array.from({ length: 40 }, (_, i) => ({ key: `t${t}-${i}`, value: `value ${t}/${i} ✓`, partition: i % 2, headers: { h: `t${t}` } }));
    // Compressed and plain batches both occur in real topics.
    await txn.send({ topic: 'theirs', messages, compression: t % 2 === 0 ? CompressionTypes.None : CompressionTypes.GZIP });
    if (t === 1 || t === 4) await txn.abort();
    else {
      await txn.commit();
      for (const m of messages) expected.push({ partition: m.partition, key: m.key, value: m.value, header: m.headers.h });
    }
  }
  // A transaction left open: nothing after the last stable offset is served to read_committed.
  const open = await theirs.transaction();
  await open.send({ topic: 'theirs', messages: [{ key: 'open', value: 'undecided', partition: 0 }] });

  const fetcher = await Fetcher.connect({ bootstrap: broker.bootstrap, headers: true });
  const raw = await Fetcher.connectForBuffers({ bootstrap: broker.bootstrap, isolation: 'read_uncommitted' });
  try {
    const ends = await fetcher.endOffsets('theirs', [0, 1]);
    const highs = await raw.endOffsets('theirs', [0, 1]);
    assert.ok(highs.get(0)! > ends.get(0)!, 'the open transaction keeps the last stable offset below the high watermark');
    for (const p of [0, 1]) fetcher.assign('theirs', p, 0);
    const got: { partition: number; key: string; value: string; header: string }[] = [];
    const deadline = Date.now() + 15_000;
    while ([0, 1].some((p) => fetcher.position('theirs', p)! < ends.get(p)!) && Date.now() < deadline) {
      for (const part of await fetcher.fetch()) {
        for (const r of part.records) got.push({ partition: part.partition, key: r.key!, value: r.value!, header: String(r.headers!.h) });
      }
    }
    const order = (a: { partition: number; key: string }, b: { partition: number; key: string }) => a.partition - b.partition;
    assert.deepEqual(got.sort(order), expected.sort(order), 'committed records, each once, in log order per partition');
    assert.equal(got.filter((r) => r.key === 'open').length, 0);

    for (const p of [0, 1]) raw.assign('theirs', p, 0);
    let uncommitted = 0;
    while ([0, 1].some((p) => raw.position('theirs', p)! < highs.get(p)!) && Date.now() < deadline) {
      for (const part of await raw.fetch()) uncommitted += part.records.length;
    }
    assert.equal(uncommitted, 6 * 40 + 1, 'read_uncommitted sees the aborted and open records too, so the filter above did work');
  } finally {
    fetcher.close();
    raw.close();
    await open.abort();
    await theirs.disconnect();
  }
});

test('a second producer with the same transactional id fences the first', { timeout: 60_000 }, async () => {
  const first = await TransactionalProducer.connect({ bootstrap: broker.bootstrap, transactionalId: 'wire-fenced' });
  const second = await TransactionalProducer.connect({ bootstrap: broker.bootstrap, transactionalId: 'wire-fenced' });
  try {
    assert.equal(second.identity.producerId, first.identity.producerId);
    assert.ok(second.identity.producerEpoch > first.identity.producerEpoch, 'the epoch was bumped');
    first.begin();
    first.append('fenced', { key: 'zombie', value: 'from the fenced producer' }, 0);
    await assert.rejects(first.commit(), ProducerFencedError);
    assert.equal(first.fenced, true);
    assert.throws(() => first.begin(), ProducerFencedError, 'a fenced producer refuses further work');

    second.begin();
    second.append('fenced', { key: 'owner', value: 'from the new owner' }, 0);
    await second.commit();
  } finally {
    first.close();
    second.close();
  }
  const fetcher = await Fetcher.connect({ bootstrap: broker.bootstrap });
  try {
    const end = (await fetcher.endOffsets('fenced', [0])).get(0)!;
    fetcher.assign('fenced', 0, 0);
    const keys: string[] = [];
    while (fetcher.position('fenced', 0)! < end) for (const part of await withTimeout(fetcher.fetch(), 10_000, 'fetch')) keys.push(...part.records.map((r) => r.key!));
    assert.deepEqual(keys, ['owner']);
    const record = await fetcher.readAt('fenced', 0, end - 2);
    assert.equal(record?.key, 'owner', 'readAt finds a committed record by its offset');
  } finally {
    fetcher.close();
  }
});
