import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeMetrics, parseRunLine } from './run-output';

test('reads layer metrics under their several spellings', () => {
  const event = parseRunLine('{"type":"metrics","layer":"orders_clean","recordsIn":120,"recordsOut":100,"ratePerSec":55.5,"quarantined":3,"late":2,"deadLetters":1,"state":"running"}');
  assert.deepEqual(event, {
    kind: 'metrics',
    metrics: { layer: 'orders_clean', state: 'running', recordsIn: 120, recordsOut: 100, ratePerSec: 55.5, quarantined: 3, late: 2, deadLetters: 1 },
  });
  const other = parseRunLine('{"layer":"hot_products","out":7,"throughput":3}');
  assert.equal(other.kind, 'metrics');
  assert.equal(other.kind === 'metrics' && other.metrics.recordsOut, 7);
  assert.equal(other.kind === 'metrics' && other.metrics.ratePerSec, 3);
});

test('reads transform errors and expectation failures with their source location', () => {
  assert.deepEqual(parseRunLine('{"type":"error","layer":"orders_clean","message":"boom","file":"lib/normalize.ts","line":12,"column":5}'), {
    kind: 'problem',
    problem: { kind: 'transform-error', message: 'boom', layer: 'orders_clean', file: 'lib/normalize.ts', line: 12, column: 5, count: 1 },
  });
  const located = parseRunLine('{"type":"dead_letter","error":"Cannot read properties of null","at":"/w/samples/lib/normalize.ts:40:17","count":4}');
  assert.equal(located.kind, 'problem');
  assert.deepEqual(located.kind === 'problem' && [located.problem.file, located.problem.line, located.problem.column, located.problem.count], ['/w/samples/lib/normalize.ts', 40, 17, 4]);
  const expectation = parseRunLine('{"type":"expectation","layer":"orders_clean","rule":"positive_amount","action":"quarantine","count":9,"location":{"file":"shop.pipeline.ts","line":31}}');
  assert.equal(expectation.kind, 'problem');
  assert.deepEqual(expectation.kind === 'problem' && [expectation.problem.kind, expectation.problem.message, expectation.problem.line, expectation.problem.column], ['expectation', 'expectation positive_amount failed', 31, 1]);
});

test('keeps anything else as text, without throwing', () => {
  for (const line of ['starting pipeline shop', '{not json', '[1,2]', '{"type":"error","message":"no location"}', '{"type":"other"}', '']) {
    assert.deepEqual(parseRunLine(line), { kind: 'text', text: line });
  }
});

test('reads diffs and the caught-up signal', () => {
  assert.deepEqual(parseRunLine('{"type":"diff","layer":"hot_products","added":2,"removed":1,"changed":0}'), { kind: 'diff', diff: { layer: 'hot_products', added: 2, removed: 1, changed: 0 } });
  assert.deepEqual(parseRunLine('{"type":"caught-up"}'), { kind: 'caught-up' });
});

test('merging metrics keeps the fields an update leaves out', () => {
  const first = parseRunLine('{"layer":"g","recordsOut":5,"quarantined":2}');
  const second = parseRunLine('{"layer":"g","recordsOut":9}');
  assert.ok(first.kind === 'metrics' && second.kind === 'metrics');
  const merged = mergeMetrics(first.metrics, second.metrics);
  assert.equal(merged.recordsOut, 9);
  assert.equal(merged.quarantined, 2);
});
