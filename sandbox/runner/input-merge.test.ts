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

test('takes records in the order of comparing every lane for every record, across refills, ties and records without a time', () => {
  // The reference: the merge's rule written plainly, comparing all lanes each time.
  const reference = (lanes: { time: number; id: string }[][]): string[] => {
    const heads = lanes.map(() => 0);
    const out: string[] = [];
    for (;;) {
      let best = -1;
      for (let i = 0; i < lanes.length; i++) {
        const head = lanes[i]![heads[i]!];
        if (head && (best === -1 || head.time < lanes[best]![heads[best]!]!.time)) best = i;
      }
      if (best === -1) return out;
      out.push(lanes[best]![heads[best]!++]!.id);
    }
  };
  let seed = 12345;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  for (let round = 0; round < 50; round++) {
    const laneCount = 1 + random(6);
    const sizes = Array.from({ length: laneCount }, () => random(40));
    // Few distinct times, so ties are common; about one record in ten has none.
    const times = sizes.map((n) => Array.from({ length: n }, () => (random(10) === 0 ? null : random(30))));
    const merge = new InputMerge(sizes.map((n, p) => ({ source: 'a', topic: 'a', partition: p, position: 0, end: n, lastTime: -Infinity })), true, reader);
    // The reference sees each record at the time it is placed: its own, or the one before it in its lane.
    const placed = times.map((lane, p) => {
      let last = -Infinity;
      return lane.map((t, offset) => {
        last = t ?? last;
        return { time: last, id: `a/${p}@${offset}` };
      });
    });
    // Offer each lane in a few pieces, taking records whenever the merge can, as fetches arrive.
    const offered = sizes.map(() => 0);
    const taken: string[] = [];
    while (offered.some((o, p) => o < sizes[p]!)) {
      const p = random(laneCount);
      const upTo = Math.min(sizes[p]!, offered[p]! + 1 + random(8));
      merge.offer('a', p, offered[p]!, times[p]!.slice(offered[p]!, upTo).map((t, i) => rec(offered[p]! + i, t)), sizes[p]!);
      offered[p] = upTo;
      for (const step of drain(merge)) if (step !== 'wait' && step !== 'caught-up') taken.push(step);
    }
    assert.deepEqual(taken, reference(placed), `round ${round}`);
  }
});

test('in a continuous run, records offered to a partition that was caught up are compared again at once', () => {
  const merge = new InputMerge(
    [
      { source: 'a', topic: 'a', partition: 0, position: 0, end: 0, lastTime: -Infinity },
      { source: 'a', topic: 'a', partition: 1, position: 0, end: 0, lastTime: -Infinity },
    ],
    false,
    reader,
  );
  merge.offer('a', 0, 0, [rec(0, 1), rec(1, 2), rec(2, 3)], 3);
  const first = merge.next();
  assert.equal(first.kind === 'record' && `${first.lane.partition}@${first.record.offset}`, '0@0');
  // Partition 1 was at its end, so partition 0 went ahead alone; now 1 has an earlier record.
  merge.offer('a', 1, 0, [rec(0, 0)], 1);
  assert.deepEqual(drain(merge), ['a/1@0', 'a/0@1', 'a/0@2', 'caught-up']);
});
