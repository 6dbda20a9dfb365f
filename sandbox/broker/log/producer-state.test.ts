import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { PartitionLog, type AppendResult } from './partition-log';
import { lastSequenceOf } from './producer-state';
import { makeBatch, tempDir } from './log-test-helpers';

/** A batch of `count` records from producer `pid` at `epoch`, starting at sequence `seq`. */
function produced(pid: number, epoch: number, seq: number, count = 2, id = seq): Buffer {
  return makeBatch(id, count, { producerId: pid, producerEpoch: epoch, baseSequence: seq });
}

function summary(r: AppendResult): string {
  if (r.kind === 'appended') return `appended@${r.baseOffset}`;
  if (r.kind === 'duplicate') return `duplicate@${r.baseOffset}`;
  return `error ${r.errorCode}`;
}

test('the first batch of an unknown producer is accepted at any sequence, then sequences must follow on', async () => {
  const log = await PartitionLog.open(tempDir('idem-first'));
  assert.equal(summary(log.append(produced(1, 0, 42))), 'appended@0');
  assert.equal(summary(log.append(produced(1, 0, 44))), 'appended@2');
  assert.equal(summary(log.append(produced(1, 0, 47))), 'error 45', 'a gap is OUT_OF_ORDER_SEQUENCE_NUMBER');
  assert.equal(summary(log.append(produced(1, 0, 45))), 'error 45', 'so is an overlap that is not a duplicate');
  assert.equal(log.highWatermark, 4, 'a refused batch is not written');
  assert.equal(summary(log.append(produced(1, 0, 46))), 'appended@4');
  await log.close();
});

test('a retried batch equal to one of the last five is a duplicate answered with its original offset', async () => {
  const log = await PartitionLog.open(tempDir('idem-dup'));
  for (let i = 0; i < 7; i++) assert.equal(summary(log.append(produced(9, 1, i * 2))), `appended@${i * 2}`);
  for (let i = 2; i < 7; i++) assert.equal(summary(log.append(produced(9, 1, i * 2))), `duplicate@${i * 2}`, `batch ${i}`);
  assert.equal(summary(log.append(produced(9, 1, 2))), 'error 45', 'older than the last five: no longer recognised');
  assert.equal(log.highWatermark, 14, 'duplicates are not appended');
  assert.equal(summary(log.append(produced(9, 1, 14))), 'appended@14');
  await log.close();
});

test('an older epoch is fenced; a newer epoch starts over at sequence 0', async () => {
  const log = await PartitionLog.open(tempDir('idem-epoch'));
  assert.equal(summary(log.append(produced(5, 3, 0))), 'appended@0');
  assert.equal(summary(log.append(produced(5, 2, 2))), 'error 47', 'INVALID_PRODUCER_EPOCH');
  assert.equal(summary(log.append(produced(5, 4, 2))), 'error 45', 'a new epoch must start at 0');
  assert.equal(summary(log.append(produced(5, 4, 0))), 'appended@2');
  assert.equal(summary(log.append(produced(5, 3, 2))), 'error 47');
  assert.equal(summary(log.append(produced(5, 4, 2))), 'appended@4');
  assert.equal(log.producerState(5)?.epoch, 4);
  await log.close();
});

test('producers are tracked independently, and non-idempotent batches are never checked', async () => {
  const log = await PartitionLog.open(tempDir('idem-many'));
  assert.equal(summary(log.append(produced(1, 0, 0))), 'appended@0');
  assert.equal(summary(log.append(produced(2, 0, 10))), 'appended@2');
  assert.equal(summary(log.append(produced(1, 0, 2))), 'appended@4');
  assert.equal(summary(log.append(produced(2, 0, 12))), 'appended@6');
  // kafkajs without idempotence sends producerId -1 (epoch 0); franz-go sends -1 too (notes).
  const plain = makeBatch(0, 2, { producerId: -1, producerEpoch: 0, baseSequence: -1 });
  assert.equal(summary(log.append(plain)), 'appended@8');
  assert.equal(summary(log.append(Buffer.from(plain))), 'appended@10', 'the same bytes again are not a duplicate');
  await log.close();
});

test('sequences wrap past int32 max to 0', async () => {
  assert.equal(lastSequenceOf(0x7ffffffe, 3), 1);
  const log = await PartitionLog.open(tempDir('idem-wrap'));
  assert.equal(summary(log.append(produced(3, 0, 0x7ffffffe, 2))), 'appended@0');
  assert.equal(summary(log.append(produced(3, 0, 0, 2))), 'appended@2');
  assert.equal(summary(log.append(produced(3, 0, 0x7ffffffe, 2))), 'duplicate@0');
  const wrapping = makeBatch(1, 3, { producerId: 4, producerEpoch: 0, baseSequence: 0x7fffffff });
  assert.equal(summary(log.append(wrapping)), 'appended@4');
  assert.equal(summary(log.append(produced(4, 0, 2))), 'appended@7', 'the batch covered 0x7fffffff, 0, 1');
  await log.close();
});

test('one duplicate or error decides for a whole multi-batch append', async () => {
  const log = await PartitionLog.open(tempDir('idem-multi'));
  assert.equal(summary(log.append(Buffer.concat([produced(8, 0, 0), produced(8, 0, 2)]))), 'appended@0', 'the second batch follows the first');
  assert.equal(summary(log.append(Buffer.concat([produced(8, 0, 4), produced(8, 0, 9)]))), 'error 45');
  assert.equal(log.highWatermark, 4);
  await log.close();
});

test('producer state is rebuilt on open: from the clean-close snapshot, or by scanning after a crash', async () => {
  const dir = tempDir('idem-restart');
  const config = { segmentBytes: 300 };
  const log = await PartitionLog.open(dir, config);
  for (let i = 0; i < 10; i++) log.append(produced(6, 2, i * 2));
  assert.ok(log.segmentCount > 2);
  await log.close();

  const clean = await PartitionLog.open(dir, config);
  assert.equal(clean.recovery.producerStateScannedFrom, 20);
  assert.equal(summary(clean.append(produced(6, 2, 18))), 'duplicate@18');
  assert.equal(summary(clean.append(produced(6, 1, 20))), 'error 47');
  assert.equal(summary(clean.append(produced(6, 2, 21))), 'error 45');
  assert.equal(summary(clean.append(produced(6, 2, 20))), 'appended@20');
  // A copy taken while the log is open looks like a crash: the close snapshot is missing and the
  // newest roll snapshot is older, so the batches after it are scanned.
  const copy = tempDir('idem-restart-copy');
  cpSync(dir, copy, { recursive: true });
  await clean.close();
  const crashed = await PartitionLog.open(copy, config);
  assert.ok(crashed.recovery.producerStateScannedFrom < 22 && crashed.recovery.producerStateScannedFrom > 0);
  assert.equal(summary(crashed.append(produced(6, 2, 20))), 'duplicate@20');
  assert.equal(summary(crashed.append(produced(6, 2, 22))), 'appended@22');
  await crashed.close();
});

test('idle producers are forgotten by enforceRetention, unless a transaction is open', async () => {
  const dir = tempDir('idem-expire');
  const log = await PartitionLog.open(dir, { producerIdExpirationMs: 1000 });
  assert.equal(summary(log.append(produced(1, 0, 0), { nowMs: 10_000 })), 'appended@0');
  const open = makeBatch(0, 2, { producerId: 2, producerEpoch: 0, baseSequence: 0, isTransactional: true });
  assert.equal(summary(log.append(open, { nowMs: 10_000 })), 'appended@2');
  log.enforceRetention(10_999);
  assert.ok(log.producerState(1), 'not idle long enough');
  log.enforceRetention(11_000);
  assert.equal(log.producerState(1), undefined);
  assert.ok(log.producerState(2), 'an open transaction keeps its producer');
  assert.equal(summary(log.append(produced(1, 0, 17), { nowMs: 11_000 })), 'appended@4', 'a forgotten producer is unknown again');
  await log.close();
  const reopened = await PartitionLog.open(dir, { producerIdExpirationMs: 1000 });
  assert.equal(reopened.producerState(1)?.lastAppendMs, 11_000, 'the append time survives in the snapshot');
  await reopened.close();
});
