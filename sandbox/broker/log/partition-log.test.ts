import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { crc32c } from '../codec/crc32c';
import { BATCH_HEADER_SIZE, Compression, decodeRecords, encodeRecordBatch } from '../codec/record-batch';
import { PartitionLog, type AppendResult } from './partition-log';
import { batchesOf, makeBatch, recordOffsets, recordValues, tempDir } from './log-test-helpers';

function appended(r: AppendResult): Extract<AppendResult, { kind: 'appended' }> {
  assert.equal(r.kind, 'appended', JSON.stringify(r));
  return r as Extract<AppendResult, { kind: 'appended' }>;
}

test('an empty log starts at offset 0 and reads nothing', async () => {
  const log = await PartitionLog.open(tempDir('empty'));
  assert.equal(log.highWatermark, 0);
  assert.equal(log.logStartOffset, 0);
  assert.equal(log.lastStableOffset, 0);
  assert.deepEqual(log.read(0, 1000), { errorCode: 0, chunks: [], size: 0 });
  assert.equal(log.read(1, 1000).errorCode, 1);
  assert.equal(log.offsetForTimestamp(0), null);
  assert.equal(log.latestTimestampOffset, null);
  await log.close();
});

test('appends assign consecutive offsets and reads return every record across segment rolls', async () => {
  const log = await PartitionLog.open(tempDir('roundtrip'), { segmentBytes: 1000, indexIntervalBytes: 200 });
  const expected: string[] = [];
  for (let id = 0; id < 60; id++) {
    const count = 1 + (id % 4);
    const r = appended(log.append(makeBatch(id, count)));
    assert.equal(r.baseOffset, expected.length);
    assert.equal(r.lastOffset, expected.length + count - 1);
    assert.equal(r.logAppendTime, -1);
    for (let n = 0; n < count; n++) expected.push(`b${id}-r${n}`);
  }
  assert.equal(log.highWatermark, expected.length);
  assert.ok(log.segmentCount > 5, `expected several segments, got ${log.segmentCount}`);

  const seen: string[] = [];
  let offset = 0;
  while (offset < log.highWatermark) {
    const read = log.read(offset, 700);
    assert.equal(read.errorCode, 0);
    assert.ok(read.size > 0);
    assert.equal(read.size, read.chunks.reduce((n, c) => n + c.length, 0));
    const batches = batchesOf(read.chunks);
    assert.equal(batches[0]!.header.baseOffset, offset, 'reads start at a batch boundary here');
    seen.push(...recordValues(read.chunks));
    const last = batches[batches.length - 1]!.header;
    offset = last.baseOffset + last.lastOffsetDelta + 1;
  }
  assert.deepEqual(seen, expected);
  await log.close();
});

test('a read continues into the next segment while the budget lasts', async () => {
  const log = await PartitionLog.open(tempDir('span'), { segmentBytes: 500 });
  for (let id = 0; id < 20; id++) appended(log.append(makeBatch(id, 2)));
  assert.ok(log.segmentCount >= 4);
  const read = log.read(0, 1_000_000);
  assert.ok(read.chunks.length >= 4, 'one chunk per segment');
  assert.deepEqual(recordOffsets(read.chunks), Array.from({ length: 40 }, (_, i) => i));
  await log.close();
});

test('reading from the middle of a batch returns the whole batch that contains the offset', async () => {
  const log = await PartitionLog.open(tempDir('middle'), { indexIntervalBytes: 1 });
  appended(log.append(makeBatch(0, 5)));
  appended(log.append(makeBatch(1, 5)));
  appended(log.append(makeBatch(2, 5)));
  for (const fetchOffset of [5, 6, 9]) {
    const read = log.read(fetchOffset, 1);
    const batches = batchesOf(read.chunks);
    assert.equal(batches.length, 1, 'at least one whole batch, even past maxBytes');
    assert.equal(batches[0]!.header.baseOffset, 5);
    assert.deepEqual(recordOffsets(read.chunks), [5, 6, 7, 8, 9]);
  }
  await log.close();
});

test('maxBytes limits a read to whole batches, and upTo stops before a batch that reaches it', async () => {
  const log = await PartitionLog.open(tempDir('limits'));
  const sizes = [0, 1, 2, 3].map((id) => {
    const b = makeBatch(id, 2);
    appended(log.append(b));
    return b.length;
  });
  const firstTwo = sizes[0]! + sizes[1]!;
  assert.deepEqual(recordOffsets(log.read(0, firstTwo).chunks), [0, 1, 2, 3]);
  assert.deepEqual(recordOffsets(log.read(0, firstTwo + sizes[2]! - 1).chunks), [0, 1, 2, 3], 'a batch cut by maxBytes is left out');
  assert.deepEqual(recordOffsets(log.read(0, 1_000_000, 4).chunks), [0, 1, 2, 3]);
  assert.deepEqual(recordOffsets(log.read(0, 1_000_000, 5).chunks), [0, 1, 2, 3], 'a batch reaching upTo is left out');
  assert.deepEqual(log.read(4, 1_000_000, 4).chunks, [], 'nothing at upTo');
  assert.equal(log.read(8, 100).size, 0, 'nothing at the high watermark');
  assert.equal(log.read(8, 100).errorCode, 0);
  assert.equal(log.read(9, 100).errorCode, 1, 'past the high watermark is out of range');
  assert.equal(log.read(-1, 100).errorCode, 1, 'before the log start is out of range');
  await log.close();
});

test('the returned chunks are exactly the stored bytes, and no larger than what is returned', async () => {
  const log = await PartitionLog.open(tempDir('exact'));
  const batches = [makeBatch(0, 4), makeBatch(1, 4), makeBatch(2, 4)];
  for (const b of batches) appended(log.append(b));
  const read = log.read(0, 1 << 20);
  assert.equal(read.chunks.length, 1);
  assert.deepEqual(read.chunks[0], Buffer.concat(batches));
  // The consumer is at the head, so the buffer is sized to the end of the segment: no slack.
  assert.equal(read.chunks[0]!.buffer.byteLength >= read.size, true);
  assert.ok(read.chunks[0]!.buffer.byteLength <= Math.max(read.size, 8192), 'no whole-segment buffer');
  await log.close();
});

test('a gzip batch built with node:zlib is stored and returned byte for byte, never recompressed', async () => {
  const log = await PartitionLog.open(tempDir('gzip'));
  const plain = makeBatch(7, 50, {}, 100);
  const compressed = gzipSync(plain.subarray(BATCH_HEADER_SIZE), { level: 9 });
  const batch = Buffer.concat([plain.subarray(0, BATCH_HEADER_SIZE), compressed]);
  batch.writeInt32BE(batch.length - 12, 8);
  batch.writeInt16BE(Compression.gzip, 21);
  batch.writeUInt32BE(crc32c(batch.subarray(21)), 17);
  const original = Buffer.from(batch);
  appended(log.append(makeBatch(0, 3)));
  appended(log.append(batch));
  const stored = batchesOf(log.read(3, 1 << 20).chunks)[0]!;
  // Only baseOffset (bytes 0-7) and the leader epoch (12-15) may differ.
  assert.deepEqual(stored.bytes.subarray(16), original.subarray(16));
  assert.deepEqual(stored.bytes.subarray(8, 12), original.subarray(8, 12));
  assert.equal(stored.header.baseOffset, 3);
  assert.equal(decodeRecords(stored.bytes).length, 50);
  await log.close();
});

test('several batches in one append are written together with consecutive offsets', async () => {
  const log = await PartitionLog.open(tempDir('multi'));
  const records = Buffer.concat([makeBatch(0, 2), makeBatch(1, 3), makeBatch(2, 1)]);
  const r = appended(log.append(records));
  assert.deepEqual([r.baseOffset, r.lastOffset], [0, 5]);
  assert.deepEqual(batchesOf(log.read(0, 1 << 20).chunks).map((b) => b.header.baseOffset), [0, 2, 5]);
  await log.close();
});

test('a corrupt batch is refused with CORRUPT_MESSAGE and nothing is written', async () => {
  const log = await PartitionLog.open(tempDir('refuse'));
  const bad = makeBatch(0, 2);
  bad[bad.length - 1] = bad[bad.length - 1]! ^ 1;
  const r = log.append(Buffer.concat([makeBatch(1, 2), bad]));
  assert.equal(r.kind, 'error');
  assert.equal(r.kind === 'error' && r.errorCode, 2);
  assert.equal(log.highWatermark, 0);
  assert.equal(log.size, 0);
  await log.close();
});

test('LogAppendTime stamps batches with the broker clock and keeps the CRC valid', async () => {
  const dir = tempDir('append-time');
  const log = await PartitionLog.open(dir, { logAppendTime: true });
  const r = appended(log.append(makeBatch(0, 2), { nowMs: 5_000_000 }));
  assert.equal(r.logAppendTime, 5_000_000);
  assert.equal(log.latestTimestampOffset?.timestamp, 5_000_000);
  await log.close();
  const reopened = await PartitionLog.open(dir, { logAppendTime: true });
  assert.deepEqual(reopened.recovery.truncations, [], 'the recomputed CRC verifies on recovery');
  assert.deepEqual(decodeRecords(batchesOf(reopened.read(0, 1 << 20).chunks)[0]!.bytes).map((x) => x.timestamp), [5_000_000, 5_000_000]);
  await reopened.close();
});

test('close and reopen keeps every batch, the offsets and the indexes', async () => {
  const dir = tempDir('restart');
  const config = { segmentBytes: 800, indexIntervalBytes: 100 };
  const log = await PartitionLog.open(dir, config);
  for (let id = 0; id < 40; id++) appended(log.append(makeBatch(id, 2)));
  const before = log.read(0, 1 << 20);
  const segments = log.segmentCount;
  const indexMemory = log.indexMemoryBytes;
  await log.close();

  const reopened = await PartitionLog.open(dir, config);
  assert.equal(reopened.highWatermark, 80);
  assert.equal(reopened.segmentCount, segments);
  assert.deepEqual(reopened.recovery.truncations, []);
  assert.deepEqual(reopened.recovery.rebuiltIndexes, [], 'sealed segments trust their index files');
  assert.equal(reopened.recovery.producerStateScannedFrom, 80, 'a clean close leaves nothing to rescan');
  assert.ok(reopened.indexMemoryBytes > 0 && indexMemory > 0);
  assert.deepEqual(Buffer.concat(reopened.read(0, 1 << 20).chunks), Buffer.concat(before.chunks));
  assert.deepEqual(recordOffsets(reopened.read(41, 10).chunks), [40, 41]);
  appended(reopened.append(makeBatch(99, 1)));
  assert.equal(reopened.highWatermark, 81);
  await reopened.close();
});

test('the log refuses use after close', async () => {
  const log = await PartitionLog.open(tempDir('closed'));
  await log.close();
  assert.throws(() => log.append(makeBatch(0)), /closed/);
  assert.throws(() => log.read(0, 10), /closed/);
  await log.close();
});

test('segment.ms rolls a segment once it is old enough', async () => {
  const log = await PartitionLog.open(tempDir('segment-ms'), { segmentMs: 1000 });
  appended(log.append(makeBatch(0), { nowMs: 10_000 }));
  appended(log.append(makeBatch(1), { nowMs: 10_999 }));
  assert.equal(log.segmentCount, 1);
  appended(log.append(makeBatch(2), { nowMs: 11_000 }));
  assert.equal(log.segmentCount, 2);
  assert.deepEqual(recordOffsets(log.read(0, 1 << 20).chunks), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  await log.close();
});

test('a batch larger than segment.bytes gets a segment of its own', async () => {
  const log = await PartitionLog.open(tempDir('big-batch'), { segmentBytes: 1024 });
  appended(log.append(makeBatch(0, 1)));
  appended(log.append(makeBatch(1, 10, {}, 300)));
  appended(log.append(makeBatch(2, 1)));
  assert.equal(log.segmentCount, 3);
  assert.equal(batchesOf(log.read(1, 10).chunks)[0]!.header.recordCount, 10, 'returned whole although past maxBytes');
  await log.close();
});

test('offsetForTimestamp finds the earliest batch at or after a time, with non-monotonic timestamps', async () => {
  const dir = tempDir('timestamps');
  const log = await PartitionLog.open(dir, { segmentBytes: 300, indexIntervalBytes: 100 });
  // Producer timestamps jump around: the answer is the first batch whose maxTimestamp >= t, which
  // can come after a later-stamped batch.
  const stamps = [100, 300, 200, 250, 500, 400, 450, 900, 600, 700, 1000, 950];
  stamps.forEach((ts, id) => appended(log.append(makeBatch(id, 2, { baseTimestamp: ts }))));
  const check = async (l: PartitionLog) => {
    for (const t of [0, 100, 101, 150, 200, 250, 300, 301, 450, 500, 501, 900, 901, 999, 1000]) {
      const index = stamps.findIndex((s) => s >= t);
      assert.deepEqual(l.offsetForTimestamp(t), { offset: index * 2, timestamp: stamps[index] }, `timestamp ${t}`);
    }
    assert.equal(l.offsetForTimestamp(1001), null);
    assert.deepEqual(l.latestTimestampOffset, { offset: 20, timestamp: 1000 });
  };
  assert.ok(log.segmentCount > 2);
  await check(log);
  await log.close();
  const reopened = await PartitionLog.open(dir, { segmentBytes: 300, indexIntervalBytes: 100 });
  await check(reopened);
  await reopened.close();
});

test('reads from a large log seek through the index instead of scanning', async () => {
  const log = await PartitionLog.open(tempDir('seek'), { segmentBytes: 8 * 1024 * 1024 });
  // 20,000 batches of 10 records: about 3 MB in one segment.
  const template = encodeRecordBatch({ records: Array.from({ length: 10 }, () => ({ key: null, value: Buffer.alloc(10, 1), timestamp: 5 })) });
  for (let i = 0; i < 20_000; i++) appended(log.append(Buffer.from(template)));
  assert.equal(log.segmentCount, 1);
  const started = performance.now();
  for (let i = 0; i < 2000; i++) {
    const offset = (i * 97_003) % 200_000;
    const read = log.read(offset, 1);
    const [first] = batchesOf(read.chunks);
    assert.ok(first && first.header.baseOffset <= offset && offset <= first.header.baseOffset + 9);
  }
  const perRead = (performance.now() - started) / 2000;
  // A scan from the start of the segment would read megabytes per call; a seek reads a few KB.
  assert.ok(perRead < 1, `a seek took ${perRead.toFixed(3)} ms`);
  await log.close();
});

test('timestamp lookups narrow to the record inside a batch, except in codecs the broker cannot open', async () => {
  const log = await PartitionLog.open(tempDir('record-timestamps'));
  const rec = (timestamp: number) => ({ key: null, value: Buffer.from(String(timestamp)), timestamp });
  appended(log.append(encodeRecordBatch({ records: [rec(100), rec(300), rec(200)] }))); // 0-2
  appended(log.append(encodeRecordBatch({ compression: Compression.gzip, records: [rec(50), rec(400), rec(400)] }))); // 3-5
  assert.deepEqual(log.offsetForTimestamp(250), { offset: 1, timestamp: 300 });
  assert.deepEqual(log.offsetForTimestamp(301), { offset: 4, timestamp: 400 }, 'gzip batches are opened');
  assert.deepEqual(log.latestTimestampOffset, { offset: 4, timestamp: 400 });
  // A batch claiming snappy (codec 2) with an opaque payload is stored untouched and answered at
  // batch granularity.
  const opaque = encodeRecordBatch({ records: [rec(10), rec(900)] });
  opaque.writeInt16BE(Compression.snappy, 21);
  opaque.writeUInt32BE(crc32c(opaque.subarray(21)), 17);
  appended(log.append(opaque)); // 6-7
  assert.deepEqual(log.offsetForTimestamp(500), { offset: 6, timestamp: 900 });
  assert.deepEqual(log.latestTimestampOffset, { offset: 6, timestamp: 900 });
  await log.close();
});

test('a new partition is made on disk at its first append, and one never written leaves nothing behind', async () => {
  const { existsSync } = await import('node:fs');
  const path = await import('node:path');
  const root = tempDir('lazy');
  const unused = await PartitionLog.open(path.join(root, 'unused'));
  assert.equal(existsSync(path.join(root, 'unused')), false, 'nothing is created before an append');
  assert.deepEqual(unused.read(0, 1000), { errorCode: 0, chunks: [], size: 0 });
  assert.equal(unused.offsetForTimestamp(0), null);
  assert.equal(unused.latestTimestampOffset, null);
  assert.equal(unused.enforceRetention(Date.now()), 0);
  await unused.flush();
  await unused.close();
  assert.equal(existsSync(path.join(root, 'unused')), false, 'closing an unused log creates nothing');

  const dir = path.join(root, 'used');
  const log = await PartitionLog.open(dir);
  assert.equal(appended(log.append(makeBatch(1, 3))).baseOffset, 0);
  assert.equal(existsSync(dir), true);
  assert.deepEqual(recordOffsets(log.read(0, 10_000).chunks), [0, 1, 2]);
  await log.close();
  const reopened = await PartitionLog.open(dir);
  assert.equal(reopened.highWatermark, 3);
  assert.deepEqual(recordOffsets(reopened.read(0, 10_000).chunks), [0, 1, 2], 'the records survive a reopen');
  assert.equal(appended(reopened.append(makeBatch(2, 2))).baseOffset, 3);
  await reopened.delete();
  assert.equal(existsSync(dir), false);
  const never = await PartitionLog.open(path.join(root, 'never'));
  await never.delete();
});
