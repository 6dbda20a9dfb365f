/**
 * Hostile input: random and mutated frames, huge size claims, unknown API keys and versions and
 * wrong CRCs, thrown at a running broker over many raw TCP connections while a kafkajs producer and
 * consumer keep working. The broker must answer with the proper Kafka error or close that one
 * connection, never allocate what a frame claims, never store a corrupt batch, and lose nothing for
 * the well-behaved clients. Replay a run with MEDALLION_FUZZ_SEED=<seed>.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Consumer } from 'kafkajs';
import { encodeControlBatch, encodeRecordBatch } from '../../sandbox/broker/codec/record-batch';
import { startChildBroker, type ChildBroker } from '../support/child-broker';
import { testKafka } from '../support/kafkajs-client';
import { sampleRss } from '../support/proc-stats';
import { RawConnection } from '../support/raw-connection';
import { fetchBatches, splitBootstrap } from '../support/raw-fetch';
import { SeededRandom } from '../support/seeded-random';
import { makeTempDir, type TempDir } from '../support/temp-dir';
import { waitFor, withTimeout } from '../support/timeouts';
import { uniqueGroup, uniqueTopic } from '../support/topic-names';
import { apiVersionsV0, metadataV1, offsetCommitV2, parseApiVersionsV0, parseProduceV3, produceV3, requestHeader } from '../support/wire-requests';
import { corruptProduce, fuzzFrame, validRequestCorpus, withSize } from './fixtures/fuzz-frames';

/** The CLI's default, Kafka's socket.request.max.bytes. */
const MAX_FRAME_BYTES = 100 * 1024 * 1024;
const CORRUPT_MESSAGE = 2;
const UNSUPPORTED_VERSION = 35;
const INVALID_RECORD = 87;

const seed = Number(process.env.MEDALLION_FUZZ_SEED ?? Date.now() % 1_000_000);
let dir: TempDir;
let broker: ChildBroker;
let host: string;
let port: number;

before(async () => {
  dir = makeTempDir('medallion-fuzz-');
  broker = await startChildBroker({ dataDir: dir.path });
  [host, port] = splitBootstrap(broker.bootstrap);
});

after(async () => {
  await broker.stop();
  dir.remove();
});

async function ask(payload: Buffer): Promise<Buffer | null> {
  const conn = await RawConnection.open(host, port);
  try {
    await conn.sendFrame(payload);
    return await conn.readFrame(5_000);
  } finally {
    conn.destroy();
  }
}

async function expectClosed(bytes: Buffer, what: string): Promise<void> {
  const conn = await RawConnection.open(host, port);
  try {
    await conn.write(bytes);
    assert.equal(await conn.waitClosed(5_000), true, `${what}: the broker closes the connection`);
    assert.equal(conn.bytesReceived, 0, `${what}: nothing is answered`);
  } finally {
    conn.destroy();
  }
}

test('each kind of bad input gets its proper answer', async () => {
  const rng = new SeededRandom(seed);
  const topic = uniqueTopic('crc-target');

  // Metadata v1 creates the topic (auto-creation), then a good batch fixes its content.
  assert.ok(await ask(metadataV1(10, [topic])), 'metadata is answered');
  const good = encodeRecordBatch({ records: [{ key: null, value: Buffer.from('good') }] });
  const goodAnswer = await ask(produceV3(11, topic, 0, good));
  assert.ok(goodAnswer, 'a good produce is answered');
  assert.deepEqual(parseProduceV3(goodAnswer).partitions.map((p) => [p.errorCode, p.baseOffset]), [[0, 0]]);

  for (let i = 0; i < 5; i++) {
    const answer = await ask(corruptProduce(rng, topic, 20 + i));
    assert.ok(answer, 'a wrong-CRC produce is answered, not dropped');
    const parsed = parseProduceV3(answer);
    assert.equal(parsed.correlationId, 20 + i);
    assert.deepEqual(parsed.partitions.map((p) => p.errorCode), [CORRUPT_MESSAGE], 'a wrong CRC gets CORRUPT_MESSAGE');
  }
  const stored = await fetchBatches(broker.bootstrap, topic, 0, 0);
  assert.deepEqual(stored.map((b) => [b.header.baseOffset, b.header.recordCount]), [[0, 1]], 'only the good batch is stored');

  // As a newer client sends it: header v2 (empty tagged fields) and a v3-shaped body.
  const flexibleBody = Buffer.from([0, 5, ...Buffer.from('fuzz'), 4, ...Buffer.from('1.0'), 0]);
  const versions = await ask(Buffer.concat([requestHeader(18, 99, 5), flexibleBody]));
  assert.ok(versions, 'an unsupported ApiVersions version is answered');
  const parsed = parseApiVersionsV0(versions);
  assert.equal(parsed.correlationId, 5);
  assert.equal(parsed.errorCode, UNSUPPORTED_VERSION);
  assert.ok(parsed.apis.has(0) && parsed.apis.has(1), 'with the supported ranges, so the client can retry');

  await expectClosed(withSize(Buffer.concat([requestHeader(0, 99, 1), Buffer.alloc(20)])), 'Produce v99');
  await expectClosed(withSize(Buffer.concat([requestHeader(1000, 0, 1), Buffer.alloc(20)])), 'unknown API key 1000');
  await expectClosed(withSize(Buffer.from([0, 3])), 'a header cut short');
  await expectClosed(withSize(Buffer.concat([requestHeader(3, 1, 1), Buffer.from([0x7f, 0xff, 0xff, 0xff])])), 'Metadata claiming 2^31 topics');
  for (const claim of [0x7fffffff, MAX_FRAME_BYTES + 1, -1]) {
    const size = Buffer.alloc(4);
    size.writeInt32BE(claim);
    await expectClosed(size, `a frame claiming ${claim} bytes`);
  }
});

test('a client cannot write transaction markers (control batches) through Produce', async () => {
  const topic = uniqueTopic('control-by-client');
  assert.ok(await ask(metadataV1(1, [topic])), 'metadata is answered');
  for (const type of ['commit', 'abort'] as const) {
    const marker = encodeControlBatch({ producerId: 4242, producerEpoch: 0, type, coordinatorEpoch: 0, timestamp: Date.now() });
    const answer = await ask(produceV3(2, topic, 0, marker));
    assert.ok(answer, 'the produce is answered');
    // Kafka's LogValidator: "Clients are not allowed to write control records".
    assert.deepEqual(parseProduceV3(answer).partitions.map((p) => p.errorCode), [INVALID_RECORD], `a client-written ${type} marker is refused`);
  }
  const good = await ask(produceV3(3, topic, 0, encodeRecordBatch({ records: [{ key: null, value: Buffer.from('data') }] })));
  assert.ok(good);
  assert.deepEqual(parseProduceV3(good).partitions.map((p) => [p.errorCode, p.baseOffset]), [[0, 0]], 'no marker took an offset');
});

test('frames claiming nearly the maximum size cost nothing until their bytes arrive', async () => {
  const claims: RawConnection[] = [];
  const before = broker.stats();
  assert.ok(before, 'the broker process is running');
  try {
    for (let i = 0; i < 20; i++) {
      const conn = await RawConnection.open(host, port);
      claims.push(conn);
      const size = Buffer.alloc(4);
      size.writeInt32BE(MAX_FRAME_BYTES - 1);
      await conn.write(Buffer.concat([size, requestHeader(3, 1, i)]));
    }
    // Give the broker time to read every claim (nothing here measures how long that takes).
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.ok(await ask(apiVersionsV0(1)), 'the broker still answers others');
    const during = broker.stats();
    assert.ok(during, 'the broker process is running');
    const grownMb = (during.dataBytes - before.dataBytes) / 2 ** 20;
    // Twenty claims of 100 MB would be 2,000 MB if buffers were reserved for them.
    assert.ok(grownMb < 200, `the broker's data mappings grew ${grownMb.toFixed(0)} MB for 20 claims of ${MAX_FRAME_BYTES - 1} bytes`);
    assert.ok(claims.every((c) => !c.closed), 'a claim within the limit keeps its connection open while the bytes are awaited');
  } finally {
    for (const c of claims) c.destroy();
  }
});

test('an int64 beyond 2^53 in a request does not poison later answers', async () => {
  const groupId = uniqueGroup('huge-offset');
  const topic = uniqueTopic('huge-offset');
  assert.ok(await ask(metadataV1(1, [topic])), 'metadata is answered');
  // 2^62 is a valid Kafka offset on the wire but not a safe JavaScript number. Refusing it (closing
  // the connection or answering an error) is fine; storing a rounded value that later answers
  // cannot encode is not.
  await ask(offsetCommitV2(2, groupId, topic, 0, 2n ** 62n)).catch(() => null);
  const kafka = testKafka(broker.bootstrap, 'huge-offset-check');
  const admin = kafka.admin();
  await withTimeout(admin.connect(), 10_000, 'admin connect');
  try {
    const offsets = await withTimeout(admin.fetchOffsets({ groupId, topics: [topic] }), 30_000, 'fetchOffsets after a 2^62 commit');
    assert.ok(['-1', String(2n ** 62n)].includes(offsets[0]?.partitions[0]?.offset ?? ''), `committed offset ${offsets[0]?.partitions[0]?.offset}`);
  } finally {
    await admin.disconnect();
  }
});

test(`random and mutated frames over many connections; clients lose nothing (seed ${seed})`, { timeout: 150_000 }, async (t) => {
  const rng = new SeededRandom(seed);
  const versions = await ask(apiVersionsV0(1));
  assert.ok(versions);
  const corpus = validRequestCorpus(parseApiVersionsV0(versions).apis);
  assert.ok(corpus.length > 50, 'the corpus covers the advertised APIs');

  const kafka = testKafka(broker.bootstrap, 'fuzz-bystander');
  const topic = uniqueTopic('fuzz-bystander');
  const admin = kafka.admin();
  await admin.connect();
  // The sink receives only wrong-CRC produces from the fuzzer, so it must stay empty.
  await withTimeout(admin.createTopics({ topics: [{ topic, numPartitions: 3 }, { topic: 'fuzz-crc-sink', numPartitions: 1 }] }), 10_000, 'createTopics');
  await admin.disconnect();

  // If the broker dies, everything stops at once and the test fails with its last output, rather
  // than clients retrying against a dead port until the runner's time limit.
  let brokerDied = false;
  void broker.exited.then(() => {
    brokerDied = true;
  });
  const received = new Set<string>();
  const consumer: Consumer = kafka.consumer({
    groupId: uniqueGroup('fuzz'),
    maxWaitTimeInMs: 100,
    retry: { retries: 3, restartOnFailure: async () => false },
  });
  const producer = kafka.producer();
  const acked: string[] = [];
  let sendErrors = 0;
  let stopProducing = false;
  const rss = sampleRss(broker.pid, 50);
  const rssBefore = broker.stats()?.rssBytes ?? 0;
  try {
    await withTimeout(consumer.connect(), 10_000, 'consumer connect');
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.add(message.value!.toString());
      },
    });
    await withTimeout(producer.connect(), 10_000, 'producer connect');
    const producing = (async () => {
      for (let seq = 0; !stopProducing && !brokerDied; seq++) {
        const values = Array.from({ length: 20 }, (_, i) => `fuzz-${seq}-${i}`);
        try {
          await producer.send({ topic, acks: -1, messages: values.map((value) => ({ key: value, value })) });
          acked.push(...values);
        } catch {
          sendErrors++;
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();

    const kinds = new Map<string, number>();
    let thrown = 0;
    const total = 4000;
    const worker = async () => {
      while (thrown < total && !brokerDied) {
        thrown++;
        const conn = await RawConnection.open(host, port);
        try {
          // One to four frames per connection: later ones show whether a bad frame poisons the stream.
          const count = rng.int(1, 4);
          for (let i = 0; i < count && !conn.closed; i++) {
            const frame = fuzzFrame(rng, corpus, MAX_FRAME_BYTES);
            kinds.set(frame.kind, (kinds.get(frame.kind) ?? 0) + 1);
            await conn.write(frame.bytes);
          }
          await conn.readFrame(100).catch(() => null);
        } finally {
          conn.destroy();
        }
      }
    };
    await withTimeout(Promise.all(Array.from({ length: 12 }, () => worker())), 120_000, 'fuzz workers');
    stopProducing = true;
    await withTimeout(producing, 20_000, 'producer loop');
    t.diagnostic(`${thrown} hostile connections: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}; bystander produced ${acked.length}`);

    assert.equal(brokerDied, false, `the broker process died during the fuzz (seed ${seed}); its output: ${broker.output().slice(-3000)}`);
    await waitFor(() => acked.every((v) => received.has(v)), {
      timeoutMs: 30_000,
      label: 'consumer received every acknowledged record',
      describe: () => `${acked.filter((v) => !received.has(v)).length} of ${acked.length} missing; seed ${seed}`,
    });
    assert.ok(acked.length > 200, `the bystander producer kept producing (${acked.length} acknowledged, ${sendErrors} failed sends)`);
    assert.equal(sendErrors, 0, 'no produce of the well-behaved client failed');
    for (const kind of ['bit flips', 'huge size claim', 'unknown API key', 'wrong CRC produce', 'length lie (longer)']) {
      assert.ok((kinds.get(kind) ?? 0) > 0, `the run included ${kind}`);
    }

    // Nothing claimed by a frame was allocated: dozens of 100 MB claims would show here.
    const peak = rss.stop();
    assert.ok(peak < 300 * 1024 * 1024, `broker peak RSS ${(peak / 2 ** 20).toFixed(0)} MB stays bounded (seed ${seed})`);
    assert.ok(peak - rssBefore < 200 * 1024 * 1024, `RSS grew ${((peak - rssBefore) / 2 ** 20).toFixed(0)} MB during the fuzz`);

    const sink = await fetchBatches(broker.bootstrap, 'fuzz-crc-sink', 0, 0);
    assert.deepEqual(sink, [], 'no wrong-CRC batch was stored');

    const still = await ask(apiVersionsV0(99));
    assert.ok(still && parseApiVersionsV0(still).errorCode === 0, 'a fresh connection is served normally');
  } finally {
    stopProducing = true;
    rss.stop();
    await withTimeout(producer.disconnect(), 10_000, 'producer disconnect').catch(() => undefined);
    await withTimeout(consumer.disconnect(), 10_000, 'consumer disconnect').catch(() => undefined);
  }
});
