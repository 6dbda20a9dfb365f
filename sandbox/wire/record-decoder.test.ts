// The read_committed filter on hand-built logs: aborted transactions interleaved with committed ones
// and with non-transactional records, markers, a fetch starting inside a batch, a batch cut off by
// the size limit, gzip, and damaged or unreadable batches refused with a clear error.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeControlBatch, encodeRecordBatch, setBaseOffset } from '../broker/codec/record-batch';
import { decodePartition, RecordDecodeError, type DecodeOptions } from './record-decoder';

const committed: DecodeOptions = { as: 'string', headers: false, readCommitted: true, checkCrc: true };

/** A log: batches with their base offsets set, concatenated as a fetch response holds them. */
function log(...batches: { at: number; batch: Buffer }[]): Buffer {
  for (const b of batches) setBaseOffset(b.batch, b.at);
  return Buffer.concat(batches.map((b) => b.batch));
}

const data = (producerId: number, values: string[], transactional = true, gzip = false) =>
  encodeRecordBatch({ producerId, producerEpoch: 0, baseSequence: 0, isTransactional: transactional, compression: gzip ? 1 : 0, records: values.map((v, i) => ({ key: Buffer.from(`k${v}`), value: Buffer.from(v), timestamp: 100 + i })) });
const marker = (producerId: number, type: 'commit' | 'abort') => encodeControlBatch({ producerId, producerEpoch: 0, type, coordinatorEpoch: 0, timestamp: 1 });

const interleaved = () => log(
  { at: 0, batch: data(1, ['a0', 'a1']) },          // producer 1: committed
  { at: 2, batch: data(2, ['b0', 'b1']) },          // producer 2: aborted
  { at: 4, batch: data(-1, ['plain'], false) },     // not transactional
  { at: 5, batch: marker(1, 'commit') },
  { at: 6, batch: data(2, ['b2'], true, true) },    // still producer 2's aborted transaction, gzip
  { at: 7, batch: marker(2, 'abort') },
  { at: 8, batch: data(2, ['b3']) },                // producer 2's next transaction: committed
  { at: 9, batch: marker(2, 'commit') },
);

test('read_committed leaves out aborted transactions and markers, and moves past them', () => {
  const out = decodePartition<string>('t/0', interleaved(), 0, [{ producerId: 2, firstOffset: 2 }], committed);
  assert.deepEqual(out.records.map((r) => [r.offset, r.key, r.value]), [[0, 'ka0', 'a0'], [1, 'ka1', 'a1'], [4, 'kplain', 'plain'], [8, 'kb3', 'b3']]);
  assert.equal(out.nextOffset, 10);
  assert.equal(out.batches, 8);
});

test('read_uncommitted keeps aborted records but still no markers', () => {
  const out = decodePartition<string>('t/0', interleaved(), 0, null, { ...committed, readCommitted: false });
  assert.deepEqual(out.records.map((r) => r.value), ['a0', 'a1', 'b0', 'b1', 'plain', 'b2', 'b3']);
});

test('a fetch from inside a batch skips its earlier records; a cut-off last batch is left for the next fetch', () => {
  const whole = interleaved();
  const out = decodePartition<string>('t/0', whole.subarray(0, whole.length - 10), 1, [{ producerId: 2, firstOffset: 2 }], committed);
  assert.deepEqual(out.records.map((r) => r.offset), [1, 4, 8]);
  assert.equal(out.nextOffset, 9, 'the cut-off marker at 9 is fetched again');
});

test('values come as Buffer views when asked, with timestamps', () => {
  const out = decodePartition<Buffer>('t/0', log({ at: 10, batch: data(-1, ['x', 'y'], false) }), 10, null, { ...committed, as: 'buffer' });
  assert.ok(Buffer.isBuffer(out.records[0]!.value));
  assert.deepEqual(out.records.map((r) => [r.offset, r.value!.toString(), r.timestamp]), [[10, 'x', 100], [11, 'y', 101]]);
});

test('a damaged batch, an old message format and an unknown codec are refused with a clear error', () => {
  const damaged = log({ at: 0, batch: data(-1, ['x'], false) });
  damaged[damaged.length - 1] = damaged[damaged.length - 1]! ^ 0xff;
  assert.throws(() => decodePartition('t/3', damaged, 0, null, committed), (e: unknown) => e instanceof RecordDecodeError && /t\/3: batch at offset 0 fails its CRC check/.test(e.message));
  const old = log({ at: 0, batch: data(-1, ['x'], false) });
  old[16] = 1;
  assert.throws(() => decodePartition('t/3', old, 0, null, committed), /message format 1/);
  const snappy = log({ at: 0, batch: data(-1, ['x'], false) });
  snappy[22] = snappy[22]! | 0x02;
  assert.throws(() => decodePartition('t/3', snappy, 0, null, { ...committed, checkCrc: false }), /compressed with snappy/);
});
