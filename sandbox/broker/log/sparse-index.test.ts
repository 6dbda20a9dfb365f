import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OffsetIndex, TimeIndex } from './sparse-index';

test('offset index floor finds the last entry at or before an offset, and round-trips through its file format', () => {
  const index = new OffsetIndex();
  for (let i = 0; i < 100; i++) index.append(i * 10, i * 4096);
  assert.equal(index.floor(-1), -1);
  assert.equal(index.floor(0), 0);
  assert.equal(index.floor(9), 0);
  assert.equal(index.floor(10), 1);
  assert.equal(index.floor(995), 99);
  const parsed = OffsetIndex.parse(index.toBuffer())!;
  assert.equal(parsed.count, 100);
  assert.equal(parsed.positionAt(57), 57 * 4096);
  index.truncateToPosition(50 * 4096);
  assert.equal(index.count, 50);
});

test('offset index files that are not strictly increasing from (0, 0) are refused', () => {
  const entries = (pairs: [number, number][]) => Buffer.concat(pairs.map(([r, p]) => { const b = Buffer.alloc(8); b.writeInt32BE(r, 0); b.writeInt32BE(p, 4); return b; }));
  assert.equal(OffsetIndex.parse(Buffer.alloc(0)), null);
  assert.equal(OffsetIndex.parse(Buffer.alloc(12)), null);
  assert.equal(OffsetIndex.parse(entries([[1, 0]])), null);
  assert.equal(OffsetIndex.parse(entries([[0, 0], [5, 100], [5, 200]])), null);
  assert.equal(OffsetIndex.parse(entries([[0, 0], [5, 100], [6, 100]])), null);
  assert.equal(OffsetIndex.parse(entries([[0, 0], [5, 100], [6, 101]]))?.count, 3);
});

test('time index keeps only increasing maxima and finds the last entry before a timestamp', () => {
  const index = new TimeIndex();
  index.maybeAppend(100, 0);
  index.maybeAppend(100, 3);
  index.maybeAppend(90, 4);
  index.maybeAppend(300, 5);
  index.maybeAppend(2 ** 45, 9);
  assert.equal(index.count, 3);
  assert.equal(index.lastBefore(100), -1);
  assert.equal(index.lastBefore(101), 0);
  assert.equal(index.lastBefore(300), 0);
  assert.equal(index.lastBefore(301), 1);
  const parsed = TimeIndex.parse(index.toBuffer())!;
  assert.equal(parsed.timestampAt(2), 2 ** 45);
  assert.equal(parsed.relativeOffsetAt(2), 9);
  assert.equal(TimeIndex.parse(Buffer.alloc(24)), null, 'a zeroed file repeats its timestamp');
});
