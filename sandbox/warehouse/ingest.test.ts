import { test } from 'node:test';
import assert from 'node:assert/strict';
import { record, tempWarehouse } from './test-support';

test('infers typed columns, adds a column when a new field drifts in, and widens inferred types', async () => {
  const t = await tempWarehouse();
  try {
    const w = t.warehouse;
    await w.ingest('orders', 0, [record(0, { id: 1, amount: 10, ok: true, tags: ['a'] }), record(1, { id: 2, amount: 11, ok: false, tags: [] })]);
    await w.ingest('orders', 0, [record(2, { id: 3, amount: 12.5, ok: true, tags: ['b'], coupon: 'X1' })]);
    await w.ingest('orders', 0, [record(3, { id: 'four', amount: 13, ok: true })]);
    const table = (await w.listTables()).find((x) => x.name === 'orders');
    assert.ok(table);
    const types = Object.fromEntries(table.columns.filter((c) => c.field !== undefined).map((c) => [c.name, c.type]));
    assert.deepEqual(types, { id: 'VARCHAR', amount: 'DOUBLE', ok: 'BOOLEAN', tags: 'JSON', coupon: 'VARCHAR' });
    const rows = await w.query('SELECT _offset, id, amount, coupon, tags FROM orders ORDER BY _offset');
    assert.deepEqual(rows.rows, [
      [0, '1', 10, null, '["a"]'],
      [1, '2', 11, null, '[]'],
      [2, '3', 12.5, 'X1', '["b"]'],
      [3, 'four', 13, null, null],
    ]);
  } finally {
    await t.cleanup();
  }
});

test('a declared schema types columns up front and stores values that do not fit as NULL, keeping _raw', async () => {
  const t = await tempWarehouse({
    topics: { payments: { schema: { id: 'string', at: 'timestamp', amount: 'integer', meta: 'json' }, layer: 'silver' } },
  });
  try {
    const w = t.warehouse;
    await w.ingest('payments', 0, [
      record(0, { id: 'p1', at: '2024-05-01T10:00:00.123Z', amount: 5, meta: { a: 1 } }),
      record(1, { id: 7, at: 'yesterday', amount: 5.5, meta: 'text' }),
    ]);
    const result = await w.query('SELECT id, "at", amount, meta, _raw, _layer FROM payments ORDER BY _offset');
    assert.deepEqual(result.columns.map((c) => c.type), ['VARCHAR', 'TIMESTAMP', 'BIGINT', 'JSON', 'VARCHAR', 'VARCHAR']);
    assert.deepEqual(result.rows[0], ['p1', '2024-05-01T10:00:00.123Z', 5, '{"a":1}', '{"id":"p1","at":"2024-05-01T10:00:00.123Z","amount":5,"meta":{"a":1}}', 'silver']);
    assert.deepEqual(result.rows[1], [null, null, null, '"text"', '{"id":7,"at":"yesterday","amount":5.5,"meta":"text"}', 'silver']);
  } finally {
    await t.cleanup();
  }
});

test('invalid JSON in bronze is kept verbatim in _raw with NULL typed columns and a _parse_error', async () => {
  const t = await tempWarehouse();
  try {
    const w = t.warehouse;
    await w.ingest('clicks', 0, [
      record(0, { user: 'u1', n: 1 }, { 'source-file': 'clicks.ndjson', line: '1' }),
      record(1, '{"user": "u2", n: }', { 'source-file': 'clicks.ndjson', line: '2' }),
      record(2, '[1,2]'),
      record(3, null),
    ]);
    const result = await w.query('SELECT _offset, "user", n, _raw, _parse_error IS NOT NULL, _headers, _layer FROM clicks ORDER BY _offset');
    assert.deepEqual(result.rows, [
      [0, 'u1', 1, '{"user":"u1","n":1}', false, '{"source-file":"clicks.ndjson","line":"1"}', 'bronze'],
      [1, null, null, '{"user": "u2", n: }', true, '{"source-file":"clicks.ndjson","line":"2"}', 'bronze'],
      [2, null, null, '[1,2]', true, null, 'bronze'],
      [3, null, null, null, false, null, 'bronze'],
    ]);
    const error = await w.query('SELECT _parse_error FROM clicks WHERE _offset = 1');
    assert.match(String(error.rows[0]?.[0]), /JSON/);
  } finally {
    await t.cleanup();
  }
});

test('restarting neither duplicates nor loses rows: offsets, columns and counters live in the file', async () => {
  const t = await tempWarehouse();
  try {
    let w = t.warehouse;
    await w.ingest('events', 0, [record(0, { a: 1 }), record(1, { a: 2, A: 'upper' })]);
    await w.ingest('events', 1, [record(0, { a: 10 })]);
    w = await t.reopen();
    assert.equal(w.nextOffset('events', 0), 2);
    assert.equal(w.nextOffset('events', 1), 1);
    // A consumer that restarts from an older committed offset hands over records already in.
    const again = await w.ingest('events', 0, [record(1, { a: 2, A: 'upper' }), record(2, { a: 3, A: 'again' })]);
    assert.deepEqual([again.appended, again.skipped], [1, 1]);
    const rows = await w.query('SELECT _partition, _offset, a, "A_2" FROM events ORDER BY _partition, _offset');
    assert.deepEqual(rows.rows, [
      [0, 0, 1, null],
      [0, 1, 2, 'upper'],
      [0, 2, 3, 'again'],
      [1, 0, 10, null],
    ]);
    assert.deepEqual(w.layerCounts(), [{ layer: 'bronze', rows: 4, quarantined: 0, late: 0, deadLetter: 0, other: 0 }]);
  } finally {
    await t.cleanup();
  }
});

test('retractions are kept, and the _current view shows the latest insert per _id', async () => {
  const t = await tempWarehouse();
  try {
    const w = t.warehouse;
    const h = (id: string, change: string) => ({ 'medallion.layer': 'gold', 'medallion.output': 'gold', 'medallion.id': id, 'medallion.change': change });
    await w.ingest('revenue', 0, [
      record(0, { region: 'eu', total: 10 }, h('eu|1', 'insert')),
      record(1, { region: 'us', total: 5 }, h('us|1', 'insert')),
      record(2, { region: 'eu', total: 10 }, h('eu|1', 'retract')),
      record(3, { region: 'eu', total: 17 }, h('eu|1', 'insert')),
      record(4, { region: 'us', total: 5 }, h('us|1', 'retract')),
    ]);
    const all = await w.query('SELECT count(*) FROM revenue');
    assert.deepEqual(all.rows, [[5]]);
    const current = await w.query('SELECT _id, total FROM revenue_current ORDER BY _id');
    assert.deepEqual(current.rows, [['eu|1', 17]]);
    const listed = await w.listTables();
    assert.equal(listed.find((x) => x.name === 'revenue_current')?.kind, 'view');
  } finally {
    await t.cleanup();
  }
});

test('layer counts separate each layer from its quarantine, late and dead-letter outputs', async () => {
  const t = await tempWarehouse();
  try {
    const w = t.warehouse;
    const h = (layer: string, output: string) => ({ 'medallion.layer': layer, 'medallion.output': output });
    await w.ingest('raw', 0, [record(0, { x: 1 }), record(1, 'oops')]);
    await w.ingest('clean', 0, [record(0, { x: 1 }, h('silver', 'silver'))]);
    await w.ingest('clean.quarantine', 0, [record(0, { x: 1 }, h('silver', 'quarantine')), record(1, { x: 2 }, h('silver', 'quarantine'))]);
    await w.ingest('clean.dead', 0, [record(0, { x: 1 }, h('silver', 'dead_letter'))]);
    await w.ingest('agg.late', 0, [record(0, { x: 1 }, h('gold', 'late'))]);
    assert.deepEqual(w.layerCounts(), [
      { layer: 'bronze', rows: 2, quarantined: 0, late: 0, deadLetter: 0, other: 0 },
      { layer: 'silver', rows: 1, quarantined: 2, late: 0, deadLetter: 1, other: 0 },
      { layer: 'gold', rows: 0, quarantined: 0, late: 1, deadLetter: 0, other: 0 },
    ]);
    const names = (await w.listTables()).filter((x) => x.kind === 'table').map((x) => x.name).sort();
    assert.deepEqual(names, ['agg_late', 'clean', 'clean_dead', 'clean_quarantine', 'raw']);
  } finally {
    await t.cleanup();
  }
});

test('inferred columns widen to JSON when scalars meet nested values, keeping earlier values as JSON', async () => {
  const t = await tempWarehouse();
  try {
    const w = t.warehouse;
    await w.ingest('mixed', 0, [record(0, { v: 1, f: true })]);
    await w.ingest('mixed', 0, [record(1, { v: { deep: [1] }, f: 2 })]);
    const result = await w.query('SELECT v, f FROM mixed ORDER BY _offset');
    assert.deepEqual(result.columns.map((c) => c.type), ['JSON', 'JSON']);
    assert.deepEqual(result.rows, [['1', 'true'], ['{"deep":[1]}', '2']]);
  } finally {
    await t.cleanup();
  }
});

test('a topic whose table name a user already took gets the next free name', async () => {
  const t = await tempWarehouse();
  try {
    const w = t.warehouse;
    await w.query('CREATE TABLE orders (note VARCHAR); CREATE VIEW orders_2 AS SELECT 1', { allowWrites: true });
    await w.ingest('orders', 0, [record(0, { id: 1 })]);
    assert.equal(w.tableOf('orders'), 'orders_3');
    assert.deepEqual((await w.query('SELECT id FROM orders_3')).rows, [[1]]);
  } finally {
    await t.cleanup();
  }
});
