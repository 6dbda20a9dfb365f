import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32c, crc32cJs, crc32cImplementation } from './crc32c';

// Reference values from RFC 3720 appendix B.4 and the usual "123456789" check value.
const vectors: [Buffer, number][] = [
  [Buffer.from('123456789'), 0xe3069283],
  [Buffer.alloc(32, 0x00), 0x8a9136aa],
  [Buffer.alloc(32, 0xff), 0x62a8ab43],
  [Buffer.from(Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e],
  [Buffer.from(Array.from({ length: 32 }, (_, i) => 31 - i)), 0x113fdb5c],
  [Buffer.alloc(0), 0],
];

test('crc32c matches the published check values', () => {
  for (const [input, expected] of vectors) {
    assert.equal(crc32c(input), expected, `crc32c of ${input.toString('hex')}`);
    assert.equal(crc32cJs(input), expected, `crc32cJs of ${input.toString('hex')}`);
  }
});

test('the native module is in use on this machine', () => {
  // The broker's throughput target depends on the hardware CRC; a silent fall back would show here.
  assert.equal(crc32cImplementation, 'native');
});

test('the JavaScript fallback agrees with the native module at every length and alignment', () => {
  const data = Buffer.alloc(1100);
  let x = 12345;
  for (let i = 0; i < data.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    data[i] = x >>> 24;
  }
  for (let start = 0; start < 9; start++) {
    for (let len = 0; len < 1090; len += len < 40 ? 1 : 37) {
      const slice = data.subarray(start, start + len);
      assert.equal(crc32cJs(slice), crc32c(slice), `start ${start} length ${len}`);
    }
  }
});

test('an initial value continues a previous checksum', () => {
  const all = Buffer.from('the quick brown fox jumps over the lazy dog');
  for (let cut = 0; cut <= all.length; cut++) {
    const a = all.subarray(0, cut);
    const b = all.subarray(cut);
    assert.equal(crc32c(b, crc32c(a)), crc32c(all));
    assert.equal(crc32cJs(b, crc32cJs(a)), crc32c(all));
  }
});
