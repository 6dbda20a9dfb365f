import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDriver, json, pipeline, reduce } from '../../pipeline';
import { session } from '../../pipeline/authoring/windows';
import { ev, sec, windowPipeline, type Ev, type Row } from '../testdata/fixtures';
import { findOverlaps, Session } from './merging-window-set';
import { newPane } from './pane';

const gap10 = session('10s');
const row = (key: string, start: number, end: number, n: number, total = n): Row => ({ key, windowStart: sec(start), windowEnd: sec(end), n, total });

test('merging window set: finds the run of sessions a window overlaps or touches', () => {
  const list = [[0, 10], [20, 30], [40, 50]].map(([s, e]) => new Session(s!, e!, newPane([], false), 0));
  const at = (l: typeof list, s: number, e: number): [number, number] => {
    const o = findOverlaps(l, s, e, { first: -1, count: -1 });
    return [o.first, o.count];
  };
  assert.deepEqual(at(list, 12, 18), [1, 0]);
  assert.deepEqual(at(list, 10, 20), [0, 2]);
  assert.deepEqual(at(list, 25, 45), [1, 2]);
  assert.deepEqual(at(list, 55, 60), [3, 0]);
  assert.deepEqual(at([], 1, 2), [0, 0]);
});

test('session, in order: records within the gap form one session, a longer pause starts another', () => {
  const d = createTestDriver(windowPipeline(gap10));
  const input = d.input<Ev>('events');
  input.sendMany([ev('a', sec(0)), ev('a', sec(5)), ev('b', sec(6)), ev('a', sec(30))]);
  assert.deepEqual(d.output<Row>('agg').readValues(), [row('a', 0, 15, 2), row('b', 6, 16, 1)]);
  d.finish();
  assert.deepEqual(d.output<Row>('agg').readValues(), [row('a', 30, 40, 1)]);
});

test('session, merging: a record bridging two sessions merges them into one', () => {
  const d = createTestDriver(windowPipeline(gap10, { outOfOrderness: sec(60) }));
  const input = d.input<Ev>('events');
  input.sendMany([ev('a', sec(0)), ev('a', sec(25)), ev('a', sec(8))]);
  input.send(ev('a', sec(17), 5));
  d.finish();
  assert.deepEqual(d.output<Row>('agg').readValues(), [row('a', 0, 35, 4, 8)]);
});

test('session, merging in update mode: the merged sessions are retracted and the merged one inserted', () => {
  const d = createTestDriver(windowPipeline(gap10, { outOfOrderness: sec(60), emit: 'update' }));
  const input = d.input<Ev>('events');
  input.sendMany([ev('a', sec(0)), ev('a', sec(20))]);
  assert.deepEqual(d.output<Row>('agg').readTable(), [row('a', 0, 10, 1), row('a', 20, 30, 1)]);
  input.send(ev('a', sec(10)));
  const out = d.output<Row>('agg');
  assert.deepEqual(out.readTable(), [row('a', 0, 30, 3)]);
  d.finish();
  assert.deepEqual(out.readAll(), []);
});

test('session, out of order: an early record extends the session backwards', () => {
  const d = createTestDriver(windowPipeline(gap10, { outOfOrderness: sec(10) }));
  d.input<Ev>('events').sendMany([ev('a', sec(10)), ev('a', sec(3)), ev('a', sec(15))]);
  d.finish();
  assert.deepEqual(d.output<Row>('agg').readValues(), [row('a', 3, 25, 3)]);
});

test('session, late: a record that would start a session already closed goes to the late output', () => {
  const d = createTestDriver(windowPipeline(gap10));
  const input = d.input<Ev>('events');
  input.sendMany([ev('a', sec(0)), ev('a', sec(40)), ev('a', sec(12))]);
  const late = d.sideOutput('agg', 'late').readValues();
  assert.deepEqual(late.map((l) => [l.eventTime, l.watermark, l.window]), [[sec(12), sec(40), { start: sec(12), end: sec(22) }]]);
  // Behind the watermark but inside an open session: not late, it joins the session.
  input.send(ev('a', sec(35)));
  d.finish();
  assert.deepEqual(d.output<Row>('agg').readValues(), [row('a', 0, 10, 1), row('a', 35, 50, 2)]);
});

test('session, duplicates and an idle partition', () => {
  const d = createTestDriver(windowPipeline(gap10, { dedupeWithin: sec(60), idleness: sec(10) }));
  const input = d.input<Ev>('events');
  input.send(ev('b', sec(1)), { partition: 1 });
  d.advanceTime(sec(5));
  input.sendMany([ev('a', sec(2)), ev('a', sec(2)), ev('a', sec(4)), ev('a', sec(30))], { partition: 0 });
  assert.deepEqual(d.output<Row>('agg').readValues(), []);
  d.advanceTime(sec(5));
  assert.deepEqual(d.output<Row>('agg').readValues(), [row('b', 1, 11, 1), row('a', 2, 14, 2)]);
});

test('session, a reducer without merge is refused when compiled', () => {
  const p = pipeline('no-merge', (p) => {
    const events = p.bronze('events', { value: json<Ev>(), eventTime: (e) => e.t });
    p.gold('s', events.keyBy((e) => e.user).window(gap10).aggregate({ ids: reduce({ init: () => '', add: (a, e) => a + e.id }) }));
  });
  assert.throws(() => createTestDriver(p), /ids cannot merge/);
});
