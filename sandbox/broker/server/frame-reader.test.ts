import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameError, FrameReader } from './frame-reader';

function frame(body: string): Buffer {
  const b = Buffer.from(body);
  const size = Buffer.alloc(4);
  size.writeInt32BE(b.length);
  return Buffer.concat([size, b]);
}

test('frames split at every byte boundary come out whole and in order', () => {
  const stream = Buffer.concat([frame('hello'), frame(''), frame('kafka frames')]);
  for (let cut = 0; cut <= stream.length; cut++) {
    const reader = new FrameReader(1024);
    const got = [...reader.push(stream.subarray(0, cut)), ...reader.push(stream.subarray(cut))];
    assert.deepEqual(got.map(String), ['hello', '', 'kafka frames']);
    assert.equal(reader.pendingBytes, 0);
  }
});

test('byte-by-byte delivery yields the same frames', () => {
  const stream = Buffer.concat([frame('abc'), frame('defgh')]);
  const reader = new FrameReader(1024);
  const got: string[] = [];
  for (const byte of stream) got.push(...reader.push(Buffer.from([byte])).map(String));
  assert.deepEqual(got, ['abc', 'defgh']);
});

test('an oversized or negative claimed size is refused before anything is allocated', () => {
  const huge = Buffer.alloc(4);
  huge.writeInt32BE(0x7fffffff);
  assert.throws(() => new FrameReader(1024).push(huge), FrameError);
  const negative = Buffer.alloc(4);
  negative.writeInt32BE(-5);
  assert.throws(() => new FrameReader(1024).push(negative), FrameError);
});

test('a partial frame waits for the rest', () => {
  const reader = new FrameReader(1024);
  assert.deepEqual(reader.push(frame('partial').subarray(0, 6)), []);
  assert.equal(reader.pendingBytes, 6);
});
