import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FaultyFileSystem } from './faulty-file-system';
import { nodeFileSystem } from './node-file-system';
import { PartitionLog, type AppendResult } from './partition-log';
import { batchesOf, makeBatch, recordOffsets, recordValues, tempDir } from './log-test-helpers';

const CONFIG = { segmentBytes: 600, indexIntervalBytes: 100 };

function assertAppended(r: AppendResult): void {
  assert.equal(r.kind, 'appended', JSON.stringify(r));
}

/** Builds a closed log of `batches` two-record batches; returns its directory and last segment. */
async function buildLog(label: string, batches: number): Promise<{ dir: string; lastSegment: string; lastBatchStart: number; lastSize: number }> {
  const dir = tempDir(label);
  const log = await PartitionLog.open(dir, CONFIG);
  for (let id = 0; id < batches; id++) assertAppended(log.append(makeBatch(id, 2)));
  await log.close();
  const lastSegment = path.join(dir, readdirSync(dir).filter((n) => n.endsWith('.log')).sort().at(-1)!);
  const lastSize = statSync(lastSegment).size;
  const lastBatchStart = lastSize - makeBatch(batches - 1, 2).length;
  return { dir, lastSegment, lastBatchStart, lastSize };
}

function copyOf(dir: string, label: string): string {
  const copy = tempDir(label);
  cpSync(dir, copy, { recursive: true });
  return copy;
}

test('a torn tail at every byte of the last batch is cut exactly at that batch', async () => {
  const batches = 20;
  const { dir, lastSegment, lastBatchStart, lastSize } = await buildLog('torn', batches);
  const lostFrom = (batches - 1) * 2;
  for (let cut = lastBatchStart; cut < lastSize; cut++) {
    const copy = copyOf(dir, 'torn-copy');
    truncateSync(path.join(copy, path.basename(lastSegment)), cut);
    const log = await PartitionLog.open(copy, CONFIG);
    assert.equal(log.highWatermark, lostFrom, `cut at ${cut}`);
    if (cut === lastBatchStart) {
      assert.deepEqual(log.recovery.truncations, [], 'a cut on a batch boundary leaves nothing torn');
    } else {
      assert.equal(log.recovery.truncations.length, 1);
      const t = log.recovery.truncations[0]!;
      assert.equal(t.position, lastBatchStart);
      assert.equal(t.bytes, cut - lastBatchStart);
      assert.equal(t.fromOffset, lostFrom);
      assert.match(t.reason, /partial batch header|runs past the end/);
    }
    assert.deepEqual(recordOffsets(log.read(0, 1 << 20).chunks), Array.from({ length: lostFrom }, (_, i) => i));
    // The log is writable again, continuing right after the last intact batch.
    const r = log.append(makeBatch(100, 1));
    assert.equal(r.kind === 'appended' && r.baseOffset, lostFrom);
    await log.close();
  }
});

test('a flipped byte in the last batch cuts that batch, except in the leader epoch the CRC does not cover', async () => {
  const batches = 12;
  const { dir, lastSegment, lastBatchStart, lastSize } = await buildLog('flip', batches);
  const kept = (batches - 1) * 2;
  for (let at = lastBatchStart; at < lastSize; at++) {
    const copy = copyOf(dir, 'flip-copy');
    const file = path.join(copy, path.basename(lastSegment));
    const bytes = readFileSync(file);
    bytes[at] = bytes[at]! ^ 0x10;
    writeFileSync(file, bytes);
    const log = await PartitionLog.open(copy, CONFIG);
    const field = at - lastBatchStart;
    if (field >= 12 && field < 16) {
      // partitionLeaderEpoch sits outside the CRC so brokers can rewrite it; a flip there is
      // undetectable and harmless to the records, so the batch is kept.
      assert.equal(log.highWatermark, kept + 2, `byte ${field}`);
      assert.deepEqual(log.recovery.truncations, []);
    } else {
      assert.equal(log.highWatermark, kept, `byte ${field} of the batch`);
      assert.equal(log.recovery.truncations.length, 1, `byte ${field}`);
      assert.equal(log.recovery.truncations[0]!.position, lastBatchStart);
      assert.equal(log.recovery.truncations[0]!.bytes, lastSize - lastBatchStart);
      assert.deepEqual(recordValues(log.read(0, 1 << 20).chunks).slice(-2), [`b${batches - 2}-r0`, `b${batches - 2}-r1`]);
    }
    await log.close();
  }
});

test('a crash at any byte of an append loses only the unacknowledged batch, including crashes during a roll', async () => {
  // Each run crashes the simulated process after a different number of bytes; every batch whose
  // append returned before the crash must be there after recovery, and nothing else.
  let crashesInRoll = 0;
  for (let crashAfter = 0; crashAfter < 2600; crashAfter += 37) {
    const dir = tempDir('crash');
    const faulty = new FaultyFileSystem(nodeFileSystem);
    const log = await PartitionLog.open(dir, CONFIG, faulty);
    faulty.inject({ crashAfterBytes: crashAfter });
    let acknowledged = 0;
    for (let id = 0; id < 60 && !faulty.hasCrashed; id++) {
      const result = log.append(makeBatch(id, 2));
      if (result.kind === 'appended') {
        acknowledged++;
        continue;
      }
      assert.ok(faulty.hasCrashed, `append failed without a crash: ${JSON.stringify(result)}`);
      assert.equal(result.kind === 'error' && result.errorCode, 56);
      if (result.kind === 'error' && /segment roll failed/.test(result.message)) crashesInRoll++;
    }
    assert.ok(faulty.hasCrashed, `no crash after ${crashAfter} bytes`);
    faulty.releaseAll();

    const recovered = await PartitionLog.open(dir, CONFIG);
    assert.equal(recovered.highWatermark, acknowledged * 2, `crash after ${crashAfter} bytes`);
    const values = recordValues(recovered.read(0, 1 << 20).chunks);
    assert.deepEqual(values, Array.from({ length: acknowledged * 2 }, (_, i) => `b${i >> 1}-r${i & 1}`));
    assert.equal(readdirSync(dir).some((n) => n.endsWith('.tmp')), false, 'temporary files are cleared');
    await recovered.close();
  }
  assert.ok(crashesInRoll > 0, 'some crashes hit a segment roll');
});

test('a failed write is undone so the producer can retry', async () => {
  const faulty = new FaultyFileSystem(nodeFileSystem);
  const log = await PartitionLog.open(tempDir('enospc'), {}, faulty);
  assertAppended(log.append(makeBatch(0, 2)));
  const size = log.size;
  faulty.inject({ failWritesWith: 'ENOSPC' });
  const failed = log.append(makeBatch(1, 2));
  assert.deepEqual([failed.kind, failed.kind === 'error' && failed.errorCode], ['error', 56]);
  assert.equal(log.highWatermark, 2);
  assert.equal(log.size, size);
  faulty.inject({});
  const retried = log.append(makeBatch(1, 2));
  assert.equal(retried.kind === 'appended' && retried.baseOffset, 2);
  assert.deepEqual(recordOffsets(log.read(0, 1 << 20).chunks), [0, 1, 2, 3]);
  await log.close();
});

test('a failed segment roll leaves the old segment active and the next append rolls', async () => {
  const faulty = new FaultyFileSystem(nodeFileSystem);
  const log = await PartitionLog.open(tempDir('roll-fail'), { segmentBytes: 150 }, faulty);
  assertAppended(log.append(makeBatch(0, 2)));
  faulty.inject({ failWritesWith: 'ENOSPC' });
  const failed = log.append(makeBatch(1, 2));
  assert.equal(failed.kind === 'error' && failed.message.includes('segment roll failed'), true, JSON.stringify(failed));
  assert.equal(log.segmentCount, 1);
  faulty.inject({});
  assertAppended(log.append(makeBatch(1, 2)));
  assert.equal(log.segmentCount, 2);
  assert.deepEqual(recordOffsets(log.read(0, 1 << 20).chunks), [0, 1, 2, 3]);
  await log.close();
});

test('a failing fsync does not lose the log: close still releases it and the data reopens', async () => {
  const dir = tempDir('fsync');
  const faulty = new FaultyFileSystem(nodeFileSystem);
  const log = await PartitionLog.open(dir, {}, faulty);
  assertAppended(log.append(makeBatch(0, 2)));
  faulty.inject({ failFsyncWith: 'EIO' });
  await assert.rejects(log.flush(), /EIO/);
  await assert.rejects(log.close(), /EIO/);
  const reopened = await PartitionLog.open(dir);
  assert.equal(reopened.highWatermark, 2);
  await reopened.close();
});

test('missing or damaged index files of sealed segments are rebuilt', async () => {
  const { dir } = await buildLog('reindex', 30);
  const indexes = readdirSync(dir).filter((n) => n.endsWith('.index')).sort();
  const timeIndexes = readdirSync(dir).filter((n) => n.endsWith('.timeindex')).sort();
  assert.ok(indexes.length >= 3);
  const expected = await (async () => {
    const log = await PartitionLog.open(copyOf(dir, 'reindex-reference'), CONFIG);
    const read = Buffer.concat(log.read(0, 1 << 20).chunks);
    await log.close();
    return read;
  })();
  const damages: [string, (file: string) => void][] = [
    ['deleted offset index', (f) => nodeFileSystem.unlink(f)],
    ['truncated to half an entry', (f) => truncateSync(f, 4)],
    ['pointing past the file', (f) => writeFileSync(f, Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0x7f, 0]))],
    ['pointing into the middle of a batch', (f) => writeFileSync(f, Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 3]))],
  ];
  for (const [what, damage] of damages) {
    const copy = copyOf(dir, 'reindex-copy');
    damage(path.join(copy, indexes[1]!));
    const log = await PartitionLog.open(copy, CONFIG);
    assert.deepEqual(log.recovery.rebuiltIndexes, [Number(indexes[1]!.slice(0, 20))], what);
    assert.deepEqual(Buffer.concat(log.read(0, 1 << 20).chunks), expected, what);
    assert.equal(log.highWatermark, 60);
    await log.close();
  }
  const copy = copyOf(dir, 'reindex-time');
  writeFileSync(path.join(copy, timeIndexes[0]!), Buffer.alloc(12));
  const log = await PartitionLog.open(copy, CONFIG);
  assert.deepEqual(log.recovery.rebuiltIndexes, [0], 'a zeroed time index disagrees with the tail');
  await log.close();
});

test('damage inside a sealed segment cuts it there and keeps the later segments', async () => {
  const { dir } = await buildLog('sealed-damage', 30);
  const logs = readdirSync(dir).filter((n) => n.endsWith('.log')).sort();
  const second = path.join(dir, logs[1]!);
  const secondBase = Number(logs[1]!.slice(0, 20));
  const thirdBase = Number(logs[2]!.slice(0, 20));
  const bytes = readFileSync(second);
  const firstBatchLength = bytes.readInt32BE(8) + 12;
  bytes[firstBatchLength + 40] = bytes[firstBatchLength + 40]! ^ 1;
  writeFileSync(second, bytes);
  nodeFileSystem.unlink(second.replace(/\.log$/, '.index'));
  const log = await PartitionLog.open(dir, CONFIG);
  assert.equal(log.recovery.truncations.length, 1);
  assert.equal(log.recovery.truncations[0]!.segmentBaseOffset, secondBase);
  assert.equal(log.recovery.truncations[0]!.position, firstBatchLength);
  assert.equal(log.highWatermark, 60, 'later segments are kept');
  // Offsets in the gap read from the next batch that exists.
  const [first] = batchesOf(log.read(secondBase + 3, 1).chunks);
  assert.equal(first!.header.baseOffset, thirdBase);
  await log.close();
});
