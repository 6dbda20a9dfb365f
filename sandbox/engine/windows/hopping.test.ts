import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDriver } from '../../pipeline';
import { hopping } from '../../pipeline/authoring/windows';
import { ev, sec, windowPipeline, type Ev, type Row } from '../testdata/fixtures';

const tenBy5 = hopping('10s', '5s');
const row = (key: string, start: number, n: number, total = n): Row => ({ key, windowStart: sec(start), windowEnd: sec(start + 10), n, total });

test('hopping, in order: each record lands in size / slide windows, which fire in order of their ends', () => {
  const d = createTestDriver(windowPipeline(tenBy5));
  const input = d.input<Ev>('events');
  input.sendMany([ev('a', sec(7)), ev('a', sec(12))]);
  // The watermark is 12 s: [-5, 5) is empty and [0, 10) has fired.
  assert.deepEqual(d.output<Row>('agg').readValues(), [row('a', 0, 1)]);
  d.finish();
  assert.deepEqual(d.output<Row>('agg').readValues(), [row('a', 5, 2), row('a', 10, 1)]);
});

test('hopping, out of order within the bound: the late-arriving record reaches both its windows', () => {
  const d = createTestDriver(windowPipeline(tenBy5, { outOfOrderness: sec(4) }));
  const input = d.input<Ev>('events');
  input.sendMany([ev('a', sec(12)), ev('a', sec(9)), ev('a', sec(14))]);
  assert.deepEqual(d.output<Row>('agg').readValues(), [row('a', 0, 1)]);
  d.finish();
  assert.deepEqual(d.output<Row>('agg').readValues(), [row('a', 5, 3), row('a', 10, 2)]);
});

test('hopping, partly late: a record whose earlier window closed still counts in the open one and is not reported late', () => {
  const d = createTestDriver(windowPipeline(tenBy5));
  const input = d.input<Ev>('events');
  input.sendMany([ev('a', sec(11)), ev('a', sec(8))]);
  assert.deepEqual(d.sideOutput('agg', 'late').readAll(), []);
  d.finish();
  assert.deepEqual(d.output<Row>('agg').readValues(), [row('a', 5, 2), row('a', 10, 1)]);
});

test('hopping, wholly late: the late output names the latest window the record would have landed in', () => {
  const d = createTestDriver(windowPipeline(tenBy5));
  const input = d.input<Ev>('events');
  input.sendMany([ev('a', sec(30)), ev('a', sec(8))]);
  const late = d.sideOutput('agg', 'late').readValues();
  assert.deepEqual(late.map((l) => [l.eventTime, l.watermark, l.window]), [[sec(8), sec(30), { start: sec(5), end: sec(15) }]]);
});

test('hopping, duplicates are removed by dedupe before the window', () => {
  const d = createTestDriver(windowPipeline(tenBy5, { dedupeWithin: sec(60) }));
  d.input<Ev>('events').sendMany([ev('a', sec(7)), ev('a', sec(7)), ev('a', sec(7))]);
  d.finish();
  assert.deepEqual(d.output<Row>('agg').readValues(), [row('a', 0, 1), row('a', 5, 1)]);
});

test('hopping, idle partition: windows fire once the silent partition times out', () => {
  const d = createTestDriver(windowPipeline(tenBy5, { idleness: sec(10) }));
  const input = d.input<Ev>('events');
  input.send(ev('a', sec(1)), { partition: 1 });
  d.advanceTime(sec(5));
  input.sendMany([ev('a', sec(7)), ev('a', sec(16))], { partition: 0 });
  assert.deepEqual(d.output<Row>('agg').readValues(), []);
  d.advanceTime(sec(5));
  assert.deepEqual(d.output<Row>('agg').readValues(), [row('a', -5, 1), row('a', 0, 2), row('a', 5, 1)]);
});

test('hopping, update mode: every pane a record touches is retracted and re-emitted', () => {
  const d = createTestDriver(windowPipeline(tenBy5, { emit: 'update' }));
  d.input<Ev>('events').sendMany([ev('a', sec(7)), ev('a', sec(8))]);
  const out = d.output<Row>('agg').readAll().map((r) => [r.kind, r.value.windowStart, r.value.n]);
  assert.deepEqual(out, [['insert', 0, 1], ['insert', sec(5), 1], ['retract', 0, 1], ['insert', 0, 2], ['retract', sec(5), 1], ['insert', sec(5), 2]]);
});
