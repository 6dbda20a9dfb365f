import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compile, ManualClock } from '../engine';
import { json, pipeline } from '../pipeline';
import { InputMerge, type FetchedRecord } from './input-merge';
import { eventTimeReader, MergedFeed } from './merged-feed';

const shop = pipeline('feed', (p) => {
  const orders = p.bronze('orders', { value: json<{ id: number; t: number }>(), eventTime: (o) => o.t });
  p.silver('copies', orders.flatMap((o) => [o, o]));
});

function feedOf(records: FetchedRecord[]): { feed: MergedFeed; job: ReturnType<typeof compile> } {
  const clock = new ManualClock(0);
  const job = compile(shop.plan, { clock, lineage: false });
  job.assignPartitions('orders', [0]);
  const merge = new InputMerge([{ source: 'orders', topic: 'orders', partition: 0, position: 0, end: records.length, lastTime: -Infinity }], true, eventTimeReader(shop.plan));
  merge.offer('orders', 0, 0, records, records.length);
  return { feed: new MergedFeed(job, clock, merge, null), job };
}

const records = Array.from({ length: 10 }, (_, i): FetchedRecord => ({ offset: i, key: undefined, value: JSON.stringify({ id: i, t: 1_000 + i }), timestamp: 0 }));

test('a step drains whenever the job holds the given number of outputs, and the outputs are those of one undivided step', () => {
  const { feed, job } = feedOf(records);
  const groups: number[] = [];
  const ids: string[] = [];
  const drain = (): void => {
    const out = job.drain().copies ?? [];
    groups.push(out.length);
    ids.push(...out.map((r) => r.id));
    assert.equal(job.pendingOutputs, 0);
  };
  const step = feed.step(100, 5, drain);
  assert.deepEqual(step, { fed: 10, caughtUp: true });
  // Each record makes two outputs: the job is drained as soon as at least five wait.
  assert.deepEqual(groups, [6, 6, 6]);
  assert.equal(job.pendingOutputs, 2);
  drain();

  const whole = feedOf(records);
  whole.feed.step(100);
  assert.equal(whole.job.pendingOutputs, 20);
  assert.deepEqual(ids, whole.job.drain().copies!.map((r) => r.id));
});

test('a record is decoded and its event time read once, by the merge, and the engine uses both as they are', () => {
  let decodes = 0;
  const counted = pipeline('counted', (p) => {
    const orders = p.bronze('orders', {
      value: { name: 'counting-json', decode: (raw: unknown) => { decodes++; return JSON.parse(String(raw)) as { id: number; t: number }; } },
      eventTime: (o) => o.t,
    });
    p.silver('ids', orders.map((o) => o.id));
  });
  const clock = new ManualClock(0);
  const job = compile(counted.plan, { clock, lineage: false });
  job.assignPartitions('orders', [0]);
  const merge = new InputMerge([{ source: 'orders', topic: 'orders', partition: 0, position: 0, end: 3, lastTime: -Infinity }], true, eventTimeReader(counted.plan));
  merge.offer('orders', 0, 0, [...records.slice(0, 2), { offset: 2, key: undefined, value: 'not json', timestamp: 0 }], 3);
  new MergedFeed(job, clock, merge, null).step(100);
  const out = job.drain();
  assert.deepEqual(out.ids!.map((r) => [r.id, r.eventTime, r.value]), [['orders/0/0', 1_000, 0], ['orders/0/1', 1_001, 1]]);
  // The record that does not decode is tried again by the engine, which dead-letters it with the error.
  assert.equal(decodes, 4);
  assert.match((out['orders.dead_letter']![0]!.value as { error: string }).error, /SyntaxError/);
});
