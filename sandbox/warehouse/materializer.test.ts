import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Admin, Producer } from 'kafkajs';
import { Kafka, logLevel } from 'kafkajs';
import { startBroker } from '../broker/index';
import type { RunningBroker } from '../broker/index';
import { Materializer } from './materializer';
import { tempDir } from './test-support';
import { Warehouse } from './warehouse';

const quiet = { info() {}, warn() {}, error() {} };

/** A broker, and a kafkajs admin and plain producer already connected to it; all closed afterwards. */
async function withBroker(body: (broker: RunningBroker, kafka: Kafka, dir: string, clients: { admin: Admin; producer: Producer }) => Promise<void>): Promise<void> {
  const temp = tempDir('materializer');
  const broker = await startBroker({ port: 0, dataDir: path.join(temp.dir, 'kafka'), logger: quiet });
  const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, connectionTimeout: 5000, requestTimeout: 5000, retry: { retries: 3 } });
  const admin = kafka.admin();
  const producer = kafka.producer();
  try {
    await admin.connect();
    await producer.connect();
    await body(broker, kafka, temp.dir, { admin, producer });
  } finally {
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    await broker.close();
    temp.remove();
  }
}

async function send(producer: Producer, topic: string, partition: number, messages: { value: string; headers?: Record<string, string>; key?: string }[]): Promise<number> {
  const [meta] = await producer.send({ topic, acks: -1, timeout: 5000, messages: messages.map((m) => ({ ...m, partition })) });
  return Number(meta?.baseOffset);
}

const lineage = (positions: [string, number, number][]) => JSON.stringify(positions.map(([t, p, o]) => ({ t, p, o })));

test('materializes a hand-made bronze → silver → gold chain from the broker and traces a gold row to bronze', { timeout: 60_000 }, async () => {
  await withBroker(async (broker, _kafka, dir, { admin, producer }) => {
    let warehouse = await Warehouse.open({ path: path.join(dir, 'warehouse.duckdb'), topics: { 'shop.silver': { schema: { sku: 'string', qty: 'integer', at: 'timestamp' } } } });
    let materializer: Materializer | undefined;
    try {
      await admin.createTopics({ topics: [{ topic: 'shop.bronze', numPartitions: 2 }, { topic: 'shop.silver' }, { topic: 'shop.gold' }], timeout: 5000 });
      const src = (line: number) => ({ 'source-file': 'shop.ndjson', line: String(line) });
      await send(producer, 'shop.bronze', 0, [
        { value: '{"sku":"a","qty":1,"at":"2024-05-01T10:00:01Z"}', headers: src(1) },
        { value: '{"sku":"b","qty":', headers: src(2) },
      ]);
      await send(producer, 'shop.bronze', 1, [{ value: '{"sku":"a","qty":2,"at":"2024-05-01T10:00:03Z"}', headers: src(3) }]);
      const silverHeaders = (from: [string, number, number][]) => ({ 'medallion.layer': 'silver', 'medallion.output': 'silver', 'medallion.lineage': lineage(from) });
      await send(producer, 'shop.silver', 0, [
        { value: '{"sku":"a","qty":1,"at":"2024-05-01T10:00:01Z"}', headers: silverHeaders([['shop.bronze', 0, 0]]) },
        { value: '{"sku":"a","qty":2,"at":"2024-05-01T10:00:03Z"}', headers: silverHeaders([['shop.bronze', 1, 0]]) },
      ]);
      await send(producer, 'shop.gold', 0, [
        {
          key: 'a',
          value: '{"sku":"a","window_start":"2024-05-01T10:00:00Z","qty":3}',
          headers: { 'medallion.layer': 'gold', 'medallion.output': 'gold', 'medallion.id': 'a|10:00', 'medallion.change': 'insert', 'medallion.lineage': lineage([['shop.silver', 0, 0], ['shop.silver', 0, 1]]) },
        },
      ]);

      materializer = await Materializer.start(warehouse, { bootstrap: broker.bootstrap, topics: ['shop.bronze', 'shop.silver', 'shop.gold'], requestTimeoutMs: 5000 });
      await materializer.waitUntilCaughtUp(30_000);

      const bronze = await warehouse.query('SELECT _partition, _offset, sku, _parse_error IS NOT NULL AS bad, _headers->>\'line\' AS line FROM shop_bronze ORDER BY _partition, _offset');
      assert.deepEqual(bronze.rows, [
        [0, 0, 'a', false, '1'],
        [0, 1, null, true, '2'],
        [1, 0, 'a', false, '3'],
      ]);
      const silver = await warehouse.query('SELECT qty, "at" FROM shop_silver ORDER BY _offset');
      assert.deepEqual(silver.columns.map((c) => c.type), ['BIGINT', 'TIMESTAMP']);
      assert.deepEqual(silver.rows, [[1, '2024-05-01T10:00:01.000Z'], [2, '2024-05-01T10:00:03.000Z']]);

      const trace = await warehouse.traceGold('shop_gold', { id: 'a|10:00' });
      const offsets = (r: typeof trace.silver) => r.rows.map((row) => [row[r.columns.findIndex((c) => c.name === '_topic')], row[r.columns.findIndex((c) => c.name === '_partition')], row[r.columns.findIndex((c) => c.name === '_offset')]]);
      assert.deepEqual(offsets(trace.gold), [['shop.gold', 0, 0]]);
      assert.deepEqual(offsets(trace.silver), [['shop.silver', 0, 0], ['shop.silver', 0, 1]]);
      assert.deepEqual(offsets(trace.bronze), [['shop.bronze', 0, 0], ['shop.bronze', 1, 0]]);
      assert.deepEqual(trace.unresolved, []);
      assert.deepEqual(warehouse.layerCounts().map((c) => [c.layer, c.rows]), [['bronze', 3], ['silver', 2], ['gold', 1]]);

      // Restart: records produced while the materializer is down arrive once, nothing twice.
      await materializer.stop();
      materializer = undefined;
      await send(producer, 'shop.bronze', 0, [{ value: '{"sku":"c","qty":5}', headers: src(4) }]);
      await warehouse.close();
      warehouse = await Warehouse.open({ path: path.join(dir, 'warehouse.duckdb') });
      materializer = await Materializer.start(warehouse, { bootstrap: broker.bootstrap, topics: ['shop.bronze', 'shop.silver', 'shop.gold'], requestTimeoutMs: 5000 });
      await materializer.waitUntilCaughtUp(30_000);
      const after = await warehouse.query('SELECT count(*), count(DISTINCT (_partition, _offset)) FROM shop_bronze');
      assert.deepEqual(after.rows, [[4, 4]]);
      await materializer.stop();
      materializer = undefined;

      // A new warehouse file starts from the beginning: positions belong to the file, not to the
      // broker, so the first warehouse having read everything changes nothing for the second.
      const second = await Warehouse.open({ path: path.join(dir, 'second.duckdb') });
      const m = await Materializer.start(second, { bootstrap: broker.bootstrap, topics: ['shop.bronze'], requestTimeoutMs: 5000 });
      await m.waitUntilCaughtUp(30_000);
      await m.stop();
      assert.deepEqual((await second.query('SELECT count(*) FROM shop_bronze')).rows, [[4]]);
      await second.close();
    } finally {
      await materializer?.stop();
      await warehouse.close();
    }
  });
});

test('a pattern picks up topics created after the materializer started', { timeout: 60_000 }, async () => {
  await withBroker(async (broker, _kafka, _dir, { producer }) => {
    const warehouse = await Warehouse.open({ path: ':memory:' });
    const materializer = await Materializer.start(warehouse, { bootstrap: broker.bootstrap, pattern: /^late\./, topicRefreshMs: 200, requestTimeoutMs: 5000 });
    try {
      await send(producer, 'other.topic', 0, [{ value: '{"x":1}' }]);
      await send(producer, 'late.one', 0, [{ value: '{"x":1}' }, { value: '{"x":2}' }]);
      const deadline = Date.now() + 30_000;
      while (warehouse.nextOffset('late.one', 0) !== 2) {
        assert.ok(Date.now() < deadline, 'late.one was materialized in time');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.deepEqual(materializer.stats.topics, ['late.one']);
      assert.deepEqual((await warehouse.query('SELECT sum(x) FROM late_one')).rows, [[3]]);
      assert.equal(warehouse.tableOf('other.topic'), undefined);
    } finally {
      await materializer.stop();
      await warehouse.close();
    }
  });
});

test('a transactional topic is materialized read_committed: caught up past the markers, aborted records left out', { timeout: 60_000 }, async () => {
  await withBroker(async (broker, kafka) => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'txn.gold', numPartitions: 2 }], timeout: 5000 });
    const producer = kafka.producer({ transactionalId: 'txn-test', idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const warehouse = await Warehouse.open({ path: ':memory:' });
    let materializer: Materializer | undefined;
    try {
      const committed = await producer.transaction();
      await committed.send({ topic: 'txn.gold', acks: -1, messages: [{ partition: 0, value: '{"n":1}' }, { partition: 0, value: '{"n":2}' }, { partition: 1, value: '{"n":3}' }] });
      await committed.commit();
      const aborted = await producer.transaction();
      await aborted.send({ topic: 'txn.gold', acks: -1, messages: [{ partition: 0, value: '{"n":100}' }, { partition: 1, value: '{"n":200}' }] });
      await aborted.abort();

      // Every partition ends with a marker: the high watermark is one past it, and no data record
      // sits at that offset, so only treating markers as consumed lets the materializer catch up.
      materializer = await Materializer.start(warehouse, { bootstrap: broker.bootstrap, topics: ['txn.gold'], requestTimeoutMs: 5000 });
      await materializer.waitUntilCaughtUp(20_000, 50);
      assert.deepEqual((await warehouse.query('SELECT _partition, n FROM txn_gold ORDER BY _partition, _offset')).rows, [[0, 1], [0, 2], [1, 3]]);

      // An open transaction holds the last stable offset back: caught up means up to it, and the
      // records appear once the transaction commits.
      const open = await producer.transaction();
      await open.send({ topic: 'txn.gold', acks: -1, messages: [{ partition: 0, value: '{"n":4}' }] });
      await materializer.waitUntilCaughtUp(20_000, 50);
      assert.deepEqual((await warehouse.query('SELECT count(*) FROM txn_gold')).rows, [[3]]);
      await open.commit();
      const deadline = Date.now() + 20_000;
      while (Number((await warehouse.query('SELECT count(*) FROM txn_gold')).rows[0]?.[0]) !== 4) {
        assert.ok(Date.now() < deadline, 'the committed record arrived in time');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await materializer.waitUntilCaughtUp(20_000, 50);
      assert.deepEqual((await warehouse.query('SELECT sum(n) FROM txn_gold')).rows, [[10]]);
    } finally {
      await materializer?.stop();
      await warehouse.close();
      await producer.disconnect();
      await admin.disconnect();
    }
  });
});

// Topics listed before every fetch: the failed commit is then seen while they are listed, before the
// next fetch takes its epoch, which once let that fetch go on past the failed rows.
for (const topicRefreshMs of [undefined, 0]) {
test(`a group DuckDB could not commit is read again: every row once, none lost, none twice (topics listed every ${topicRefreshMs ?? 'default'} ms)`, { timeout: 60_000 }, async () => {
  await withBroker(async (broker, _kafka, _dir, { admin, producer }) => {
    const warehouse = await Warehouse.open({ path: ':memory:' });
    // Once armed, the next transaction fails as a full disk would make it; the ones after succeed.
    const ingestGroup = warehouse.ingestGroup.bind(warehouse);
    let armed = false;
    let failed = 0;
    warehouse.ingestGroup = (batches) => {
      if (!armed) return ingestGroup(batches);
      armed = false;
      failed++;
      return Promise.reject(new Error('disk full'));
    };
    const log: string[] = [];
    let materializer: Materializer | undefined;
    const produceAll = async (from: number) => {
      for (const topic of ['retry.a', 'retry.b']) {
        for (const partition of [0, 1]) await send(producer, topic, partition, Array.from({ length: 5 }, (_, i) => ({ value: JSON.stringify({ n: from + i }) })));
      }
    };
    try {
      await admin.createTopics({ topics: [{ topic: 'retry.a', numPartitions: 2 }, { topic: 'retry.b', numPartitions: 2 }], timeout: 5000 });
      await produceAll(0);
      materializer = await Materializer.start(warehouse, { bootstrap: broker.bootstrap, pattern: /^retry\./, requestTimeoutMs: 5000, topicRefreshMs, log: (m) => log.push(m) });
      await materializer.waitUntilCaughtUp(30_000, 50);
      // The failure strikes a running materializer, after its start-up seeks are long done.
      armed = true;
      await produceAll(5);
      await materializer.waitUntilCaughtUp(30_000, 50);
      assert.equal(failed, 1, 'one transaction failed');
      assert.ok(log.some((m) => /disk full/.test(m)), `the failure was reported: ${log.join('; ')}`);
      for (const table of ['retry_a', 'retry_b']) {
        assert.deepEqual((await warehouse.query(`SELECT count(*), count(DISTINCT (_partition, _offset)), sum(n) FROM ${table}`)).rows, [[20, 20, 90]], table);
      }
    } finally {
      await materializer?.stop();
      await warehouse.close();
    }
  });
});
}

test('a topic deleted while it is materialized is dropped; the others go on, and its rows stay', { timeout: 60_000 }, async () => {
  await withBroker(async (broker, _kafka, _dir, { admin, producer }) => {
    const warehouse = await Warehouse.open({ path: ':memory:' });
    const log: string[] = [];
    let materializer: Materializer | undefined;
    try {
      await admin.createTopics({ topics: [{ topic: 'gone.soon', numPartitions: 1 }, { topic: 'gone.stays', numPartitions: 1 }], timeout: 5000 });
      await send(producer, 'gone.soon', 0, [{ value: '{"n":1}' }]);
      await send(producer, 'gone.stays', 0, [{ value: '{"n":1}' }]);
      materializer = await Materializer.start(warehouse, { bootstrap: broker.bootstrap, pattern: /^gone\./, topicRefreshMs: 100, requestTimeoutMs: 2000, log: (m) => log.push(m) });
      await materializer.waitUntilCaughtUp(30_000, 50);
      await admin.deleteTopics({ topics: ['gone.soon'], timeout: 5000 });
      await send(producer, 'gone.stays', 0, [{ value: '{"n":2}' }]);
      const deadline = Date.now() + 30_000;
      while (warehouse.nextOffset('gone.stays', 0) !== 2 || materializer.stats.topics.includes('gone.soon')) {
        assert.ok(Date.now() < deadline, `the deleted topic was dropped and the other read on in time: ${materializer.stats.topics.join(', ')}; ${log.join('; ')}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await materializer.waitUntilCaughtUp(30_000, 50);
      assert.deepEqual(materializer.stats.topics, ['gone.stays']);
      assert.deepEqual((await warehouse.query('SELECT sum(n) FROM gone_stays')).rows, [[3]]);
      assert.deepEqual((await warehouse.query('SELECT count(*) FROM gone_soon')).rows, [[1]], 'what was materialized of the deleted topic stays');
    } finally {
      await materializer?.stop();
      await warehouse.close();
    }
  });
});
