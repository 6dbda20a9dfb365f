import { test } from 'node:test';
import assert from 'node:assert/strict';
import { count, countDistinct, createTestDriver, first, json, max, min, pipeline, sum } from '../../pipeline';
import { tumbling } from '../../pipeline/authoring/windows';
import { ev, sec, windowPipeline, type Ev, type Row } from '../testdata/fixtures';

const minute = tumbling('1m');

test('tumbling, in order: a window fires once the watermark reaches its end, not before', () => {
  const d = createTestDriver(windowPipeline(minute));
  const input = d.input<Ev>('events');
  input.sendMany([ev('a', sec(1), 2), ev('a', sec(2), 3), ev('b', sec(59))]);
  assert.deepEqual(d.output<Row>('agg').readValues(), []);
  input.send(ev('a', sec(60)));
  assert.deepEqual(d.output<Row>('agg').readValues(), [
    { key: 'a', windowStart: 0, windowEnd: sec(60), n: 2, total: 5 },
    { key: 'b', windowStart: 0, windowEnd: sec(60), n: 1, total: 1 },
  ]);
  d.finish();
  assert.deepEqual(d.output<Row>('agg').readValues(), [{ key: 'a', windowStart: sec(60), windowEnd: sec(120), n: 1, total: 1 }]);
});

test('tumbling, out of order within the bound: nothing is late and every record counts', () => {
  const d = createTestDriver(windowPipeline(minute, { outOfOrderness: sec(5) }));
  const input = d.input<Ev>('events');
  input.sendMany([ev('a', sec(10)), ev('a', sec(62)), ev('a', sec(58)), ev('a', sec(64))]);
  // The watermark is 64 - 5 = 59 s: the first window is still open.
  assert.deepEqual(d.output<Row>('agg').readValues(), []);
  input.send(ev('a', sec(65)));
  assert.deepEqual(d.output<Row>('agg').readValues(), [{ key: 'a', windowStart: 0, windowEnd: sec(60), n: 2, total: 2 }]);
  assert.deepEqual(d.sideOutput('agg', 'late').readAll(), []);
});

test('tumbling, late: a record for a closed window goes to the late output with the reason', () => {
  const d = createTestDriver(windowPipeline(minute));
  const input = d.input<Ev>('events');
  input.sendMany([ev('a', sec(70)), ev('a', sec(30))]);
  const late = d.sideOutput('agg', 'late').readAll();
  assert.equal(late.length, 1);
  assert.equal(late[0]!.id, 'events/0/1');
  assert.deepEqual({ ...late[0]!.value, reason: undefined }, {
    record: ev('a', sec(30)), eventTime: sec(30), watermark: sec(70), window: { start: 0, end: sec(60) }, reason: undefined,
  });
  assert.match(late[0]!.value.reason, /window \[0, 60000\) closed at watermark 60000/);
  assert.deepEqual(d.metrics().late, { agg: 1 });
  d.finish();
  assert.deepEqual(d.output<Row>('agg').readValues(), [{ key: 'a', windowStart: sec(60), windowEnd: sec(120), n: 1, total: 1 }]);
});

test('tumbling, allowed lateness: a late record within it is counted, the window emits when lateness ends', () => {
  const d = createTestDriver(windowPipeline(minute, { allowedLateness: sec(20) }));
  const input = d.input<Ev>('events');
  input.sendMany([ev('a', sec(10)), ev('a', sec(70)), ev('a', sec(30))]);
  assert.deepEqual(d.output<Row>('agg').readValues(), []);
  input.send(ev('a', sec(80)));
  assert.deepEqual(d.output<Row>('agg').readValues(), [{ key: 'a', windowStart: 0, windowEnd: sec(60), n: 2, total: 2 }]);
  input.send(ev('a', sec(40)));
  assert.equal(d.sideOutput('agg', 'late').readAll().length, 1);
});

test('tumbling, duplicates: dedupe upstream counts a repeated event once, and again once its bound has passed', () => {
  const d = createTestDriver(windowPipeline(minute, { dedupeWithin: sec(30) }));
  const input = d.input<Ev>('events');
  input.sendMany([ev('a', sec(1)), ev('a', sec(1)), ev('a', sec(2)), ev('a', sec(2))]);
  input.send(ev('a', sec(40), 1, 'a@1000'));
  d.finish();
  assert.deepEqual(d.output<Row>('agg').readValues(), [{ key: 'a', windowStart: 0, windowEnd: sec(60), n: 3, total: 3 }]);
  assert.deepEqual(d.metrics().duplicates, { clean: 2 });
});

test('tumbling, duplicates without dedupe are counted twice: the engine does not guess', () => {
  const d = createTestDriver(windowPipeline(minute));
  d.input<Ev>('events').sendMany([ev('a', sec(1)), ev('a', sec(1))]);
  d.finish();
  assert.deepEqual(d.output<Row>('agg').readValues(), [{ key: 'a', windowStart: 0, windowEnd: sec(60), n: 2, total: 2 }]);
});

test('tumbling, idle partition: a silent partition holds the watermark until the idleness timeout', () => {
  const d = createTestDriver(windowPipeline(minute, { idleness: sec(30) }));
  const input = d.input<Ev>('events');
  input.send(ev('a', sec(5)), { partition: 1 });
  input.send(ev('a', sec(10)), { partition: 0 });
  d.advanceTime(sec(20));
  input.send(ev('a', sec(90)), { partition: 0 });
  // Partition 1 is at 5 s, so the watermark is 5 s and the first window cannot close.
  assert.deepEqual(d.watermark('events'), { kind: 'time', at: sec(5) });
  assert.deepEqual(d.output<Row>('agg').readValues(), []);
  d.advanceTime(sec(9));
  assert.deepEqual(d.output<Row>('agg').readValues(), []);
  // Partition 1 has now been silent for 30 s; partition 0 for only 10 s.
  d.advanceTime(sec(1));
  assert.deepEqual(d.watermark('events'), { kind: 'time', at: sec(90) });
  assert.deepEqual(d.output<Row>('agg').readValues(), [{ key: 'a', windowStart: 0, windowEnd: sec(60), n: 2, total: 2 }]);
  // The partition comes back: it counts again, but the watermark does not go back.
  input.send(ev('a', sec(95)), { partition: 1 });
  assert.deepEqual(d.watermark('events'), { kind: 'time', at: sec(90) });
});

test('tumbling, every partition idle: the source reports idle and no window fires on idleness alone', () => {
  const d = createTestDriver(windowPipeline(minute, { idleness: sec(10) }));
  d.input<Ev>('events').send(ev('a', sec(5)));
  d.advanceTime(sec(10));
  assert.deepEqual(d.watermark('events'), { kind: 'idle' });
  assert.deepEqual(d.output<Row>('agg').readValues(), []);
});

test('tumbling, update mode: each change retracts the previous result, so a downstream total stays right', () => {
  const d = createTestDriver(windowPipeline(minute, { emit: 'update' }));
  const input = d.input<Ev>('events');
  input.sendMany([ev('a', sec(1), 2), ev('a', sec(2), 3)]);
  const changes = d.output<Row>('agg').readAll();
  assert.deepEqual(changes.map((c) => [c.kind, c.value.n, c.value.total, c.id]), [
    ['insert', 1, 2, 'agg/3/"a"@0-60000/0'],
    ['retract', 1, 2, 'agg/3/"a"@0-60000/1'],
    ['insert', 2, 5, 'agg/3/"a"@0-60000/2'],
  ]);
  // Closing the window in update mode emits nothing more: the last update stands.
  d.finish();
  assert.deepEqual(d.output<Row>('agg').readAll(), []);

  const again = createTestDriver(windowPipeline(minute, { emit: 'update' }));
  again.input<Ev>('events').sendMany([ev('a', sec(1), 2), ev('a', sec(2), 3), ev('b', sec(3), 1), ev('a', sec(4), 4)]);
  assert.deepEqual(again.output<Row>('agg').readTable(), [
    { key: 'b', windowStart: 0, windowEnd: sec(60), n: 1, total: 1 },
    { key: 'a', windowStart: 0, windowEnd: sec(60), n: 3, total: 9 },
  ]);
});

test('tumbling, update mode feeding another aggregate: retractions keep sums, counts, min and max right', () => {
  const p = pipeline('retractions', (p) => {
    const events = p.bronze('events', { value: json<Ev>(), eventTime: (e) => e.t });
    const perUser = p.silver('per_user', events.keyBy((e) => e.user).window(minute, { emit: 'update' }).aggregate({ total: sum((e) => e.v) }));
    p.gold('overall', perUser.keyBy(() => 'all').window(tumbling('1m')).aggregate({
      total: sum((r) => r.total), rows: count(), biggest: max((r) => r.total), smallest: min((r) => r.total), users: countDistinct((r) => r.key),
    }));
  });
  const d = createTestDriver(p);
  d.input<Ev>('events').sendMany([ev('a', sec(1), 5), ev('b', sec(2), 1), ev('a', sec(3), 10), ev('b', sec(4), 1)]);
  d.finish();
  assert.deepEqual(d.output('overall').readValues(), [{ key: 'all', windowStart: 0, windowEnd: sec(60), total: 17, rows: 2, biggest: 15, smallest: 2, users: 2 }]);
});

test('tumbling, update mode feeding an aggregate that cannot retract is refused when compiled', () => {
  const p = pipeline('no-retract', (p) => {
    const events = p.bronze('events', { value: json<Ev>(), eventTime: (e) => e.t });
    const perUser = p.silver('per_user', events.keyBy((e) => e.user).window(minute, { emit: 'update' }).aggregate({ total: sum((e) => e.v) }));
    p.gold('overall', perUser.keyBy(() => 'all').window(tumbling('1m')).aggregate({ firstTotal: first((r) => r.total) }));
  });
  assert.throws(() => createTestDriver(p), /firstTotal \(first\) cannot take retractions/);
});

test('tumbling, window results carry their contributing bronze positions and a stable id', () => {
  const d = createTestDriver(windowPipeline(minute), { lineage: 2 });
  d.input<Ev>('events').sendMany([ev('a', sec(1)), ev('a', sec(2)), ev('a', sec(3))]);
  d.finish();
  const [out] = d.output<Row>('agg').readAll();
  assert.deepEqual(out!.lineage, { positions: ['events/0/0', 'events/0/1'], total: 3 });
  assert.equal(out!.id, 'agg/3/"a"@0-60000/0');
  assert.equal(out!.eventTime, sec(60) - 1);
});

test('tumbling, trace: reports each record against the watermark, its windows, lateness and watermark moves', () => {
  const d = createTestDriver(windowPipeline(minute), { trace: true });
  d.input<Ev>('events').sendMany([ev('a', sec(70)), ev('a', sec(30))]);
  const events = d.traceEvents();
  const assigns = events.filter((e) => e.type === 'assign');
  assert.deepEqual(assigns.map((e) => e.type === 'assign' && [e.eventTime, e.watermark, e.windows, e.lateFor]), [
    [sec(70), null, [{ start: sec(60), end: sec(120) }], []],
    [sec(30), sec(70), [], [{ start: 0, end: sec(60) }]],
  ]);
  assert.ok(events.some((e) => e.type === 'late' && e.eventTime === sec(30)));
  assert.ok(events.some((e) => e.type === 'watermark' && e.watermark === sec(70)));
});
