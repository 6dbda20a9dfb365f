import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRunLine, problemAt, withRates, type LayerMetrics } from './run-output';

const metricsLine = (at: number, out: number) =>
  JSON.stringify({ type: 'metrics', metrics: { at, recordsPerSecond: 120, commits: 3, tasks: 1, tasksDone: 0, layers: { orders_clean: { in: 200, out, late: 2, quarantined: 7, deadLetters: 1 }, hot_products: { in: 50, out: 4, late: 0, quarantined: 0, deadLetters: 0 } } } });

test('reads the runner metrics event into per-layer counters', () => {
  const event = parseRunLine(metricsLine(1000, 150));
  assert.equal(event.kind, 'metrics');
  assert.ok(event.kind === 'metrics');
  assert.equal(event.recordsPerSecond, 120);
  assert.deepEqual(event.layers[0], { layer: 'orders_clean', recordsIn: 200, recordsOut: 150, late: 2, quarantined: 7, deadLetters: 1, ratePerSec: undefined });
  assert.equal(event.layers.length, 2);
});

test('throughput comes from the difference between two metrics events', () => {
  const first = parseRunLine(metricsLine(1000, 150));
  const second = parseRunLine(metricsLine(3000, 250));
  assert.ok(first.kind === 'metrics' && second.kind === 'metrics');
  const previous = new Map<string, LayerMetrics>(withRates(new Map(), undefined, first).map((m) => [m.layer, m]));
  const rated = withRates(previous, first.at, second);
  assert.equal(rated.find((m) => m.layer === 'orders_clean')?.ratePerSec, 50);
  assert.equal(rated.find((m) => m.layer === 'hot_products')?.ratePerSec, 0);
});

test('a worker error with a location becomes a problem on the user line', () => {
  const event = parseRunLine(JSON.stringify({ type: 'worker-message', message: { type: 'error', worker: 0, message: "Cannot read properties of null (reading 'id')", stack: null, location: '/w/samples/lib/normalize.ts:40:17' } }));
  assert.deepEqual(event, { kind: 'problem', problem: { kind: 'transform-error', message: "Cannot read properties of null (reading 'id')", layer: undefined, file: '/w/samples/lib/normalize.ts', line: 40, column: 17, count: 1 } });
  const died = parseRunLine(JSON.stringify({ type: 'worker-exited', worker: 0, code: 1, signal: null, expected: false, reason: 'boom', location: 'file:///w/x.pipeline.ts:3' }));
  assert.ok(died.kind === 'problem');
  assert.deepEqual([died.problem.file, died.problem.line, died.problem.column], ['/w/x.pipeline.ts', 3, 1]);
});

test('errors without a usable location, and anything unknown, stay text', () => {
  assert.equal(parseRunLine(JSON.stringify({ type: 'worker-message', message: { type: 'error', worker: 0, message: 'x', stack: null, location: null } })).kind, 'text');
  assert.equal(problemAt('/w/node_modules/kafkajs/src/x.js:1:1', 'm'), undefined);
  for (const line of ['starting', '{not json', '[1,2]', '{"type":"other"}', '{"type":"metrics"}', '']) {
    assert.deepEqual(parseRunLine(line), { kind: 'text', text: line });
  }
});

test('reads caught-up, failure and diff lines', () => {
  assert.deepEqual(parseRunLine('{"type":"caught-up"}'), { kind: 'caught-up' });
  assert.deepEqual(parseRunLine('{"type":"failed","error":"no such topic"}'), { kind: 'failed', error: 'no such topic' });
  assert.deepEqual(parseRunLine('{"type":"diff","layer":"hot_products","added":2,"removed":1,"changed":0}'), { kind: 'diff', diff: { layer: 'hot_products', added: 2, removed: 1, changed: 0 } });
});

test('the runner bookkeeping and its flat per-layer lines are quiet; starts and exits read as text', () => {
  const quiet = [
    { type: 'metrics', layer: 'orders', in: 3, out: 0, late: 0, quarantined: 0, deadLetters: 0 },
    { type: 'error', message: 'boom', at: '/w/x.pipeline.ts:3:1' },
    { type: 'worker-message', message: { type: 'heartbeat', worker: 0 } },
    { type: 'worker-message', message: { type: 'assigned', worker: 0, tasks: [0] } },
    { type: 'worker-message', message: { type: 'task-done', worker: 0, task: 0 } },
    { type: 'rerun', run: 1, outputs: [] },
  ];
  for (const o of quiet) assert.deepEqual(parseRunLine(JSON.stringify(o)), { kind: 'quiet' }, JSON.stringify(o));
  assert.deepEqual(parseRunLine('{"type":"worker-started","worker":0,"pid":42}'), { kind: 'text', text: 'worker 0 started (pid 42)' });
  assert.deepEqual(parseRunLine('{"type":"worker-message","message":{"type":"ready","worker":0,"pipeline":"shop","group":"medallion.shop","tasks":1,"mode":"single"}}'), { kind: 'text', text: 'pipeline shop: group medallion.shop, 1 task(s), single' });
  assert.deepEqual(parseRunLine('{"type":"worker-exited","worker":0,"code":0,"signal":null,"expected":true,"reason":null,"location":null}'), { kind: 'text', text: 'worker 0 exited' });
});
