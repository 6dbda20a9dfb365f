import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { crc32c } from './crc32c';
import {
  BATCH_HEADER_SIZE,
  Compression,
  CorruptRecordError,
  RecordErrorCode,
  controlType,
  decodeRecords,
  encodeControlBatch,
  encodeRecordBatch,
  readBatchHeader,
  setBaseOffset,
  setLogAppendTime,
  setPartitionLeaderEpoch,
  splitBatches,
} from './record-batch';

function sample(overrides: Partial<Parameters<typeof encodeRecordBatch>[0]> = {}): Buffer {
  return encodeRecordBatch({
    baseOffset: 0,
    producerId: 7,
    producerEpoch: 3,
    baseSequence: 100,
    records: [
      { key: Buffer.from('k1'), value: Buffer.from('v1'), timestamp: 1_700_000_000_000 },
      { key: null, value: Buffer.from('v2'), timestamp: 1_700_000_000_500, headers: [{ key: 'h', value: Buffer.from('x') }] },
      { key: Buffer.from('k3'), value: null, timestamp: 1_699_999_999_000 },
    ],
    ...overrides,
  });
}

function expectCorrupt(fn: () => unknown, errorCode: number, reason: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof CorruptRecordError, `expected CorruptRecordError, got ${String(e)}`);
    assert.equal(e.errorCode, errorCode);
    assert.match(e.reason, reason);
    return true;
  });
}

test('the header of an encoded batch reads back every field', () => {
  const batch = sample({ isTransactional: true, partitionLeaderEpoch: 5 });
  const h = readBatchHeader(batch, 0);
  assert.equal(h.baseOffset, 0);
  assert.equal(h.batchLength, batch.length - 12);
  assert.equal(h.partitionLeaderEpoch, 5);
  assert.equal(h.magic, 2);
  assert.equal(h.crc, crc32c(batch.subarray(21)));
  assert.equal(h.compression, Compression.none);
  assert.equal(h.timestampType, 0);
  assert.equal(h.isTransactional, true);
  assert.equal(h.isControl, false);
  assert.equal(h.lastOffsetDelta, 2);
  assert.equal(h.baseTimestamp, 1_700_000_000_000);
  assert.equal(h.maxTimestamp, 1_700_000_000_500);
  assert.equal(h.producerId, 7);
  assert.equal(h.producerEpoch, 3);
  assert.equal(h.baseSequence, 100);
  assert.equal(h.recordCount, 3);
});

test('negative int64 fields (no producer) read back as -1', () => {
  const h = readBatchHeader(sample({ producerId: -1, producerEpoch: -1, baseSequence: -1 }), 0);
  assert.equal(h.producerId, -1);
  assert.equal(h.producerEpoch, -1);
  assert.equal(h.baseSequence, -1);
});

test('records decode to what was encoded, offsets following baseOffset', () => {
  const batch = sample();
  setBaseOffset(batch, 1000);
  const records = decodeRecords(batch);
  assert.deepEqual(
    records.map((r) => [r.offset, r.timestamp, r.key?.toString() ?? null, r.value?.toString() ?? null]),
    [
      [1000, 1_700_000_000_000, 'k1', 'v1'],
      [1001, 1_700_000_000_500, null, 'v2'],
      [1002, 1_699_999_999_000, 'k3', null],
    ],
  );
  assert.deepEqual(records[1]!.headers, [{ key: 'h', value: Buffer.from('x') }]);
});

test('a gzip batch decodes, and its header is read without inflating it', () => {
  const batch = sample({ compression: Compression.gzip });
  assert.equal(readBatchHeader(batch, 0).compression, Compression.gzip);
  assert.equal(splitBatches(batch).length, 1);
  assert.deepEqual(decodeRecords(batch).map((r) => r.value?.toString() ?? null), ['v1', 'v2', null]);
});

test('splitBatches returns views into the input, one per batch, without copying', () => {
  const a = sample();
  const b = sample({ baseSequence: 103, compression: Compression.gzip });
  const all = Buffer.concat([a, b]);
  const views = splitBatches(all);
  assert.equal(views.length, 2);
  assert.equal(views[0]!.bytes.buffer, all.buffer);
  assert.equal(views[0]!.bytes.byteOffset, all.byteOffset);
  assert.equal(views[1]!.bytes.byteOffset, all.byteOffset + a.length);
  assert.deepEqual(views[1]!.bytes, b);
  assert.equal(views[1]!.header.baseSequence, 103);
});

test('splitBatches rejects a flipped byte anywhere the CRC covers', () => {
  const batch = sample();
  for (let i = 21; i < batch.length; i++) {
    const copy = Buffer.from(batch);
    copy[i] = copy[i]! ^ 0x40;
    expectCorrupt(() => splitBatches(copy), RecordErrorCode.corruptMessage, /CRC32C mismatch/);
  }
});

test('splitBatches rejects short, overlong and wrong-magic input', () => {
  const batch = sample();
  expectCorrupt(() => splitBatches(Buffer.alloc(0)), RecordErrorCode.invalidRecord, /no record batch/);
  expectCorrupt(() => splitBatches(batch.subarray(0, 40)), RecordErrorCode.corruptMessage, /fewer than a batch header/);
  expectCorrupt(() => splitBatches(batch.subarray(0, batch.length - 1)), RecordErrorCode.corruptMessage, /runs past the end/);
  expectCorrupt(() => splitBatches(Buffer.concat([batch, batch.subarray(0, 70)])), RecordErrorCode.corruptMessage, /runs past the end/);
  const shortLength = Buffer.from(batch);
  shortLength.writeInt32BE(10, 8);
  expectCorrupt(() => splitBatches(shortLength), RecordErrorCode.corruptMessage, /shorter than a header/);
  const magic1 = Buffer.from(batch);
  magic1[16] = 1;
  expectCorrupt(() => splitBatches(magic1), RecordErrorCode.invalidRecord, /magic 1/);
});

test('splitBatches rejects a record count that disagrees with lastOffsetDelta', () => {
  const batch = sample();
  batch.writeInt32BE(5, 23);
  batch.writeUInt32BE(crc32c(batch.subarray(21)), 17);
  expectCorrupt(() => splitBatches(batch), RecordErrorCode.invalidRecord, /recordCount 3 does not match lastOffsetDelta 5/);
});

test('splitBatches reports the position of the bad batch', () => {
  const a = sample();
  const b = sample();
  b[b.length - 1] = b[b.length - 1]! ^ 1;
  assert.throws(() => splitBatches(Buffer.concat([a, b])), (e: unknown) => e instanceof CorruptRecordError && e.position === a.length);
});

test('baseOffset and leader epoch are rewritten in place and the CRC stays valid', () => {
  const batch = sample();
  setBaseOffset(batch, 2 ** 40 + 3);
  setPartitionLeaderEpoch(batch, 9);
  const [view] = splitBatches(batch);
  assert.equal(view!.header.baseOffset, 2 ** 40 + 3);
  assert.equal(view!.header.partitionLeaderEpoch, 9);
});

test('LogAppendTime sets the attribute and maxTimestamp, recomputes the CRC, and stamps every record', () => {
  const batch = sample();
  setLogAppendTime(batch, 1_800_000_000_000);
  const [view] = splitBatches(batch);
  assert.equal(view!.header.timestampType, 1);
  assert.equal(view!.header.maxTimestamp, 1_800_000_000_000);
  assert.deepEqual(decodeRecords(batch).map((r) => r.timestamp), [1_800_000_000_000, 1_800_000_000_000, 1_800_000_000_000]);
});

test('a batch built by hand with node:zlib (as a producer would) passes validation', () => {
  // Build the record section with the encoder, then re-wrap it compressed by hand, so this test does
  // not depend on the encoder's own gzip path.
  const plain = sample();
  const section = plain.subarray(BATCH_HEADER_SIZE);
  const compressed = gzipSync(section);
  const out = Buffer.concat([plain.subarray(0, BATCH_HEADER_SIZE), compressed]);
  out.writeInt32BE(out.length - 12, 8);
  out.writeInt16BE(Compression.gzip, 21);
  out.writeUInt32BE(crc32c(out.subarray(21)), 17);
  assert.equal(splitBatches(out)[0]!.header.compression, Compression.gzip);
  assert.deepEqual(decodeRecords(out).map((r) => r.key?.toString() ?? null), ['k1', null, 'k3']);
});

test('control batches carry their marker type', () => {
  const commit = encodeControlBatch({ producerId: 4, producerEpoch: 1, type: 'commit', coordinatorEpoch: 0, timestamp: 5 });
  const abort = encodeControlBatch({ producerId: 4, producerEpoch: 1, type: 'abort', coordinatorEpoch: 0, timestamp: 5 });
  const [view] = splitBatches(commit);
  assert.equal(view!.header.isControl, true);
  assert.equal(view!.header.isTransactional, true);
  assert.equal(controlType(commit), 'commit');
  assert.equal(controlType(abort), 'abort');
  assert.equal(controlType(sample()), null);
  const cut = Buffer.from(commit);
  cut[BATCH_HEADER_SIZE] = 0x7f; // the record claims to be far longer than the batch
  cut[BATCH_HEADER_SIZE + 4] = 0x7f; // and so does its key
  assert.equal(controlType(cut), null, 'a malformed marker is not a marker');
});

test('varints survive large and negative deltas', () => {
  const batch = encodeRecordBatch({
    baseTimestamp: 2 ** 42,
    records: [
      { key: null, value: Buffer.alloc(300, 1), timestamp: 2 ** 42 - 2 ** 33 },
      { key: null, value: Buffer.alloc(70_000, 2), timestamp: 2 ** 42 + 2 ** 35, offsetDelta: 1 },
    ],
  });
  const records = decodeRecords(batch);
  assert.deepEqual(records.map((r) => r.timestamp), [2 ** 42 - 2 ** 33, 2 ** 42 + 2 ** 35]);
  assert.equal(records[1]!.value!.length, 70_000);
});
