import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeRecords, validateBatchAt } from '../../../broker/codec/record-batch';
import type { OutgoingRecord } from '../outgoing-record';
import { encodeBatch } from './batch-encoder';

function outgoing(value: string, options: { key?: string | null; timestamp?: number; headers?: Record<string, string> } = {}): OutgoingRecord {
  return {
    topic: 't',
    partition: 0,
    key: options.key === undefined || options.key === null ? null : Buffer.from(options.key),
    value: Buffer.from(value),
    headers: options.headers ?? {},
    ...(options.timestamp !== undefined ? { timestamp: options.timestamp } : {}),
    source: { file: 'f', position: 1, byteEnd: 1, line: 1 },
  };
}

test('a batch decodes to the same keys, values, headers and timestamps, with a valid CRC and the producer fields', () => {
  const long = 'ü'.repeat(40) + 'x'.repeat(100);
  const records = [
    outgoing('{"a":1}', { key: 'k1', timestamp: 1_772_442_000_000, headers: { 'source-file': 'orders.ndjson', 'source-line': '1', 'content-type': 'application/json' } }),
    // Out of order in event time: the delta to the base timestamp is negative.
    outgoing('{"a":2}', { key: 'ключ', timestamp: 1_772_441_999_000, headers: { 'medallion-suspect': 'naïve ☃', long } }),
    outgoing('not json', { key: null, headers: {} }),
  ];
  const bytes = encodeBatch(records, { producerId: 42, producerEpoch: 3, baseSequence: 17 }, 1_800_000_000_000);
  const header = validateBatchAt(bytes, 0);
  assert.equal(header.producerId, 42);
  assert.equal(header.producerEpoch, 3);
  assert.equal(header.baseSequence, 17);
  assert.equal(header.recordCount, 3);
  assert.equal(header.lastOffsetDelta, 2);
  assert.equal(header.maxTimestamp, 1_800_000_000_000, 'the record without an event time is stamped now');
  const decoded = decodeRecords(bytes);
  assert.deepEqual(decoded.map((r) => r.key?.toString() ?? null), ['k1', 'ключ', null]);
  assert.deepEqual(decoded.map((r) => r.value?.toString()), ['{"a":1}', '{"a":2}', 'not json']);
  assert.deepEqual(decoded.map((r) => r.timestamp), [1_772_442_000_000, 1_772_441_999_000, 1_800_000_000_000]);
  assert.deepEqual(decoded.map((r) => r.offset), [0, 1, 2]);
  assert.deepEqual(
    decoded.map((r) => Object.fromEntries(r.headers.map((h) => [h.key, h.value?.toString()]))),
    records.map((r) => r.headers),
  );
});

test('an empty batch is refused', () => {
  assert.throws(() => encodeBatch([], { producerId: 1, producerEpoch: 0, baseSequence: 0 }, 0), /at least one record/);
});

test('header values that repeat, change back and forth, and are not ASCII decode as they were given', () => {
  const files = ['orders.ndjson', 'orders.ndjson', 'orders.ndjson', 'pañuelos.ndjson', 'pañuelos.ndjson', 'pañuelos.ndjson', 'orders.ndjson', 'orders.ndjson'];
  const records = files.map((file, i) => outgoing(`{"n":${i}}`, { key: `k${i}`, timestamp: 1_772_442_000_000 + i * 1_000_000, headers: { 'source-file': file, 'source-line': String(i + 1) } }));
  // Twice, so the second batch starts with what the first one left in the encoder's memory.
  for (const round of [0, 1]) {
    const bytes = encodeBatch(round === 0 ? records : [...records].reverse(), { producerId: 1, producerEpoch: 0, baseSequence: 0 }, 0);
    validateBatchAt(bytes, 0);
    const decoded = decodeRecords(bytes);
    const expected = round === 0 ? records : [...records].reverse();
    assert.deepEqual(decoded.map((r) => Object.fromEntries(r.headers.map((h) => [h.key, h.value?.toString()]))), expected.map((r) => r.headers));
    assert.deepEqual(decoded.map((r) => r.timestamp), expected.map((r) => r.timestamp));
  }
});
