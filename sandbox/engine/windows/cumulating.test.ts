import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDriver } from '../../pipeline';
import { cumulating } from '../../pipeline/authoring/windows';
import { ev, sec, windowPipeline, type Ev, type Row } from '../testdata/fixtures';

const step10max30 = cumulating('10s', '30s');
const row = (key: string, start: number, end: number, n: number): Row => ({ key, windowStart: sec(start), windowEnd: sec(end), n, total: n });

test('cumulating, in order: windows grow by step from the period start and each fires at its end', () => {
  const d = createTestDriver(windowPipeline(step10max30));
  const input = d.input<Ev>('events');
  input.sendMany([ev('a', sec(5)), ev('a', sec(15)), ev('a', sec(21))]);
  assert.deepEqual(d.output<Row>('agg').readValues(), [row('a', 0, 10, 1), row('a', 0, 20, 2)]);
  input.send(ev('a', sec(31)));
  assert.deepEqual(d.output<Row>('agg').readValues(), [row('a', 0, 30, 3)]);
  d.finish();
  assert.deepEqual(d.output<Row>('agg').readValues(), [row('a', 30, 40, 1), row('a', 30, 50, 1), row('a', 30, 60, 1)]);
});

test('cumulating, out of order within the bound', () => {
  const d = createTestDriver(windowPipeline(step10max30, { outOfOrderness: sec(10) }));
  d.input<Ev>('events').sendMany([ev('a', sec(15)), ev('a', sec(5)), ev('a', sec(25))]);
  d.finish();
  assert.deepEqual(d.output<Row>('agg').readValues(), [row('a', 0, 10, 1), row('a', 0, 20, 2), row('a', 0, 30, 3)]);
});

test('cumulating, late for the small windows only: still counted in the larger open ones', () => {
  const d = createTestDriver(windowPipeline(step10max30));
  const input = d.input<Ev>('events');
  input.sendMany([ev('a', sec(25)), ev('a', sec(5))]);
  assert.deepEqual(d.sideOutput('agg', 'late').readAll(), []);
  d.finish();
  assert.deepEqual(d.output<Row>('agg').readValues(), [row('a', 0, 30, 2)]);
});

test('cumulating, wholly late: reported with the largest window', () => {
  const d = createTestDriver(windowPipeline(step10max30));
  d.input<Ev>('events').sendMany([ev('a', sec(45)), ev('a', sec(5))]);
  assert.deepEqual(d.sideOutput('agg', 'late').readValues().map((l) => l.window), [{ start: 0, end: sec(30) }]);
});

test('cumulating, duplicates and an idle partition', () => {
  const d = createTestDriver(windowPipeline(step10max30, { dedupeWithin: sec(60), idleness: sec(10) }));
  const input = d.input<Ev>('events');
  input.send(ev('a', sec(1)), { partition: 1 });
  d.advanceTime(sec(5));
  input.sendMany([ev('a', sec(2)), ev('a', sec(2)), ev('a', sec(12))], { partition: 0 });
  assert.deepEqual(d.output<Row>('agg').readValues(), []);
  d.advanceTime(sec(5));
  assert.deepEqual(d.output<Row>('agg').readValues(), [row('a', 0, 10, 2)]);
});
