import { test } from 'node:test';
import assert from 'node:assert/strict';
import { record, tempWarehouse } from './test-support';

const lineage = (positions: [string, number, number][]) => JSON.stringify(positions.map(([t, p, o]) => ({ t, p, o })));

test('traceGold follows a gold row to its silver rows and their bronze events, across partitions', async () => {
  const t = await tempWarehouse();
  try {
    const w = t.warehouse;
    await w.ingest('sales.bronze', 0, [record(0, { sku: 'a', qty: 1 }), record(1, '{broken'), record(2, { sku: 'b', qty: 2 })]);
    await w.ingest('sales.bronze', 1, [record(0, { sku: 'a', qty: 3 })]);
    const silver = (id: string, from: [string, number, number][]) => ({
      'medallion.layer': 'silver',
      'medallion.output': 'silver',
      'medallion.id': id,
      'medallion.lineage': lineage(from),
    });
    await w.ingest('sales.silver', 0, [
      record(0, { sku: 'a', qty: 1 }, silver('s0', [['sales.bronze', 0, 0]])),
      record(1, { sku: 'b', qty: 2 }, silver('s1', [['sales.bronze', 0, 2]])),
      record(2, { sku: 'a', qty: 3 }, silver('s2', [['sales.bronze', 1, 0]])),
    ]);
    await w.ingest('sales.silver.quarantine', 0, [
      record(0, { raw: '{broken', rule: 'parse' }, { ...silver('q0', [['sales.bronze', 0, 1]]), 'medallion.output': 'quarantine' }),
    ]);
    const gold = (id: string, change: string, from: [string, number, number][]) => ({
      'medallion.layer': 'gold',
      'medallion.output': 'gold',
      'medallion.id': id,
      'medallion.change': change,
      'medallion.lineage': lineage(from),
    });
    await w.ingest('sales.gold', 0, [
      record(0, { sku: 'a', total: 1 }, gold('a|w1', 'insert', [['sales.silver', 0, 0]])),
      record(1, { sku: 'a', total: 1 }, gold('a|w1', 'retract', [['sales.silver', 0, 0]])),
      record(2, { sku: 'a', total: 4 }, gold('a|w1', 'insert', [['sales.silver', 0, 0], ['sales.silver', 0, 2], ['sales.silver.quarantine', 0, 0], ['sales.missing', 0, 9]])),
      record(3, { sku: 'b', total: 2 }, gold('b|w1', 'insert', [['sales.silver', 0, 1]])),
    ]);

    const trace = await w.traceGold('sales_gold', { id: 'a|w1' });
    const col = (name: string, r: typeof trace.gold) => r.columns.findIndex((c) => c.name === name);
    assert.deepEqual(trace.gold.rows.map((r) => [r[col('_offset', trace.gold)], r[col('total', trace.gold)]]), [[2, 4]]);
    const at = (r: typeof trace.silver) => r.rows.map((row) => [row[col('_topic', r)], row[col('_partition', r)], row[col('_offset', r)]]);
    assert.deepEqual(at(trace.silver), [
      ['sales.silver', 0, 0],
      ['sales.silver', 0, 2],
      ['sales.silver.quarantine', 0, 0],
    ]);
    assert.deepEqual(at(trace.bronze), [
      ['sales.bronze', 0, 0],
      ['sales.bronze', 0, 1],
      ['sales.bronze', 1, 0],
    ]);
    assert.equal(trace.bronze.rows[1]?.[col('_raw', trace.bronze)], '{broken');
    assert.deepEqual(trace.unresolved, [{ t: 'sales.missing', p: 0, o: 9 }]);

    const byPosition = await w.traceGold('sales_gold', { partition: 0, offset: 3 });
    assert.deepEqual(at(byPosition.silver), [['sales.silver', 0, 1]]);
    assert.deepEqual(at(byPosition.bronze), [['sales.bronze', 0, 2]]);
  } finally {
    await t.cleanup();
  }
});

test('lineage is plain SQL too: one UNNEST and a join reach the silver rows behind every gold row', async () => {
  const t = await tempWarehouse();
  try {
    const w = t.warehouse;
    await w.ingest('s', 0, [record(0, { v: 1 }, { 'medallion.layer': 'silver' }), record(1, { v: 2 }, { 'medallion.layer': 'silver' })]);
    await w.ingest('g', 0, [
      record(0, { sum: 3 }, { 'medallion.layer': 'gold', 'medallion.lineage': lineage([['s', 0, 0], ['s', 0, 1]]), 'medallion.lineage-truncated': '5' }),
    ]);
    const result = await w.query(`SELECT g._offset AS gold_offset, s.v
FROM g, UNNEST(g._lineage) AS u(pos)
JOIN s ON s._topic = pos.t AND s._partition = pos.p AND s._offset = pos.o
ORDER BY s.v`);
    assert.deepEqual(result.rows, [[0, 1], [0, 2]]);
    const trace = await w.traceGold('g', { partition: 0, offset: 0 });
    assert.deepEqual(trace.truncated, [{ topic: 'g', partition: 0, offset: 0, omitted: 5 }]);
  } finally {
    await t.cleanup();
  }
});

test('the two-hop SQL in LINEAGE.md runs and reaches the raw bronze lines', async () => {
  const t = await tempWarehouse();
  try {
    const w = t.warehouse;
    await w.ingest('shop.bronze', 0, [record(0, '{"sku":"a"}', { 'source-file': 'shop.ndjson', line: '1' }), record(1, '{"sku":"a"', { 'source-file': 'shop.ndjson', line: '2' })]);
    await w.ingest('shop.silver', 0, [record(0, { sku: 'a' }, { 'medallion.layer': 'silver', 'medallion.lineage': lineage([['shop.bronze', 0, 0]]) })]);
    await w.ingest('shop.gold', 0, [record(0, { sku: 'a', n: 1 }, { 'medallion.layer': 'gold', 'medallion.id': 'a|10:00', 'medallion.lineage': lineage([['shop.silver', 0, 0]]) })]);
    const result = await w.query(`SELECT g._id AS gold_id, b._raw, b._headers->>'source-file' AS file, b._headers->>'line' AS line
FROM shop_gold g, UNNEST(g._lineage) AS gu(gp)
JOIN shop_silver s ON s._topic = gp.t AND s._partition = gp.p AND s._offset = gp.o,
     UNNEST(s._lineage) AS su(sp)
JOIN shop_bronze b ON b._topic = sp.t AND b._partition = sp.p AND b._offset = sp.o
WHERE g._id = 'a|10:00';`);
    assert.deepEqual(result.rows, [['a|10:00', '{"sku":"a"}', 'shop.ndjson', '1']]);
  } finally {
    await t.cleanup();
  }
});
