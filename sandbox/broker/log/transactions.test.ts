import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { encodeControlBatch } from '../codec/record-batch';
import { PartitionLog } from './partition-log';
import { batchesOf, makeBatch, recordOffsets, tempDir } from './log-test-helpers';

function txnBatch(pid: number, seq: number, count = 2): Buffer {
  return makeBatch(seq, count, { producerId: pid, producerEpoch: 0, baseSequence: seq, isTransactional: true });
}

/** Markers come from the broker's transaction coordinator, never from a producer. */
const coordinator = { origin: 'coordinator' } as const;

function marker(pid: number, type: 'commit' | 'abort', epoch = 0): Buffer {
  return encodeControlBatch({ producerId: pid, producerEpoch: epoch, type, coordinatorEpoch: 0, timestamp: 1 });
}

test('an open transaction holds the last stable offset at its first offset until its commit', async () => {
  const log = await PartitionLog.open(tempDir('txn-commit'));
  log.append(makeBatch(0, 2));
  assert.equal(log.lastStableOffset, 2, 'no open transaction: the LSO is the high watermark');
  log.append(txnBatch(10, 0));
  log.append(makeBatch(1, 2));
  log.append(txnBatch(10, 2));
  assert.equal(log.highWatermark, 8);
  assert.equal(log.lastStableOffset, 2);
  assert.deepEqual(recordOffsets(log.read(0, 1 << 20, log.lastStableOffset).chunks), [0, 1], 'read_committed stops at the LSO');
  assert.equal(log.read(2, 1 << 20, log.lastStableOffset).size, 0);

  log.append(marker(10, 'commit'), coordinator);
  assert.equal(log.highWatermark, 9);
  assert.equal(log.lastStableOffset, 9);
  assert.deepEqual(log.abortedTransactions(0, 9), []);
  const batches = batchesOf(log.read(0, 1 << 20, log.lastStableOffset).chunks);
  assert.equal(batches.at(-1)!.header.isControl, true, 'markers are served to consumers');
  await log.close();
});

test('an abort is listed for fetches that overlap it, and concurrent transactions hold the LSO at the earliest', async () => {
  const log = await PartitionLog.open(tempDir('txn-abort'));
  log.append(txnBatch(20, 0)); // offsets 0-1
  log.append(txnBatch(21, 0)); // 2-3
  log.append(txnBatch(20, 2)); // 4-5
  assert.equal(log.lastStableOffset, 0);
  log.append(marker(20, 'abort'), coordinator); // 6
  assert.equal(log.lastStableOffset, 2, 'producer 21 is still open');
  assert.deepEqual(log.abortedTransactions(0, 7), [{ producerId: 20, firstOffset: 0, lastOffset: 6 }]);
  assert.deepEqual(log.abortedTransactions(6, 7), [{ producerId: 20, firstOffset: 0, lastOffset: 6 }]);
  assert.deepEqual(log.abortedTransactions(7, 10), [], 'a fetch after the marker needs no abort list');
  log.append(marker(21, 'commit'), coordinator); // 7
  assert.equal(log.lastStableOffset, 8);
  log.append(txnBatch(21, 2)); // 8-9
  log.append(marker(21, 'abort'), coordinator); // 10
  assert.deepEqual(log.abortedTransactions(0, 11).map((t) => [t.producerId, t.firstOffset, t.lastOffset]), [[20, 0, 6], [21, 8, 10]]);
  assert.deepEqual(log.abortedTransactions(7, 9).map((t) => t.producerId), [21]);
  assert.deepEqual(log.abortedTransactions(0, 8).map((t) => t.producerId), [20], 'a transaction starting at or after toOffset is left out');
  await log.close();
});

test('a producer may not write a marker itself (when the writer says it is a client)', async () => {
  const log = await PartitionLog.open(tempDir('txn-client-marker'));
  log.append(txnBatch(60, 0));
  const r = log.append(marker(60, 'abort'), { origin: 'client' });
  assert.equal(r.kind === 'error' && r.errorCode, 87, 'INVALID_RECORD');
  assert.equal(log.lastStableOffset, 0, 'the transaction is still open');
  assert.equal(log.highWatermark, 2);
  assert.equal(log.append(marker(60, 'abort')).kind, 'appended', 'an unspecified writer is internal and trusted');
  await log.close();
});

test('a marker from an older epoch is fenced', async () => {
  const log = await PartitionLog.open(tempDir('txn-fence'));
  log.append(makeBatch(0, 2, { producerId: 30, producerEpoch: 2, baseSequence: 0, isTransactional: true }));
  const r = log.append(marker(30, 'commit', 1), coordinator);
  assert.equal(r.kind === 'error' && r.errorCode, 47);
  assert.equal(log.lastStableOffset, 0);
  assert.equal(log.append(marker(30, 'commit', 3), coordinator).kind, 'appended', 'a marker may bump the epoch, as Kafka does when aborting on a fence');
  assert.equal(log.producerState(30)?.epoch, 3);
  const next = (seq: number) => makeBatch(seq, 2, { producerId: 30, producerEpoch: 3, baseSequence: seq, isTransactional: true });
  assert.equal(log.append(next(5)).kind, 'error', 'the bumped epoch starts over at sequence 0');
  assert.equal(log.append(next(0)).kind, 'appended');
  await log.close();
});

test('open and aborted transactions survive a clean restart and a crash', async () => {
  const dir = tempDir('txn-restart');
  const config = { segmentBytes: 250 };
  const log = await PartitionLog.open(dir, config);
  log.append(txnBatch(40, 0)); // 0-1
  log.append(marker(40, 'abort'), coordinator); // 2
  log.append(makeBatch(1, 2)); // 3-4
  log.append(txnBatch(41, 0)); // 5-6
  log.append(makeBatch(2, 2)); // 7-8
  assert.ok(log.segmentCount > 1);
  const crashCopy = tempDir('txn-restart-crash');
  cpSync(dir, crashCopy, { recursive: true });
  await log.close();
  for (const d of [dir, crashCopy]) {
    const reopened = await PartitionLog.open(d, config);
    assert.equal(reopened.lastStableOffset, 5, d);
    assert.deepEqual(reopened.abortedTransactions(0, 9), [{ producerId: 40, firstOffset: 0, lastOffset: 2 }], d);
    reopened.append(marker(41, 'commit'), coordinator);
    assert.equal(reopened.lastStableOffset, 10);
    await reopened.close();
  }
});

test('retention forgets aborted transactions whose data is gone', async () => {
  const log = await PartitionLog.open(tempDir('txn-retention'), { segmentBytes: 100, retentionBytes: 1 });
  log.append(txnBatch(50, 0));
  log.append(marker(50, 'abort'), coordinator);
  log.append(makeBatch(1, 2));
  log.append(makeBatch(2, 2));
  assert.equal(log.abortedTransactions(0, 100).length, 1);
  log.enforceRetention(0);
  assert.ok(log.logStartOffset > 2);
  assert.deepEqual(log.abortedTransactions(0, 100), []);
  await log.close();
});
