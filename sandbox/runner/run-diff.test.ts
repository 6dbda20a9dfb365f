import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffTables, tableOf } from './run-diff';
import type { TopicRecord } from './topic-reader';

const rec = (offset: number, id: string, value: unknown, change?: 'insert' | 'retract'): TopicRecord => ({
  partition: 0, offset, value: JSON.stringify(value), headers: { 'medallion.id': id, ...(change ? { 'medallion.change': change } : {}) },
});

test('an update-mode output counts each id by its last change, a retraction removing it', () => {
  const table = tableOf([rec(0, 'a', 1, 'insert'), rec(1, 'a', 1, 'retract'), rec(2, 'a', 2, 'insert'), rec(3, 'b', 5, 'insert'), rec(4, 'b', 5, 'retract')]);
  assert.deepEqual([...table], [['a', '2']]);
});

test('rows are added, removed, changed or unchanged by id', () => {
  const before = tableOf([rec(0, 'a', 1), rec(1, 'b', 2), rec(2, 'c', 3)]);
  const after = tableOf([rec(0, 'a', 1), rec(1, 'b', 20), rec(2, 'd', 4)]);
  const diff = diffTables(before, after);
  assert.deepEqual({ ...diff, examples: undefined }, { added: 1, removed: 1, changed: 1, unchanged: 1, examples: undefined });
  assert.deepEqual(diff.examples, { added: ['d'], removed: ['c'], changed: ['b'] });
});
