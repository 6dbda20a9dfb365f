import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../prng';
import { MinHeap } from './min-heap';

test('MinHeap pops by arrival, then by seq, for random input', () => {
  const rng = createRng(7);
  const heap = new MinHeap<{ arrival: number; seq: number }>();
  const all = Array.from({ length: 2000 }, (_, seq) => ({ arrival: rng.int(0, 50), seq }));
  for (const item of all) heap.push(item);
  const popped = [];
  while (heap.size > 0) popped.push(heap.pop()!);
  const sorted = [...all].sort((a, b) => a.arrival - b.arrival || a.seq - b.seq);
  assert.deepEqual(popped, sorted);
  assert.equal(heap.pop(), undefined);
});
