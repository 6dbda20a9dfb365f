import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { PartitionLog } from './partition-log';
import { makeBatch, recordOffsets, tempDir } from './log-test-helpers';

/** A log of 10 batches of 2 records, one batch per segment, with timestamps 1000, 2000, ... */
async function tenSegments(label: string, config: { retentionMs?: number; retentionBytes?: number } = {}) {
  const dir = tempDir(label);
  const log = await PartitionLog.open(dir, { segmentBytes: 100, ...config });
  for (let id = 0; id < 10; id++) log.append(makeBatch(id, 2, { baseTimestamp: (id + 1) * 1000 }));
  assert.equal(log.segmentCount, 10);
  return { dir, log };
}

test('retention.ms deletes whole segments whose newest timestamp is too old, never the active one', async () => {
  const { log } = await tenSegments('retention-ms', { retentionMs: 3500 });
  assert.equal(log.enforceRetention(5000), 1, 'only the segment stamped 1000 is older than 5000 - 3500');
  assert.equal(log.logStartOffset, 2);
  assert.equal(log.read(0, 100).errorCode, 1, 'deleted offsets are out of range');
  assert.deepEqual(recordOffsets(log.read(2, 1).chunks), [2, 3]);
  assert.equal(log.enforceRetention(1_000_000), 8, 'everything but the active segment');
  assert.equal(log.segmentCount, 1);
  assert.equal(log.logStartOffset, 18);
  assert.equal(log.highWatermark, 20);
  assert.equal(log.offsetForTimestamp(0)?.offset, 18);
  await log.close();
});

test('retention.bytes deletes the oldest segments while the log stays above the limit', async () => {
  const { log } = await tenSegments('retention-bytes');
  const segmentSize = log.size / 10;
  await log.close();
  const { log: limited, dir } = await tenSegments('retention-bytes-2', { retentionBytes: segmentSize * 4 });
  assert.equal(limited.enforceRetention(0), 6);
  assert.equal(limited.size, segmentSize * 4);
  assert.equal(limited.logStartOffset, 12);
  assert.equal(readdirSync(dir).filter((n) => n.endsWith('.log')).length, 4);
  assert.equal(existsSync(`${dir}/00000000000000000000.index`), false, 'index files go with their segment');
  assert.equal(limited.enforceRetention(0), 0);
  await limited.close();
});

test('retention of -1 keeps everything', async () => {
  const { log } = await tenSegments('retention-forever');
  assert.equal(log.enforceRetention(Number.MAX_SAFE_INTEGER), 0);
  assert.equal(log.logStartOffset, 0);
  await log.close();
});

test('the log start offset survives a restart after retention', async () => {
  const { dir, log } = await tenSegments('retention-restart', { retentionBytes: 1 });
  log.enforceRetention(0);
  await log.close();
  const reopened = await PartitionLog.open(dir, { segmentBytes: 100 });
  assert.equal(reopened.logStartOffset, 18);
  assert.equal(reopened.highWatermark, 20);
  await reopened.close();
});

test('deleteRecordsBefore moves the log start inside a segment, persists it, and deletes whole segments before it', async () => {
  const { dir, log } = await tenSegments('delete-records');
  assert.deepEqual(log.deleteRecordsBefore(5), { errorCode: 0, lowWatermark: 5 });
  assert.equal(log.segmentCount, 8, 'segments [0,2) and [2,4) are gone; [4,6) stays');
  assert.equal(log.read(4, 100).errorCode, 1);
  assert.deepEqual(recordOffsets(log.read(5, 1).chunks), [4, 5], 'the batch containing the start is returned whole');
  assert.deepEqual(log.deleteRecordsBefore(3), { errorCode: 0, lowWatermark: 5 }, 'the start never moves back');
  assert.deepEqual(log.deleteRecordsBefore(21), { errorCode: 1, lowWatermark: 5 });
  await log.close();
  const reopened = await PartitionLog.open(dir, { segmentBytes: 100 });
  assert.equal(reopened.logStartOffset, 5);
  assert.deepEqual(reopened.deleteRecordsBefore(-1), { errorCode: 0, lowWatermark: 20 });
  assert.equal(reopened.segmentCount, 1);
  assert.equal(reopened.read(20, 100).size, 0);
  await reopened.close();
});

test('delete removes the directory', async () => {
  const { dir, log } = await tenSegments('delete');
  await log.delete();
  assert.equal(existsSync(dir), false);
});
