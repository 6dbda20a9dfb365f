import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputMerge, type EventTimeReader, type FetchedRecord } from './input-merge';

/** Event time from the JSON value's `t`; a value without one has none. */
const reader: EventTimeReader = (_source, record) => {
  const value = JSON.parse(record.value ?? 'null') as { t?: number } | null;
  return { time: typeof value?.t === 'number' ? value.t : null, value };
};

const rec = (offset: number, t: number | null): FetchedRecord => ({ offset, key: undefined, value: JSON.stringify(t === null ? {} : { t }), timestamp: Date.now() });

function drain(merge: InputMerge): string[] {
  const out: string[] = [];
  for (;;) {
    const step = merge.next();
    if (step.kind !== 'record') return [...out, step.kind];
    out.push(`${step.lane.topic}/${step.lane.partition}@${step.record.offset}`);
  }
}

test('merges partitions by event time, ties to the earlier lane, and waits for a lane that is behind its end', () => {
  const merge = new InputMerge(
    [
      { source: 'a', topic: 'a', partition: 0, position: 0, end: 3, lastTime: -Infinity },
      { source: 'b', topic: 'b', partition: 0, position: 0, end: 2, lastTime: -Infinity },
    ],
    true,
    reader,
  );
  merge.offer('a', 0, 0, [rec(0, 10), rec(1, 30)], 3);
  merge.offer('b', 0, 0, [rec(0, 10), rec(1, 20)], 2);
  // a@2 is not fetched yet, and a's head after a@1 would be unknown: the merge must stop there.
  assert.deepEqual(drain(merge), ['a/0@0', 'b/0@0', 'b/0@1', 'a/0@1', 'wait']);
  merge.offer('a', 0, 2, [rec(2, 5)], 3);
  assert.deepEqual(drain(merge), ['a/0@2', 'caught-up']);
});

test('a record without an event time sorts with the record before it, not by its Kafka timestamp', () => {
  const merge = new InputMerge(
    [
      { source: 'a', topic: 'a', partition: 0, position: 0, end: 3, lastTime: -Infinity },
      { source: 'a', topic: 'a', partition: 1, position: 0, end: 2, lastTime: -Infinity },
    ],
    true,
    reader,
  );
  merge.offer('a', 0, 0, [rec(0, 10), rec(1, null), rec(2, 40)], 3);
  merge.offer('a', 1, 0, [rec(0, 20), rec(1, 30)], 2);
  assert.deepEqual(drain(merge), ['a/0@0', 'a/0@1', 'a/1@0', 'a/1@1', 'a/0@2', 'caught-up']);
});

test('drops re-delivered records and batches fetched from before a seek, and stops at the end of a bounded input', () => {
  const merge = new InputMerge([{ source: 'a', topic: 'a', partition: 0, position: 5, end: 8, lastTime: 1 }], true, reader);
  // A stale fetch from further ahead would leave offsets 5..6 out: it is refused whole.
  merge.offer('a', 0, 7, [rec(7, 7)], 8);
  assert.deepEqual(drain(merge), ['wait']);
  merge.offer('a', 0, 3, [rec(3, 3), rec(4, 4), rec(5, 5), rec(6, 6), rec(7, 7), rec(8, 8)], 9);
  assert.deepEqual(drain(merge), ['a/0@5', 'a/0@6', 'a/0@7', 'caught-up']);
  merge.offer('a', 0, 5, [rec(5, 5)], 9);
  assert.deepEqual(drain(merge), ['caught-up']);
});

test('skips offsets a fetch passed without records for us, so an empty lane does not wait for ever', () => {
  const merge = new InputMerge([{ source: 'a', topic: 'a', partition: 0, position: 0, end: 4, lastTime: -Infinity }], true, reader);
  merge.offer('a', 0, 0, [rec(0, 1), rec(1, 2)], 4);
  assert.deepEqual(drain(merge), ['a/0@0', 'a/0@1', 'wait']);
  merge.skipTo('a', 0, 4);
  assert.deepEqual(drain(merge), ['caught-up']);
});

test('a long buffer is fed in offset order while it is taken and refilled', () => {
  const merge = new InputMerge([{ source: 'a', topic: 'a', partition: 0, position: 0, end: 5_000, lastTime: -Infinity }], true, reader);
  merge.offer('a', 0, 0, Array.from({ length: 3_000 }, (_, i) => rec(i, i)), 5_000);
  const fed: number[] = [];
  for (let i = 0; i < 2_500; i++) {
    const step = merge.next();
    assert.equal(step.kind, 'record');
    if (step.kind === 'record') fed.push(step.record.offset);
  }
  merge.offer('a', 0, 3_000, Array.from({ length: 2_000 }, (_, i) => rec(3_000 + i, 3_000 + i)), 5_000);
  assert.equal(merge.buffered(), 2_500);
  for (;;) {
    const step = merge.next();
    if (step.kind !== 'record') {
      assert.equal(step.kind, 'caught-up');
      break;
    }
    fed.push(step.record.offset);
  }
  assert.deepEqual(fed, Array.from({ length: 5_000 }, (_, i) => i));
});
