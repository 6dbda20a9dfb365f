import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MinHeap } from './min-heap';

test('entries come out in (time, seq) order, pushes and pops interleaved, ties and infinities included', () => {
  let seed = 7;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const heap = new MinHeap<string>();
  const reference: { time: number; seq: number; item: string }[] = [];
  let seq = 0;
  const take = (): void => {
    reference.sort((x, y) => (x.time < y.time ? -1 : x.time > y.time ? 1 : x.seq - y.seq));
    const want = reference.shift();
    const got = heap.pop();
    assert.deepEqual(got === undefined ? undefined : { ...got }, want);
  };
  for (let round = 0; round < 5_000; round++) {
    if (random(3) < 2) {
      const time = random(20) === 0 ? Number.POSITIVE_INFINITY : random(50);
      const entry = { time, seq: seq++, item: `e${round}` };
      heap.push(entry.time, entry.seq, entry.item);
      reference.push(entry);
    } else take();
    assert.equal(heap.size, reference.length);
    assert.equal(heap.peekTime(), reference.length === 0 ? Number.POSITIVE_INFINITY : Math.min(...reference.map((e) => e.time)));
  }
  const sorted = heap.sorted().map((e) => e.seq);
  while (reference.length > 0) take();
  assert.equal(heap.pop(), undefined);
  assert.equal(sorted.length, new Set(sorted).size);
});

test('sorted() lists the entries in the order pop() takes them, without taking any', () => {
  const heap = new MinHeap<number>();
  for (const [time, seq] of [[5, 3], [1, 9], [5, 1], [Number.POSITIVE_INFINITY, 0], [1, 2]] as const) heap.push(time, seq, seq);
  const listed = heap.sorted().map((e) => [e.time, e.seq]);
  assert.equal(heap.size, 5);
  const popped: number[][] = [];
  for (let e = heap.pop(); e !== undefined; e = heap.pop()) popped.push([e.time, e.seq]);
  assert.deepEqual(listed, [[1, 2], [1, 9], [5, 1], [5, 3], [Number.POSITIVE_INFINITY, 0]]);
  assert.deepEqual(popped, listed);
});
