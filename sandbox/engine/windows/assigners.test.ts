import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignedStart, assignEnds, startOfEnd, validateWindow, type WindowSpec } from './assigners';
import { toMillis } from '../duration';
import { MinHeap } from '../min-heap';

const ends = (spec: WindowSpec, ts: number): number[] => {
  const out: number[] = [];
  const n = assignEnds(spec, ts, out);
  return out.slice(0, n);
};

test('aligned start works for negative times and offsets', () => {
  assert.equal(alignedStart(-1, 10, 0), -10);
  assert.equal(alignedStart(25, 10, 3), 23);
  assert.equal(alignedStart(20, 10, 0), 20);
});

test('assigners: tumbling, hopping and cumulating windows containing a time, and their starts', () => {
  const tumbling: WindowSpec = { kind: 'tumbling', size: 10, offset: 0 };
  assert.deepEqual(ends(tumbling, 9), [10]);
  assert.deepEqual(ends(tumbling, 10), [20]);
  const hopping: WindowSpec = { kind: 'hopping', size: 10, slide: 5, offset: 0 };
  assert.deepEqual(ends(hopping, 7), [10, 15]);
  assert.deepEqual(ends(hopping, 10), [15, 20]);
  assert.equal(startOfEnd(hopping, 15), 5);
  const cumulating: WindowSpec = { kind: 'cumulating', step: 10, maxSize: 30, offset: 0 };
  assert.deepEqual(ends(cumulating, 0), [10, 20, 30]);
  assert.deepEqual(ends(cumulating, 19), [20, 30]);
  assert.deepEqual(ends(cumulating, 29), [30]);
  assert.equal(startOfEnd(cumulating, 30), 0);
  assert.equal(startOfEnd(cumulating, 40), 30);
});

test('window configuration is validated', () => {
  assert.throws(() => validateWindow({ kind: 'hopping', size: 10, slide: 3, offset: 0 }), /multiple of slide/);
  assert.throws(() => validateWindow({ kind: 'tumbling', size: 0, offset: 0 }), /size must be positive/);
  assert.throws(() => validateWindow({ kind: 'session', gap: -1 }), /gap must be positive/);
});

test('durations: short and long units, numbers, and errors', () => {
  assert.equal(toMillis('5s'), 5000);
  assert.equal(toMillis('1m'), 60_000);
  assert.equal(toMillis('30 minutes'), 1_800_000);
  assert.equal(toMillis('1.5h'), 5_400_000);
  assert.equal(toMillis(250), 250);
  assert.throws(() => toMillis('5 fortnights' as '5 s'), /invalid duration/);
  assert.throws(() => toMillis(-1), /non-negative/);
});

test('the timer heap pops by time, then by insertion sequence', () => {
  const heap = new MinHeap<string>();
  heap.push(5, 2, 'c');
  heap.push(1, 9, 'a');
  heap.push(5, 1, 'b');
  heap.push(7, 0, 'd');
  assert.deepEqual(heap.sorted().map((e) => e.item), ['a', 'b', 'c', 'd']);
  const popped: string[] = [];
  while (heap.size > 0) popped.push(heap.pop()!.item);
  assert.deepEqual(popped, ['a', 'b', 'c', 'd']);
  assert.equal(heap.peekTime(), Number.POSITIVE_INFINITY);
});
