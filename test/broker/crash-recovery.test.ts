/**
 * Crash recovery: the broker runs as its own process and is killed with SIGKILL while a client
 * produces with acks=all. After a restart on the same data directory every acknowledged record is
 * at the offset it was acknowledged with, a torn or corrupt tail is found by its CRC and cut off,
 * and producing and consuming carry on from the last good batch. Idempotent producers' state
 * survives too: sequences continue and a retried batch is recognised as the duplicate it is.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, statSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { decodeResponse, encodeRequest } from '../../sandbox/broker/codec/index';
import { encodeRecordBatch } from '../../sandbox/broker/codec/record-batch';
import { startChildBroker, type ChildBroker } from '../support/child-broker';
import { activeSegmentFile } from '../support/log-files';
import { RawConnection } from '../support/raw-connection';
import { splitBootstrap } from '../support/raw-fetch';
import { describeResult, runCommand } from '../support/run-command';
import { makeTempDir } from '../support/temp-dir';
import { waitFor, withTimeout } from '../support/timeouts';
import { uniqueGroup, uniqueTopic } from '../support/topic-names';
import { metadataV1, parseProduceV3, produceV3 } from '../support/wire-requests';

/** A producer that gives up quickly: once the broker is dead, its sends are simply unacknowledged. */
function fragileKafka(bootstrap: string): Kafka {
  return new Kafka({
    clientId: 'crash-producer',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 5_000,
    retry: { retries: 0 },
  });
}

/** Every record of the partition as `offset -> value`, read with kcat, which is fast for large logs. */
async function readAll(bootstrap: string, topic: string): Promise<Map<number, string>> {
  const result = await runCommand('kcat', ['-b', bootstrap, '-q', '-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-f', '%o %s\n'], { timeoutMs: 60_000 });
  assert.equal(result.code, 0, `kcat consume: ${describeResult(result)}`);
  const records = new Map<number, string>();
  for (const line of result.stdout.split('\n')) {
    if (line === '') continue;
    const space = line.indexOf(' ');
    records.set(Number(line.slice(0, space)), line.slice(space + 1));
  }
  return records;
}

async function produceOne(bootstrap: string, topic: string, value: string): Promise<string> {
  const kafka = new Kafka({ clientId: 'after-crash', brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 3 } });
  const producer = kafka.producer();
  await withTimeout(producer.connect(), 10_000, 'producer connect after restart');
  try {
    const [meta] = await withTimeout(producer.send({ topic, acks: -1, messages: [{ partition: 0, value }] }), 10_000, 'send after restart');
    return meta!.baseOffset!;
  } finally {
    await producer.disconnect();
  }
}

/** A batch the way a crash mid-write leaves it: a valid header and only part of the records. */
function tornBatch(): Buffer {
  const whole = encodeRecordBatch({
    baseOffset: 0,
    records: Array.from({ length: 50 }, (_, i) => ({ key: null, value: Buffer.from(`torn-${i}-${'t'.repeat(80)}`) })),
  });
  return whole.subarray(0, Math.floor(whole.length * 0.6));
}

/** A complete batch whose CRC no longer matches its bytes: a sector that was written wrongly. */
function corruptBatch(baseOffset: number): Buffer {
  const batch = Buffer.from(encodeRecordBatch({ baseOffset, records: [{ key: null, value: Buffer.from('corrupt-record') }] }));
  batch[batch.length - 3]! ^= 0xff;
  return batch;
}

test('kill -9 during heavy acks=all produce loses no acknowledged record; the torn tail is truncated', { timeout: 120_000 }, async (t) => {
  const dir = makeTempDir('medallion-crash-');
  const topic = uniqueTopic('crash');
  let broker: ChildBroker | undefined;
  try {
    broker = await startChildBroker({ dataDir: dir.path });
    const producer = fragileKafka(broker.bootstrap).producer({ allowAutoTopicCreation: true, retry: { retries: 0 } });
    await withTimeout(producer.connect(), 10_000, 'producer connect');
    const acknowledged = new Map<number, string>();
    let stopping = false;
    let failedSends = 0;
    const worker = async (w: number) => {
      for (let seq = 0; !stopping; seq++) {
        const values = Array.from({ length: 250 }, (_, i) => `w${w}-s${seq}-r${i}-`.padEnd(100, 'x'));
        try {
          const [meta] = await producer.send({ topic, acks: -1, messages: values.map((value) => ({ partition: 0, value })) });
          const base = Number(meta!.baseOffset);
          values.forEach((value, i) => acknowledged.set(base + i, value));
        } catch {
          failedSends++;
          return;
        }
      }
    };
    const workers = [0, 1, 2, 3].map((w) => worker(w));
    await waitFor(() => acknowledged.size >= 100_000, {
      timeoutMs: 60_000,
      label: 'acknowledged records before the kill',
      describe: () => `${acknowledged.size} acknowledged, ${failedSends} failed sends`,
    });
    // SIGKILL while the workers still have sends in flight.
    await broker.kill9();
    stopping = true;
    await withTimeout(Promise.all(workers), 30_000, 'producer workers to notice the dead broker');
    await withTimeout(producer.disconnect(), 10_000, 'producer disconnect').catch(() => undefined);
    assert.ok(failedSends > 0, 'some sends were in flight when the broker died');

    const segment = activeSegmentFile(dir.path, topic, 0);
    const sizeBefore = statSync(segment).size;
    appendFileSync(segment, tornBatch());

    broker = await startChildBroker({ dataDir: dir.path });
    const stored = await readAll(broker.bootstrap, topic);
    for (const [offset, value] of acknowledged) {
      if (stored.get(offset) !== value) {
        assert.fail(`acknowledged record at offset ${offset} is ${JSON.stringify(stored.get(offset))}, expected ${JSON.stringify(value)}`);
      }
    }
    t.diagnostic(`${acknowledged.size} records acknowledged before kill -9, ${stored.size} stored after recovery, ${failedSends} sends in flight failed`);
    const offsets = [...stored.keys()];
    assert.deepEqual(offsets, offsets.map((_, i) => i), 'offsets after recovery are consecutive from 0');
    assert.ok(![...stored.values()].some((v) => v.startsWith('torn-')), 'no record of the torn batch is served');
    assert.ok(statSync(segment).size <= sizeBefore, 'the segment was truncated back to its last whole batch');

    const next = await produceOne(broker.bootstrap, topic, 'after-restart');
    assert.equal(Number(next), stored.size, 'the next record takes the offset right after the last good batch');
    const again = await readAll(broker.bootstrap, topic);
    assert.equal(again.get(stored.size), 'after-restart');
    assert.equal(again.size, stored.size + 1);
  } finally {
    await broker?.kill9();
    dir.remove();
  }
});

test('a complete batch with a wrong CRC at the tail is cut off on restart; records and committed offsets before it survive', { timeout: 60_000 }, async () => {
  const dir = makeTempDir('medallion-crc-');
  const topic = uniqueTopic('crc-tail');
  const groupId = uniqueGroup('crc-tail');
  let broker: ChildBroker | undefined;
  try {
    broker = await startChildBroker({ dataDir: dir.path });
    const values = Array.from({ length: 100 }, (_, i) => `good-${i}`);
    const produced = await runCommand('kcat', ['-b', broker.bootstrap, '-q', '-P', '-t', topic, '-X', 'acks=all'], {
      timeoutMs: 20_000,
      input: values.join('\n') + '\n',
    });
    assert.equal(produced.code, 0, `kcat produce: ${describeResult(produced)}`);
    // A group commit acknowledged before the kill must survive it as the records do; kcat -G
    // commits the offsets of the records it handed out when it closes after -c records.
    const committed = await runCommand(
      'kcat',
      ['-b', broker.bootstrap, '-q', '-G', groupId, '-X', 'auto.offset.reset=earliest', '-c', '60', '-f', '%o\n', topic],
      { timeoutMs: 30_000 },
    );
    assert.equal(committed.code, 0, `kcat -G: ${describeResult(committed)}`);
    await broker.kill9();

    const segment = activeSegmentFile(dir.path, topic, 0);
    const goodSize = statSync(segment).size;
    appendFileSync(segment, corruptBatch(values.length));

    broker = await startChildBroker({ dataDir: dir.path });
    const stored = await readAll(broker.bootstrap, topic);
    assert.deepEqual([...stored.entries()], values.map((v, i) => [i, v]));
    assert.equal(statSync(segment).size, goodSize, 'the corrupt batch was truncated away');
    assert.equal(await produceOne(broker.bootstrap, topic, 'next'), String(values.length));
    const kafka = new Kafka({ clientId: 'crash-admin', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await withTimeout(admin.connect(), 10_000, 'admin connect');
    try {
      const offsets = await withTimeout(admin.fetchOffsets({ groupId, topics: [topic] }), 10_000, 'fetchOffsets');
      assert.equal(offsets[0]?.partitions[0]?.offset, '60', 'the offset committed before kill -9 is still there');
    } finally {
      await admin.disconnect();
    }
  } finally {
    await broker?.kill9();
    dir.remove();
  }
});

test('an idempotent producer carries on after kill -9 and restart: sequences continue, nothing is stored twice', { timeout: 60_000 }, async () => {
  const dir = makeTempDir('medallion-crash-idem-');
  const topic = uniqueTopic('crash-idempotent');
  let broker: ChildBroker | undefined;
  try {
    broker = await startChildBroker({ dataDir: dir.path });
    const port = broker.port;
    const kafka = new Kafka({
      clientId: 'idempotent-across-crash',
      brokers: [broker.bootstrap],
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1_000,
      retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 1_000 },
    });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: true });
    await withTimeout(producer.connect(), 10_000, 'producer connect');
    try {
      for (let i = 0; i < 5; i++) {
        await withTimeout(producer.send({ topic, acks: -1, messages: [{ partition: 0, value: `before-${i}` }] }), 10_000, 'send before the crash');
      }
      await broker.kill9();
      // Same port, so the producer reconnects to "the same broker" with the same producer id and epoch.
      broker = await startChildBroker({ dataDir: dir.path, port });
      for (let i = 0; i < 5; i++) {
        await withTimeout(producer.send({ topic, acks: -1, messages: [{ partition: 0, value: `after-${i}` }] }), 20_000, 'send after the restart');
      }
    } finally {
      await withTimeout(producer.disconnect(), 10_000, 'producer disconnect').catch(() => undefined);
    }
    const stored = await readAll(broker.bootstrap, topic);
    assert.deepEqual([...stored.values()], [0, 1, 2, 3, 4].map((i) => `before-${i}`).concat([0, 1, 2, 3, 4].map((i) => `after-${i}`)));
  } finally {
    await broker?.kill9();
    dir.remove();
  }
});

test('a batch acknowledged before kill -9 and retried after the restart is recognised as a duplicate', { timeout: 60_000 }, async () => {
  const dir = makeTempDir('medallion-crash-dup-');
  const topic = uniqueTopic('crash-duplicate');
  let broker: ChildBroker | undefined;
  const send = async (payload: Buffer): Promise<Buffer> => {
    const [host, port] = splitBootstrap(broker!.bootstrap);
    const conn = await RawConnection.open(host, port);
    try {
      await conn.sendFrame(payload);
      const frame = await conn.readFrame(10_000);
      assert.ok(frame, 'the broker answers');
      return frame;
    } finally {
      conn.destroy();
    }
  };
  try {
    broker = await startChildBroker({ dataDir: dir.path });
    assert.ok(await send(metadataV1(1, [topic])));
    const init = decodeResponse(22, 0, await send(Buffer.concat(encodeRequest(22, 0, 2, 'raw', { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1 })).subarray(4)));
    assert.equal(init.body.errorCode, 0);
    const { producerId, producerEpoch } = init.body;
    const batch = (baseSequence: number, value: string) =>
      encodeRecordBatch({ producerId, producerEpoch, baseSequence, records: [{ key: null, value: Buffer.from(value) }] });
    const first = parseProduceV3(await send(produceV3(3, topic, 0, batch(0, 'seq-0'))));
    assert.deepEqual(first.partitions.map((p) => [p.errorCode, p.baseOffset]), [[0, 0]]);

    // The acknowledgement is "lost" with the crash; the producer retries the very same batch.
    await broker.kill9();
    broker = await startChildBroker({ dataDir: dir.path });
    const retried = parseProduceV3(await send(produceV3(4, topic, 0, batch(0, 'seq-0'))));
    assert.deepEqual(retried.partitions.map((p) => [p.errorCode, p.baseOffset]), [[0, 0]], 'the duplicate is acknowledged with its original offset');
    const next = parseProduceV3(await send(produceV3(5, topic, 0, batch(1, 'seq-1'))));
    assert.deepEqual(next.partitions.map((p) => [p.errorCode, p.baseOffset]), [[0, 1]], 'the next sequence follows on');
    const stored = await readAll(broker.bootstrap, topic);
    assert.deepEqual([...stored.entries()], [[0, 'seq-0'], [1, 'seq-1']]);
  } finally {
    await broker?.kill9();
    dir.remove();
  }
});
