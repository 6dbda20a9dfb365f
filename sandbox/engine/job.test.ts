import { test } from 'node:test';
import assert from 'node:assert/strict';
import { count, json, pipeline, tumbling } from '../pipeline';
import { compile } from './compile';
import { ManualClock } from './time';
import type { Ev } from './testdata/fixtures';

const p = pipeline('job', (p) => {
  const events = p.bronze('events', { topic: 'raw.events', value: json<Ev>(), eventTime: (e) => e.t, idleness: '10s' });
  p.silver('clean', events.expect('positive', (e) => e.v > 0, 'quarantine'), { topic: 'silver.events' });
  p.gold('per_user', events.keyBy((e) => e.user).window(tumbling('1m')).aggregate({ n: count() }));
});

test('job: outputs are declared per layer with their topics, sources with a dead-letter output', () => {
  const job = compile(p.plan);
  assert.deepEqual(job.sources, ['events']);
  assert.equal(job.topicOf('events'), 'raw.events');
  assert.deepEqual(job.outputs.map((o) => `${o.name}→${o.topic}`), [
    'events.dead_letter→raw.events.dead_letter',
    'clean→silver.events', 'clean.late→silver.events.late', 'clean.quarantine→silver.events.quarantine', 'clean.dead_letter→silver.events.dead_letter',
    'per_user→per_user', 'per_user.late→per_user.late', 'per_user.quarantine→per_user.quarantine', 'per_user.dead_letter→per_user.dead_letter',
  ]);
  assert.throws(() => job.push('nope', 0, []), /unknown source "nope"/);
});

test('job: raw bytes are decoded, positions advance per partition, drain groups by output in declaration order', () => {
  const job = compile(p.plan);
  job.push('events', 2, [
    { offset: 40, value: Buffer.from(JSON.stringify({ id: 'a', user: 'u', v: 1, t: 5 })) },
    { offset: 41, value: JSON.stringify({ id: 'b', user: 'u', v: -1, t: 6 }) },
  ]);
  assert.deepEqual(job.positions(), { events: { 2: 42 } });
  job.finish();
  const out = job.drain();
  assert.deepEqual(Object.keys(out), ['clean', 'clean.quarantine', 'per_user']);
  assert.deepEqual(out.clean!.map((r) => r.id), ['raw.events/2/40']);
  assert.deepEqual(job.drain(), {});
});

test('job: an assigned partition that has sent nothing holds the watermark until it is idle', () => {
  const clock = new ManualClock(1000);
  const job = compile(p.plan, { clock });
  job.assignPartitions('events', [0, 1]);
  job.pushValues('events', 0, 0, [{ id: 'a', user: 'u', v: 1, t: 90_000 }]);
  assert.equal(job.watermark('events'), null);
  assert.deepEqual(job.drain().per_user, undefined);
  clock.advance(10_000);
  job.pushValues('events', 0, 1, [{ id: 'b', user: 'u', v: 1, t: 90_001 }]);
  job.tick();
  assert.deepEqual(job.watermark('events'), { kind: 'time', at: 90_001 });
  assert.deepEqual(job.stateSize(), 1);
});

test('job: state stays bounded by open windows over a long stream', () => {
  const job = compile(p.plan, { lineage: false });
  let peak = 0;
  for (let minute = 0; minute < 200; minute++) {
    const batch: Ev[] = [];
    for (let i = 0; i < 50; i++) batch.push({ id: `${minute}-${i}`, user: `u${i % 10}`, v: 1, t: minute * 60_000 + i * 1000 });
    job.pushValues('events', 0, minute * 50, batch);
    job.drain();
    peak = Math.max(peak, job.stateSize());
  }
  // Ten users in at most two open minutes, whatever the length of the stream.
  assert.ok(peak <= 20, `peak state ${peak}`);
});

test('job: how one partition\'s records are split into batches does not change the output', () => {
  const input: Ev[] = [];
  for (let i = 0; i < 2000; i++) input.push({ id: `e${i}`, user: `u${i % 7}`, v: i % 5, t: i * 97 - (i % 13) * 900 });
  const run = (size: number): string => {
    const job = compile(p.plan);
    for (let off = 0; off < input.length; off += size) job.pushValues('events', 0, off, input.slice(off, off + size));
    job.finish();
    return JSON.stringify(job.drain());
  };
  const one = run(1);
  assert.ok(one.includes('per_user.late'), 'the input has late records, so the watermark timing matters');
  assert.ok(run(1000) === one && run(37) === one);
});

test('job: compile takes a pipeline as its file exports it, or its plan', () => {
  assert.deepEqual(compile(p).outputs, compile(p.plan).outputs);
});
