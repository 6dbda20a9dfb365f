import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { QueryResult } from './query-runner';
import { formatResult } from './result-format';

const result: QueryResult = {
  columns: [{ name: 'id', type: 'BIGINT' }, { name: 'note', type: 'VARCHAR' }, { name: 'lineage', type: 'STRUCT(t VARCHAR)[]' }],
  rows: [[1, 'a, "quoted"', [{ t: 'x' }]], [2, null, null]],
  truncated: true,
  elapsedMs: 1.25,
};

test('csv quotes fields holding commas and quotes, and writes nested values as JSON', () => {
  assert.equal(formatResult(result, 'csv'), 'id,note,lineage\n1,"a, ""quoted""","[{""t"":""x""}]"\n2,,');
});

test('the table format aligns columns, shows NULL, and says when the result was truncated', () => {
  const lines = formatResult(result, 'table').split('\n');
  assert.equal(lines[0], 'id │ note        │ lineage');
  assert.equal(lines[3], '2  │ NULL        │ NULL');
  assert.match(lines[4] ?? '', /^2 rows \(truncated at the row limit\) in 1\.3 ms$/);
});

test('json keeps columns, rows and the truncation flag', () => {
  assert.deepEqual(JSON.parse(formatResult(result, 'json')), result);
});
