import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { parseTap } from './tap-results';
import { findTests } from './test-source';

const USER_TESTS = `import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';

test('adds up', () => {
  assert.equal(1 + 1, 2);
});

describe('orders_clean', () => {
  it('keeps positive amounts', () => {
    assert.equal(3, 3);
  });
  it('drops # negative ones', () => {
    assert.equal(1, 2, 'expected the negative order to be quarantined');
  });
});

test.skip('not yet', () => {});
`;

test('reads the results of a real node:test run in TAP, nested suites and failures included', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'medallion-tap-'));
  try {
    const file = path.join(dir, 'user.test.mjs');
    writeFileSync(file, USER_TESTS);
    // Without NODE_TEST_CONTEXT the child reports for itself, as it does when the extension runs it.
    const { NODE_TEST_CONTEXT: _ignored, ...env } = process.env;
    const run = spawnSync(process.execPath, ['--test', '--test-reporter=tap', file], { encoding: 'utf8', cwd: dir, env });
    assert.equal(run.status, 1, 'one test fails');
    const results = parseTap(run.stdout);
    const byPath = new Map(results.map((r) => [r.path.join(' › '), r]));
    assert.equal(byPath.get('adds up')?.ok, true);
    assert.ok((byPath.get('adds up')?.durationMs ?? -1) >= 0);
    assert.equal(byPath.get('orders_clean › keeps positive amounts')?.ok, true);
    const failed = byPath.get('orders_clean › drops # negative ones');
    assert.equal(failed?.ok, false);
    assert.match(failed?.message ?? '', /expected the negative order to be quarantined/);
    assert.equal(failed?.location?.line, 12, 'the location of the failing it() call');
    assert.equal(byPath.get('orders_clean')?.ok, false);
    assert.equal(byPath.get('not yet')?.skipped, true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('finds the same tests by reading the file, with their lines and suites', () => {
  assert.deepEqual(
    findTests(USER_TESTS).map((t) => [[...t.parents, t.name].join(' › '), t.line]),
    [['adds up', 3], ['orders_clean', 7], ['orders_clean › keeps positive amounts', 8], ['orders_clean › drops # negative ones', 11], ['not yet', 16]],
  );
});
