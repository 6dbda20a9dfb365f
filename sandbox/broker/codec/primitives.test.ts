import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CodecError } from './codec-error';
import { Reader, Writer } from './primitives';

function bytesOf(write: (w: Writer) => void): Buffer {
  const w = new Writer(16);
  write(w);
  return w.toBuffer();
}

test('unsigned varints use 7 bits per byte, up to 5 bytes for 2^32-1', () => {
  const cases: [number, string][] = [[0, '00'], [1, '01'], [127, '7f'], [128, '8001'], [300, 'ac02'], [0xffffffff, 'ffffffff0f']];
  for (const [value, hex] of cases) {
    assert.equal(bytesOf((w) => w.uvarint(value)).toString('hex'), hex, `uvarint ${value}`);
    assert.equal(new Reader(Buffer.from(hex, 'hex')).uvarint('v'), value);
  }
  assert.throws(() => new Writer().uvarint(-1), CodecError);
  assert.throws(() => new Reader(Buffer.from('ffffffff1f', 'hex')).uvarint('v'), CodecError);
  assert.throws(() => new Reader(Buffer.from('ffffffffff01', 'hex')).uvarint('v'), CodecError);
});

test('zigzag varints map negatives to odd numbers, including the int32 extremes', () => {
  const cases: [number, string][] = [[0, '00'], [-1, '01'], [1, '02'], [-2, '03'], [-64, '7f'], [64, '8001'],
    [2147483647, 'feffffff0f'], [-2147483648, 'ffffffff0f']];
  for (const [value, hex] of cases) {
    assert.equal(bytesOf((w) => w.varint(value)).toString('hex'), hex, `varint ${value}`);
    assert.equal(new Reader(Buffer.from(hex, 'hex')).varint('v'), value);
  }
  assert.throws(() => new Writer().varint(2 ** 31), CodecError);
});

test('zigzag varlongs are exact within ±2^52 and refuse more', () => {
  for (const value of [0, -1, 1, 2 ** 31, -(2 ** 31) - 1, 1_700_000_000_000, 2 ** 52, -(2 ** 52)]) {
    const b = bytesOf((w) => w.varlong(value));
    const r = new Reader(b);
    assert.equal(r.varlong('v'), value);
    assert.equal(r.remaining, 0);
  }
  assert.equal(bytesOf((w) => w.varlong(-1)).toString('hex'), '01');
  assert.throws(() => new Reader(Buffer.alloc(11, 0xff)).varlong('v'), CodecError);
  assert.throws(() => new Writer().varlong(Number.MIN_SAFE_INTEGER), CodecError);
});

test('int64 round-trips negative and large values as numbers', () => {
  for (const value of [0, -1, -2, 2 ** 32, -(2 ** 32) - 1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]) {
    const b = bytesOf((w) => w.int64(value));
    assert.equal(b.readBigInt64BE(0), BigInt(value));
    assert.equal(new Reader(b).int64('v'), value);
  }
  assert.throws(() => new Writer().int64(2 ** 60), CodecError);
});

test('classic and compact strings, with null', () => {
  assert.equal(bytesOf((w) => w.string('ab')).toString('hex'), '00026162');
  assert.equal(bytesOf((w) => w.string(null)).toString('hex'), 'ffff');
  assert.equal(bytesOf((w) => w.compactString('ab')).toString('hex'), '036162');
  assert.equal(bytesOf((w) => w.compactString(null)).toString('hex'), '00');
  assert.equal(bytesOf((w) => w.compactString('')).toString('hex'), '01');
  assert.equal(new Reader(Buffer.from('00', 'hex')).compactString('s'), null);
  assert.equal(new Reader(Buffer.from('01', 'hex')).compactString('s'), '');
  assert.equal(new Reader(Buffer.from('ffff', 'hex')).string('s'), null);
  assert.equal(new Reader(Buffer.from('0003c3a978', 'hex')).string('s'), 'éx');
  assert.throws(() => new Writer().string('x'.repeat(40000)), CodecError);
});

test('bytes, compact bytes and uuids', () => {
  assert.equal(bytesOf((w) => w.bytes(Buffer.from([9]))).toString('hex'), '0000000109');
  assert.equal(bytesOf((w) => w.bytes(null)).toString('hex'), 'ffffffff');
  assert.equal(bytesOf((w) => w.compactBytes(Buffer.alloc(0))).toString('hex'), '01');
  assert.equal(new Reader(Buffer.from('ffffffff', 'hex')).bytesView('b'), null);
  const uuid = '00112233445566778899aabbccddeeff';
  assert.equal(bytesOf((w) => w.uuid(uuid)).toString('hex'), uuid);
  assert.equal(new Reader(Buffer.from(uuid, 'hex')).uuid('u'), uuid);
  assert.throws(() => new Writer().uuid('xyz'), CodecError);
});

test('raw appends a buffer by reference, between copied chunks', () => {
  const big = Buffer.alloc(4096, 7);
  const w = new Writer(16);
  w.int32(1);
  w.raw(big);
  w.int16(2);
  assert.equal(w.length, 4 + 4096 + 2);
  const chunks = w.finish();
  assert.equal(chunks.length, 3);
  assert.equal(chunks[1], big, 'the same Buffer object, not a copy');
  assert.equal(Buffer.concat(chunks).readInt16BE(4100), 2);
});

test('the writer grows past its first chunk without losing bytes', () => {
  const w = new Writer(16);
  for (let i = 0; i < 1000; i++) w.int32(i);
  const b = w.toBuffer();
  assert.equal(b.length, 4000);
  for (let i = 0; i < 1000; i++) assert.equal(b.readInt32BE(i * 4), i);
});

test('every read past the end throws CodecError naming the field', () => {
  const r = new Reader(Buffer.from([1, 2, 3]));
  assert.throws(() => r.int32('Thing.count'), (e: unknown) => e instanceof CodecError && /Thing\.count/.test(e.message));
  assert.throws(() => new Reader(Buffer.alloc(7)).int64('x'), CodecError);
  assert.throws(() => new Reader(Buffer.alloc(0)).bool('x'), CodecError);
  assert.throws(() => new Reader(Buffer.from('80', 'hex')).uvarint('x'), CodecError);
});

test('negative lengths other than -1 are refused', () => {
  assert.throws(() => new Reader(Buffer.from('fffe', 'hex')).string('s'), /negative length -2/);
  assert.throws(() => new Reader(Buffer.from('fffffffe', 'hex')).bytesView('b'), /negative length -2/);
  assert.throws(() => new Reader(Buffer.from('fffffffe', 'hex')).arrayLength(false, 1, 'a'), /negative array length/);
});

test('claimed lengths and counts beyond the remaining bytes fail before any allocation', () => {
  const claim = Buffer.from('7fffffff00', 'hex');
  assert.throws(() => new Reader(claim).bytesView('b'), /claims 2147483647 bytes/);
  assert.throws(() => new Reader(claim).arrayLength(false, 1, 'a'), /claims 2147483647 elements/);
  assert.throws(() => new Reader(Buffer.from('feffffff0f', 'hex')).compactBytesView('b'), CodecError);
  // Four int32 elements need 16 bytes; 12 are there.
  const fourInts = Buffer.concat([Buffer.from('00000004', 'hex'), Buffer.alloc(12)]);
  assert.throws(() => new Reader(fourInts).arrayLength(false, 4, 'a'), /claims 4 elements/);
  assert.equal(new Reader(fourInts).arrayLength(false, 3, 'a'), 4);
});

test('a sub-reader cannot read past its tagged field', () => {
  const r = new Reader(Buffer.from('0102030405', 'hex'));
  const sub = r.sub(2, 'tag');
  assert.equal(sub.int16('x'), 0x0102);
  assert.throws(() => sub.int8('x'), CodecError);
  assert.equal(r.int8('y'), 3);
});

test('fixed-width integers are written big-endian and out-of-range values are refused', () => {
  assert.equal(bytesOf((w) => { w.int16(-2); w.int32(-2); w.int32(0x01020304); }).toString('hex'), 'fffe' + 'fffffffe' + '01020304');
  assert.throws(() => new Writer().int16(40000), CodecError);
  assert.throws(() => new Writer().int32(2 ** 31), CodecError);
  assert.throws(() => new Writer().int32(1.5), CodecError);
});
