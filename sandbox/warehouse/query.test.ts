import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryError } from './query-error';
import { record, tempWarehouse } from './test-support';

test('a query past its timeout is interrupted, and the same connection then answers the next query', async () => {
  const t = await tempWarehouse();
  try {
    const w = t.warehouse;
    const started = performance.now();
    await assert.rejects(
      w.query('SELECT count(*) FROM range(100000000) a, range(100000) b WHERE a.range + b.range = -1', { timeoutMs: 300 }),
      (error: unknown) => error instanceof QueryError && error.kind === 'timeout' && /300 ms/.test(error.message),
    );
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 5_000, `the interrupt stopped the query (took ${Math.round(elapsed)} ms)`);
    const next = await w.query('SELECT 41 + 1 AS answer');
    assert.deepEqual(next.rows, [[42]]);
    assert.equal(w.queryConnectionsCreated, 1, 'the interrupted connection was reused');
  } finally {
    await t.cleanup();
  }
});

test('bad SQL fails with a QueryError that names the problem and where it is', async () => {
  const t = await tempWarehouse();
  try {
    const w = t.warehouse;
    await w.ingest('orders', 0, [record(0, { id: 1 })]);
    const syntax = await w.query('SELECT *\nFORM orders').catch((e: unknown) => e);
    assert.ok(syntax instanceof QueryError);
    assert.equal(syntax.kind, 'syntax');
    assert.match(syntax.message, /syntax error at or near "orders"/);
    assert.deepEqual(syntax.position, { line: 2, column: 6, offset: 14 });

    const binder = await w.query('SELECT idd FROM orders').catch((e: unknown) => e);
    assert.ok(binder instanceof QueryError);
    assert.equal(binder.kind, 'binder');
    assert.match(binder.message, /"idd" not found/);
    assert.deepEqual(binder.position, { line: 1, column: 8, offset: 7 });

    const missing = await w.query('SELECT 1;\nSELECT * FROM nowhere').catch((e: unknown) => e);
    assert.ok(missing instanceof QueryError);
    assert.equal(missing.kind, 'catalog');
    assert.match(missing.message, /nowhere does not exist/);
    assert.equal(missing.position?.line, 2);
    assert.equal(missing.position?.column, 15);

    // DuckDB shows only a window of a long line, cut with '...'; the position is still in the whole text.
    const columns = Array.from({ length: 40 }, (_, i) => `${i} AS column_number_${i}`).join(', ');
    const long = `SELECT ${columns}, nope_column FROM range(3)`;
    const far = await w.query(long).catch((e: unknown) => e);
    assert.ok(far instanceof QueryError);
    assert.equal(far.position?.offset, long.indexOf('nope_column'));

    const empty = await w.query('  -- nothing\n').catch((e: unknown) => e);
    assert.ok(empty instanceof QueryError);
    assert.equal(empty.kind, 'empty');
  } finally {
    await t.cleanup();
  }
});

test('the row limit stops a large result and says it was truncated', async () => {
  const t = await tempWarehouse();
  try {
    const limited = await t.warehouse.query('SELECT range AS n FROM range(1000000)', { rowLimit: 2500 });
    assert.equal(limited.rows.length, 2500);
    assert.equal(limited.truncated, true);
    assert.deepEqual(limited.rows[2499], [2499]);
    const whole = await t.warehouse.query('SELECT range AS n FROM range(2500)', { rowLimit: 2500 });
    assert.equal(whole.rows.length, 2500);
    assert.equal(whole.truncated, false);
  } finally {
    await t.cleanup();
  }
});

test('the query API refuses writes unless allowed', async () => {
  const t = await tempWarehouse();
  try {
    const w = t.warehouse;
    for (const sql of ['CREATE TABLE x (a INT)', 'SELECT 1; DROP TABLE _medallion_offsets', "SET threads = 1", "ATTACH ':memory:' AS other", "COPY _medallion_offsets TO '/tmp/x.csv'"]) {
      await assert.rejects(w.query(sql), (e: unknown) => e instanceof QueryError && e.kind === 'read-only', sql);
    }
    assert.equal((await w.query('SELECT count(*) FROM _medallion_offsets')).rows[0]?.[0], 0, 'the DROP in the refused text never ran');
    // EXPLAIN is allowed, but EXPLAIN ANALYZE runs its statement: the read-only transaction stops it.
    await w.ingest('orders', 0, [record(0, { id: 1 })]);
    await assert.rejects(w.query('EXPLAIN ANALYZE DELETE FROM orders'), (e: unknown) => e instanceof QueryError && e.kind === 'read-only');
    assert.deepEqual((await w.query('SELECT count(*) FROM orders')).rows, [[1]]);
    await w.query('CREATE TABLE notes (a INT); INSERT INTO notes VALUES (1)', { allowWrites: true });
    assert.deepEqual((await w.query('SELECT a FROM notes')).rows, [[1]]);
    assert.deepEqual((await w.query('EXPLAIN SELECT 1')).truncated, false);
  } finally {
    await t.cleanup();
  }
});

test('values come back JSON-safe: big integers as strings, timestamps as ISO, lists and structs as JSON', async () => {
  const t = await tempWarehouse();
  try {
    const result = await t.warehouse.query(
      "SELECT 9007199254740993::BIGINT AS big, 42::BIGINT AS small, TIMESTAMP '2024-05-01 10:00:00.123456' AS at, [{'t': 'x', 'p': 0, 'o': 5::BIGINT}] AS lineage, 'infinity'::TIMESTAMP AS inf, 1.5::DOUBLE AS d, NULL AS nothing",
    );
    assert.deepEqual(result.rows, [['9007199254740993', 42, '2024-05-01T10:00:00.123456Z', [{ t: 'x', p: 0, o: 5 }], 'infinity', 1.5, null]]);
    assert.deepEqual(result.columns.map((c) => c.type), ['BIGINT', 'BIGINT', 'TIMESTAMP', 'STRUCT("t" VARCHAR, "p" INTEGER, "o" BIGINT)[]', 'TIMESTAMP', 'DOUBLE', 'INTEGER']);
    assert.equal(JSON.parse(JSON.stringify(result.rows))[0][0], '9007199254740993');
  } finally {
    await t.cleanup();
  }
});

test('queries run while batches are being appended and see only whole batches', async () => {
  const t = await tempWarehouse();
  try {
    const w = t.warehouse;
    const batch = (start: number) => Array.from({ length: 5000 }, (_, i) => record(start + i, { n: start + i, pad: 'x'.repeat(40) }));
    await w.ingest('stream', 0, batch(0));
    const counts: number[] = [];
    const writes = (async () => {
      for (let b = 1; b < 8; b++) await w.ingest('stream', 0, batch(b * 5000));
    })();
    while (counts.length < 200) {
      const r = await w.query('SELECT count(*) FROM stream', { timeoutMs: 5000 });
      counts.push(Number(r.rows[0]?.[0]));
      if (counts[counts.length - 1] === 40_000) break;
    }
    await writes;
    for (const c of counts) assert.equal(c % 5000, 0, `a query saw ${c} rows: part of a batch`);
    assert.deepEqual((await w.query('SELECT count(*), count(DISTINCT _offset) FROM stream')).rows, [[40_000, 40_000]]);
  } finally {
    await t.cleanup();
  }
});

test('a read-only warehouse answers queries and refuses ingest', async () => {
  const t = await tempWarehouse();
  try {
    await t.warehouse.ingest('orders', 0, [record(0, { id: 1 })]);
    await t.warehouse.close();
    const { Warehouse } = await import('./warehouse');
    const reader = await Warehouse.open({ path: t.file, readOnly: true });
    try {
      assert.deepEqual((await reader.query('SELECT id FROM orders')).rows, [[1]]);
      assert.equal(reader.nextOffset('orders', 0), 1);
      await assert.rejects(reader.ingest('orders', 0, [record(1, { id: 2 })]), /read-only/i);
      await assert.rejects(reader.query('CREATE TABLE x (a INT)', { allowWrites: true }), /read-only/i);
    } finally {
      await reader.close();
    }
  } finally {
    await t.cleanup();
  }
});

test('ingest can add and widen columns of a table, and of its current view, while a long query reads it', async () => {
  const t = await tempWarehouse();
  try {
    const w = t.warehouse;
    const h = { 'medallion.layer': 'gold', 'medallion.id': 'x', 'medallion.change': 'insert' };
    await w.ingest('g', 0, Array.from({ length: 2000 }, (_, i) => record(i, { n: i, v: i }, h)));
    const long = w.query('SELECT count(*) FROM g a, g b, range(1000) c WHERE a.n + b.n + c.range = -1', { timeoutMs: 1500 }).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await w.ingest('g', 0, [record(2000, { n: 1.5, v: 'text', extra: true }, h)]);
    const outcome = await long;
    assert.ok(!(outcome instanceof Error) || (outcome instanceof QueryError && outcome.kind === 'timeout'), String(outcome));
    assert.deepEqual((await w.query('SELECT n, v, extra FROM g_current')).rows, [[1.5, 'text', true]]);
    assert.deepEqual((await w.query('SELECT n, v FROM g WHERE _offset = 7')).rows, [[7, '7']]);
  } finally {
    await t.cleanup();
  }
});
