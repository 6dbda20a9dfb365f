// The batch builder writes what the codec's reference decoder reads back: every field of every
// record, with strings and Buffers, nulls, negative timestamp deltas, headers and gzip.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeRecords, readBatchHeader, validateBatchAt } from '../broker/codec/record-batch';
import { BatchBuilder, type ProducerRecord } from './batch-builder';

const records: ProducerRecord[] = [
  { key: 'k1', value: '{"a":1}', timestamp: 1_000, headers: { 'medallion.id': 'id-1' } },
  { key: null, value: null, timestamp: 900 },
  { key: Buffer.from([0, 1, 2]), value: Buffer.from('raw'), timestamp: 2_000, headers: {} },
  { key: 'ünïcödé ✓', value: 'x'.repeat(300) + '日本', timestamp: 1_500, headers: { a: '', b: 'é'.repeat(100) } },
];

for (const gzip of [false, true]) {
  test(`a built batch decodes to the records appended${gzip ? ' (gzip)' : ''}`, () => {
    const builder = new BatchBuilder(64);
    for (const r of records) builder.append(r, 5_000);
    builder.append({ key: 'no time', value: 'v' }, 5_000);
    const batch = builder.finish({ producerId: 42, producerEpoch: 3, baseSequence: 10, transactional: true }, gzip);
    validateBatchAt(batch, 0);
    const header = readBatchHeader(batch, 0);
    assert.equal(header.isTransactional, true);
    assert.equal(header.producerId, 42);
    assert.equal(header.producerEpoch, 3);
    assert.equal(header.baseSequence, 10);
    assert.equal(header.recordCount, 5);
    assert.equal(header.maxTimestamp, 5_000);
    assert.equal(header.compression, gzip ? 1 : 0);
    const decoded = decodeRecords(batch);
    const asText = (b: Buffer | null) => (b === null ? null : b.toString('utf8'));
    assert.deepEqual(decoded.map((d) => d.offset), [0, 1, 2, 3, 4]);
    assert.deepEqual(decoded.map((d) => d.timestamp), [1_000, 900, 2_000, 1_500, 5_000]);
    assert.deepEqual(decoded.map((d) => asText(d.key)), ['k1', null, '\u0000\u0001\u0002', 'ünïcödé ✓', 'no time']);
    assert.deepEqual(decoded.map((d) => asText(d.value)), ['{"a":1}', null, 'raw', 'x'.repeat(300) + '日本', 'v']);
    assert.deepEqual(decoded.map((d) => Object.fromEntries(d.headers.map((h) => [h.key, asText(h.value)]))), [
      { 'medallion.id': 'id-1' }, {}, {}, { a: '', b: 'é'.repeat(100) }, {},
    ]);
  });
}

test('an empty batch is refused', () => {
  assert.throws(() => new BatchBuilder().finish({ producerId: 1, producerEpoch: 0, baseSequence: 0, transactional: false }), /at least one record/);
});

test('strings whose UTF-8 length needs a shorter prefix than the worst case are moved back intact', () => {
  // 30 ASCII characters: the worst case (90 bytes) needs a 2-byte prefix, the real 30 bytes one.
  // 43 two-byte characters: longer than the ASCII fast path, 86 bytes, worst case 129.
  const values = ['a'.repeat(30), 'é'.repeat(43), 'x'.repeat(5_000), '日本'.repeat(700), '', 'z'.repeat(49)];
  const builder = new BatchBuilder(64);
  for (const v of values) builder.append({ key: v, value: v, headers: { h: v } }, 1);
  const decoded = decodeRecords(builder.finish({ producerId: -1, producerEpoch: -1, baseSequence: -1, transactional: false }));
  assert.deepEqual(decoded.map((d) => [d.key?.toString(), d.value?.toString(), d.headers[0]?.value?.toString()]), values.map((v) => [v, v, v]));
});
