import { test } from 'node:test';
import assert from 'node:assert/strict';
import { count, createTestDriver, json, max, pipeline, tumbling } from '../../pipeline';
import { ev, sec, type Ev } from '../testdata/fixtures';

/** bronze events → gold per-minute counts, whose late records feed a gold layer counting them per user. */
const lateCounting = pipeline('late-counting', (p) => {
  const events = p.bronze('events', { value: json<Ev>(), key: (e) => e.id, eventTime: (e) => e.t });
  const clean = p.silver('clean', events.expect('has_user', (e) => e.user !== '', 'quarantine'));
  const perMinute = p.gold('per_minute', clean.keyBy((e) => e.user).window(tumbling('1m')).aggregate({ n: count() }));
  p.gold('late_per_user', p.sideOutput(perMinute, 'late')
    .keyBy((late) => (late.record as Ev).user)
    .aggregate({ late: count(), maxBehindMs: max((late) => late.watermark - late.eventTime) }));
  p.gold('quarantined', p.sideOutput(clean, 'quarantine').map((q) => ({ rule: q.rule, id: (q.record as Ev).id })));
});

test('a late side output read as a stream: every late record reaches the downstream layer, once', () => {
  const d = createTestDriver(lateCounting);
  const input = d.input<Ev>('events');
  input.sendMany([ev('a', sec(70)), ev('a', sec(30)), ev('b', sec(10)), ev('a', sec(50))]);
  assert.equal(d.sideOutput('per_minute', 'late').readAll().length, 3);
  const table = d.output<{ key: string; late: number; maxBehindMs: number }>('late_per_user').readTable();
  assert.deepEqual([...table].sort((x, y) => x.key.localeCompare(y.key)), [
    { key: 'a', late: 2, maxBehindMs: sec(40) },
    { key: 'b', late: 1, maxBehindMs: sec(60) },
  ]);
  // The late records' ids name the side output and the record, so they stay unique and stable.
  const ids = d.output('late_per_user').readAll().map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length);
});

test('a quarantine side output read as a stream carries the rule and the original record', () => {
  const d = createTestDriver(lateCounting);
  d.input<Ev>('events').sendMany([ev('', sec(1)), ev('a', sec(2))]);
  assert.deepEqual(d.output('quarantined').readValues(), [{ rule: 'has_user', id: '@1000' }]);
});

test('a side-output stream survives a checkpoint: restored, it emits what an uninterrupted run does', () => {
  const inputs = [ev('a', sec(70)), ev('a', sec(30)), ev('b', sec(130)), ev('b', sec(100)), ev('a', sec(20))];
  const whole = createTestDriver(lateCounting);
  whole.input<Ev>('events').sendMany(inputs);
  const expected = whole.output('late_per_user').readAll().map((r) => [r.id, r.kind, r.value]);

  const first = createTestDriver(lateCounting);
  first.input<Ev>('events').sendMany(inputs.slice(0, 2));
  const before = first.output('late_per_user').readAll().map((r) => [r.id, r.kind, r.value]);
  const snapshot = JSON.parse(JSON.stringify(first.snapshot()));
  const second = createTestDriver(lateCounting);
  second.restore(snapshot);
  second.input<Ev>('events').sendMany(inputs.slice(2));
  const after = second.output('late_per_user').readAll().map((r) => [r.id, r.kind, r.value]);
  assert.deepEqual([...before, ...after], expected);
});

test('sideOutput refuses what has no such output', () => {
  assert.throws(() => pipeline('bad', (p) => {
    const events = p.bronze('events', { value: json<Ev>(), eventTime: (e) => e.t });
    p.gold('g', p.sideOutput(events.map((e) => e), 'late'));
  }), /sideOutput\(late\) reads a layer returned by p.silver or p.gold, not a map stream/);
  assert.throws(() => pipeline('bad', (p) => {
    const events = p.bronze('events', { value: json<Ev>(), eventTime: (e) => e.t });
    p.gold('g', p.sideOutput(events, 'late'));
  }), /not a source stream/);
});
