import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allocateName, quoteIdent, quoteLiteral, tableBaseName } from './sql-names';

test('tableBaseName folds a topic into a readable lower-case identifier', () => {
  assert.equal(tableBaseName('Orders.Silver-v2'), 'orders_silver_v2');
  assert.equal(tableBaseName('2024.events'), 't_2024_events');
  assert.equal(tableBaseName('medallion_offsets'), 't_medallion_offsets');
  assert.equal(tableBaseName('...'), 'topic');
});

test('allocateName appends a number when the name is taken, ignoring case as DuckDB does', () => {
  assert.equal(allocateName('orders', new Set()), 'orders');
  assert.equal(allocateName('Orders', new Set(['orders'])), 'Orders_2');
  assert.equal(allocateName('a', new Set(['a', 'a_2'])), 'a_3');
});

test('quoting doubles embedded quotes', () => {
  assert.equal(quoteIdent('we"ird'), '"we""ird"');
  assert.equal(quoteLiteral("it's"), "'it''s'");
});
