import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BufferPool } from './buffer-pool';

test('a released buffer is lent again, once, and only for a request it fits without much waste', () => {
  const pool = new BufferPool(512, 1 << 20);
  const first = pool.allocate(3000);
  assert.equal(first.length, 3000);
  pool.release(first.subarray(0, 10));
  pool.release(first);
  assert.equal(pool.idleBytes, 4096, 'released once, whole, even through a view and twice');
  const again = pool.allocate(2500);
  assert.equal(again.buffer, first.buffer, 'the same backing store is reused');
  assert.equal(pool.idleBytes, 0);
  const other = pool.allocate(2500);
  assert.notEqual(other.buffer, first.buffer, 'a lent buffer is not lent twice');
  pool.release(again);
  assert.notEqual(pool.allocate(200_000).buffer, first.buffer, 'too small for the request');
  assert.notEqual(pool.allocate(500).buffer, first.buffer, 'small requests are plain allocations');
  assert.notEqual(pool.allocate(512).buffer, first.buffer, 'not more than four times the size class asked for');
  assert.equal(pool.allocate(1100).buffer, first.buffer, 'up to four times the size class asked for');
});

test('buffers the pool did not lend are ignored, and the free bytes stay under the cap', () => {
  const pool = new BufferPool(1024, 10_000);
  pool.release(Buffer.alloc(4096));
  assert.equal(pool.idleBytes, 0);
  const lent = [pool.allocate(4096), pool.allocate(4096), pool.allocate(4096)];
  for (const b of lent) pool.release(b);
  assert.equal(pool.idleBytes, 8192, 'the third buffer would pass 10,000 bytes and is dropped');
});
