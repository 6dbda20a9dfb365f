import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDriver, type OutputRecord } from '../pipeline';
import { richPipeline, run, schedule } from './testdata/rich-pipeline';

type Outputs = Record<string, OutputRecord[]>;

/**
 * Compares two runs' outputs per output and names the first record that differs, rather than printing
 * megabytes. The order of the output names is not compared: outputs drained in two parts list them in
 * the order they first had records.
 */
function assertSameOutputs(actual: string, expected: string): void {
  if (actual === expected) return;
  const a = JSON.parse(actual) as Outputs;
  const e = JSON.parse(expected) as Outputs;
  for (const name of new Set([...Object.keys(e), ...Object.keys(a)])) {
    const x = e[name] ?? [];
    const y = a[name] ?? [];
    const i = x.findIndex((r, j) => JSON.stringify(r) !== JSON.stringify(y[j]));
    if (i !== -1 || x.length !== y.length) {
      assert.fail(`output ${name} differs at record ${i === -1 ? x.length : i}: expected ${JSON.stringify(x[i])}, got ${JSON.stringify(y[i === -1 ? x.length : i])}`);
    }
  }
}
const merge = (into: Outputs, more: Outputs): Outputs => {
  for (const [k, v] of Object.entries(more)) (into[k] ??= []).push(...v);
  return into;
};
const steps = schedule(7, 4000);

function uninterrupted(): string {
  const d = createTestDriver(richPipeline());
  run(d, steps);
  d.finish();
  return JSON.stringify(d.job.drain());
}

test('the rich workload exercises every side output, so the checkpoint test covers them', () => {
  const d = createTestDriver(richPipeline());
  run(d, steps);
  d.finish();
  const out = d.job.drain();
  for (const name of ['bids_clean', 'bids_clean.quarantine', 'bids_clean.dead_letter', 'per_auction_1m', 'per_auction_1m.late', 'hot_items', 'bidder_sessions', 'cumulative', 'bids_with_auction', 'bids_by_category', 'auction_totals', 'running']) {
    assert.ok((out[name]?.length ?? 0) > 0, `${name} is empty`);
  }
  assert.ok(out.hot_items!.some((r) => r.kind === 'retract'));
  assert.ok(d.metrics().duplicates.bids_clean! > 0);
});

test('determinism: the same input gives the same output, byte for byte', () => {
  const first = uninterrupted();
  const second = uninterrupted();
  assertSameOutputs(second, first);
  assert.ok(first === second, 'the outputs are equal record by record but not byte for byte');
});

for (const cut of [1, 1500, 4321]) {
  test(`checkpoint after step ${cut}: a restored run gives exactly the output of an uninterrupted one`, () => {
    const expected = uninterrupted();
    const first = createTestDriver(richPipeline());
    run(first, steps.slice(0, cut));
    const before = first.job.drain();
    // Through a string, as the runner would write it to a file.
    const file = JSON.stringify(first.snapshot());
    const second = createTestDriver(richPipeline());
    second.restore(JSON.parse(file) as ReturnType<typeof first.snapshot>);
    run(second, steps.slice(cut));
    second.finish();
    assertSameOutputs(JSON.stringify(merge(before, second.job.drain())), expected);
  });
}

test('checkpoint with undrained outputs: they travel in the snapshot and are not lost', () => {
  const expected = uninterrupted();
  const first = createTestDriver(richPipeline());
  run(first, steps.slice(0, 2000));
  const snap = first.snapshot();
  const second = createTestDriver(richPipeline());
  second.restore(snap);
  run(second, steps.slice(2000));
  second.finish();
  assertSameOutputs(JSON.stringify(second.job.drain()), expected);
});

test('a snapshot records the input positions per source partition and is detached from the live job', () => {
  const d = createTestDriver(richPipeline());
  run(d, steps.slice(0, 100));
  const snap = d.snapshot();
  assert.deepEqual(Object.keys(snap.job.positions), ['bids', 'auctions']);
  assert.deepEqual(Object.keys(snap.job.positions.bids!), ['0', '1', '2']);
  const text = JSON.stringify(snap);
  run(d, steps.slice(100, 200));
  assert.equal(JSON.stringify(snap), text);
});

test('a snapshot of a different pipeline graph is refused', async () => {
  const { windowPipeline } = await import('./testdata/fixtures');
  const { tumbling } = await import('../pipeline');
  const other = createTestDriver(windowPipeline(tumbling('1m')));
  const d = createTestDriver(richPipeline());
  assert.throws(() => d.restore(other.snapshot()), /different pipeline graph/);
});
