import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { makeTempDir } from '../../../test/support/temp-dir';
import { TransactionJournal } from './transaction-journal';

interface Entry {
  phase: string;
  n: number;
}

function replay(dir: string, changes: [string, Entry][], compactBytes?: number): Map<string, Entry> {
  const journal = new TransactionJournal<Entry>(dir, compactBytes);
  const state = journal.load();
  for (const [id, entry] of changes) {
    state.set(id, entry);
    journal.record(id, entry, state);
  }
  journal.close();
  return state;
}

test('a reloaded journal gives the state its changes made, with and without compaction', () => {
  for (const compactBytes of [1 << 20, 200]) {
    const dir = makeTempDir('medallion-txn-journal-');
    try {
      const changes: [string, Entry][] = [];
      for (let n = 0; n < 50; n++) changes.push([`t${n % 3}`, { phase: n % 2 ? 'Ongoing' : 'Empty', n }]);
      const expected = replay(dir.path, changes, compactBytes);
      assert.deepEqual(new TransactionJournal<Entry>(dir.path, compactBytes).load(), expected);
      const journalSize = statSync(path.join(dir.path, 'transactions.journal')).size;
      if (compactBytes === 200) assert.ok(journalSize <= 200, `the journal was compacted (${journalSize} bytes)`);
      else assert.ok(journalSize > 200, 'nothing was compacted');
    } finally {
      dir.remove();
    }
  }
});

test('a snapshot written just before a crash, with the journal not yet emptied, loads as the snapshot', () => {
  const dir = makeTempDir('medallion-txn-journal-');
  try {
    const state = replay(dir.path, [['a', { phase: 'Ongoing', n: 1 }], ['b', { phase: 'Ongoing', n: 2 }], ['a', { phase: 'Empty', n: 3 }]]);
    writeFileSync(path.join(dir.path, 'transactions.json'), JSON.stringify(Object.fromEntries(state)));
    assert.deepEqual(new TransactionJournal<Entry>(dir.path).load(), state);
  } finally {
    dir.remove();
  }
});

test('a last line cut short by a crash is ignored, and later changes still load', () => {
  const dir = makeTempDir('medallion-txn-journal-');
  try {
    replay(dir.path, [['a', { phase: 'Ongoing', n: 1 }]]);
    appendFileSync(path.join(dir.path, 'transactions.journal'), '{"id":"a","entry":{"pha');
    const after = replay(dir.path, [['b', { phase: 'Empty', n: 2 }]]);
    assert.deepEqual(Object.fromEntries(after), { a: { phase: 'Ongoing', n: 1 }, b: { phase: 'Empty', n: 2 } });
    assert.deepEqual(new TransactionJournal<Entry>(dir.path).load(), after);
  } finally {
    dir.remove();
  }
});

test('a damaged line that is not the last is an error, not a silent loss', () => {
  const dir = makeTempDir('medallion-txn-journal-');
  try {
    replay(dir.path, [['a', { phase: 'Ongoing', n: 1 }]]);
    const file = path.join(dir.path, 'transactions.journal');
    writeFileSync(file, 'garbage\n' + readFileSync(file, 'utf8'));
    assert.throws(() => new TransactionJournal<Entry>(dir.path).load(), /line 1 is not a change/);
  } finally {
    dir.remove();
  }
});
