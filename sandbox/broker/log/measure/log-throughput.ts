// Measures the partition log on its own (no network, no codec): append throughput with 1 MB and
// 16 KB batches of 100-byte records and with one-record batches, sequential read throughput from
// the page cache, reads at the head, RAM held by the indexes, RSS with 5 million records stored,
// and the time to open the log after a clean close and after a crash.
// Run: node --import tsx sandbox/broker/log/measure/log-throughput.ts [dir]
import { mkdtempSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodeRecordBatch } from '../../codec/record-batch';
import { PartitionLog } from '../partition-log';

const MB = 1024 * 1024;

/** A batch of 100-byte values filling about `targetBytes`. */
function batchOf(targetBytes: number): { batch: Buffer; records: number } {
  const value = Buffer.alloc(100, 0x61);
  const perRecord = 100 + 8;
  const count = Math.max(1, Math.floor((targetBytes - 61) / perRecord));
  const batch = encodeRecordBatch({ baseTimestamp: Date.now(), records: Array.from({ length: count }, () => ({ key: null, value, timestamp: Date.now() })) });
  return { batch, records: count };
}

async function measureAppend(root: string, label: string, targetBytes: number, totalBytes: number) {
  const dir = path.join(root, label);
  const log = await PartitionLog.open(dir);
  const { batch, records } = batchOf(targetBytes);
  const batches = Math.ceil(totalBytes / batch.length);
  const started = performance.now();
  for (let i = 0; i < batches; i++) {
    const r = log.append(batch);
    if (r.kind !== 'appended') throw new Error(JSON.stringify(r));
  }
  const seconds = (performance.now() - started) / 1000;
  const bytes = batches * batch.length;
  const figures = {
    batchBytes: batch.length,
    recordsPerBatch: records,
    batches,
    mbPerS: +(bytes / MB / seconds).toFixed(0),
    batchesPerS: Math.round(batches / seconds),
    recordsPerS: Math.round((batches * records) / seconds),
    segments: log.segmentCount,
  };
  console.log(`append ${label}:`, figures);
  return { log, dir, figures, records: batches * records };
}

function measureSequentialRead(log: PartitionLog, maxBytes: number) {
  const started = performance.now();
  let offset = log.logStartOffset;
  let bytes = 0;
  let fetches = 0;
  while (offset < log.highWatermark) {
    const read = log.read(offset, maxBytes);
    bytes += read.size;
    fetches++;
    const last = read.chunks[read.chunks.length - 1]!;
    // The next fetch starts after the last batch returned, as a consumer's would.
    let p = 0;
    let lastBatchStart = 0;
    while (p < last.length) {
      lastBatchStart = p;
      p += last.readInt32BE(p + 8) + 12;
    }
    offset = last.readInt32BE(lastBatchStart) * 4294967296 + last.readUInt32BE(lastBatchStart + 4) + last.readInt32BE(lastBatchStart + 23) + 1;
  }
  const seconds = (performance.now() - started) / 1000;
  return { maxBytes, fetches, mbPerS: +(bytes / MB / seconds).toFixed(0), recordsPerS: 0, seconds };
}

function measureHeadReads(log: PartitionLog, batchRecords: number) {
  // A consumer at the head asks for the newest batch again and again.
  const offset = log.highWatermark - batchRecords;
  const n = 20_000;
  const started = performance.now();
  let bytes = 0;
  for (let i = 0; i < n; i++) bytes += log.read(offset, MB).size;
  const perReadUs = ((performance.now() - started) * 1000) / n;
  return { readsAtHead: n, bytesPerRead: bytes / n, microsecondsPerRead: +perReadUs.toFixed(2) };
}

async function main(): Promise<void> {
  const root = process.argv[2] ?? mkdtempSync(path.join(tmpdir(), 'medallion-log-measure-'));
  try {
    const big = await measureAppend(root, 'batches-1mb', MB, 512 * MB);
    const readBig = measureSequentialRead(big.log, MB);
    readBig.recordsPerS = Math.round(big.records / readBig.seconds);
    console.log('sequential read, 1 MB fetches over 1 MB batches:', readBig);
    await big.log.close();

    const mid = await measureAppend(root, 'batches-16kb', 16 * 1024, 256 * MB);
    const readMid = measureSequentialRead(mid.log, MB);
    readMid.recordsPerS = Math.round(mid.records / readMid.seconds);
    console.log('sequential read, 1 MB fetches over 16 KB batches:', readMid);
    console.log('reads at the head, 16 KB batches:', measureHeadReads(mid.log, mid.figures.recordsPerBatch));
    await mid.log.close();

    const tiny = await measureAppend(root, 'batches-1-record', 1, 32 * MB);
    console.log('index RAM, 1-record batches:', {
      records: tiny.records,
      indexBytes: tiny.log.indexMemoryBytes,
      bytesPerMillionRecords: Math.round((tiny.log.indexMemoryBytes / tiny.records) * 1e6),
    });
    await tiny.log.close();

    // 5 million 100-byte records in 16 KB batches, then RSS and index RAM.
    const fiveDir = path.join(root, 'five-million');
    const five = await PartitionLog.open(fiveDir);
    const { batch, records } = batchOf(16 * 1024);
    let stored = 0;
    while (stored < 5_000_000) {
      five.append(batch);
      stored += records;
    }
    const mem = process.memoryUsage();
    console.log('5 million 100-byte records:', {
      records: stored,
      logBytes: five.size,
      segments: five.segmentCount,
      indexBytes: five.indexMemoryBytes,
      indexBytesPerMillionRecords: Math.round((five.indexMemoryBytes / stored) * 1e6),
      rssMb: +(mem.rss / MB).toFixed(0),
      heapUsedMb: +(mem.heapUsed / MB).toFixed(0),
    });
    await five.close();

    let started = performance.now();
    const clean = await PartitionLog.open(fiveDir);
    console.log('open after a clean close:', { ms: +(performance.now() - started).toFixed(1), scannedFrom: clean.recovery.producerStateScannedFrom });
    await clean.close();
    // Without the close snapshot, as after a crash: the active segment is verified and producer
    // state is rebuilt from the roll snapshot.
    const snapshots = readdirSync(fiveDir).filter((n) => n.endsWith('.snapshot')).sort();
    unlinkSync(path.join(fiveDir, snapshots.at(-1)!));
    started = performance.now();
    const crashed = await PartitionLog.open(fiveDir);
    console.log('open after a crash:', { ms: +(performance.now() - started).toFixed(1), scannedFrom: crashed.recovery.producerStateScannedFrom, hw: crashed.highWatermark });
    await crashed.close();
  } finally {
    if (!process.argv[2]) rmSync(root, { recursive: true, force: true });
  }
}

void main();
