import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryError } from '../warehouse/index';
import { record, tempWarehouse } from '../warehouse/test-support';
import { countSql, protocolError, runsUnwrapped, singleStatement, viewSql } from './result-sql';

test('one statement is taken without its semicolon; none or several are refused with a position', () => {
  assert.equal(singleStatement('SELECT 1;  '), 'SELECT 1');
  assert.throws(() => singleStatement(' -- only a comment'), /no statement/);
  try {
    singleStatement('SELECT 1;\nSELECT 2');
    assert.fail('several statements were accepted');
  } catch (error) {
    assert.ok(error instanceof QueryError);
    assert.deepEqual(protocolError(error, 'SELECT 1;\nSELECT 2', 'SELECT 1').position, { line: 1, column: 10, offset: 9 });
  }
});

test('sort and filter run in DuckDB over the wrapped query, with names and values quoted', async () => {
  const t = await tempWarehouse();
  try {
    await t.warehouse.ingest('t', 0, [record(0, { 'odd"name': 'b', n: 2 }), record(1, { 'odd"name': "it's", n: 1 }), record(2, { 'odd"name': 'c', n: 3 })]);
    const statement = 'SELECT "odd""name", n FROM t';
    const view = { sort: [{ column: 'n', direction: 'desc' as const }], filters: [{ column: 'odd"name', contains: "IT'" }] };
    assert.deepEqual((await t.warehouse.query(viewSql(statement, view))).rows, [["it's", 1]]);
    assert.deepEqual((await t.warehouse.query(viewSql(statement, { sort: view.sort }, { offset: 1, limit: 1 }))).rows, [['b', 2]]);
    assert.deepEqual((await t.warehouse.query(countSql(statement, { filters: [{ column: 'n', contains: '' }] }))).rows, [[3]]);
  } finally {
    await t.cleanup();
  }
});

test('an error inside the wrapped query points into the text the user wrote', async () => {
  const t = await tempWarehouse();
  try {
    await t.warehouse.ingest('t', 0, [record(0, { n: 1 })]);
    const sql = 'SELECT n,\n  nope\nFROM t';
    const statement = singleStatement(sql);
    const error = await t.warehouse.query(viewSql(statement, undefined, { offset: 0, limit: 10 })).then(() => undefined, (e: unknown) => e);
    const mapped = protocolError(error, sql, statement);
    assert.equal(mapped.kind, 'binder');
    assert.deepEqual(mapped.position, { line: 2, column: 3, offset: 12 });
    assert.doesNotMatch(mapped.message, /line \d+, column/);
  } finally {
    await t.cleanup();
  }
});

test('EXPLAIN, PRAGMA and CALL are recognized as statements that cannot be wrapped', () => {
  assert.equal(runsUnwrapped('EXPLAIN SELECT 1'), true);
  assert.equal(runsUnwrapped('-- plan\n  pragma database_size'), true);
  assert.equal(runsUnwrapped('SELECT * FROM (DESCRIBE t)'), false);
  assert.equal(runsUnwrapped('WITH explain AS (SELECT 1) SELECT * FROM explain'), false);
});
