// Shared helpers for the partition log tests: temporary directories, batches with recognisable
// contents, and decoding what a read returned.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BATCH_LOG_OVERHEAD, decodeRecords, encodeRecordBatch, readBatchHeader, type BatchHeader, type RecordBatchInput } from '../codec/record-batch';

const created: string[] = [];
process.once('exit', () => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory, removed when the test process exits. */
export function tempDir(label: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `medallion-log-${label}-`));
  created.push(dir);
  return dir;
}

/** A batch of `count` records whose values name the batch and record (`b<id>-r<n>`). */
export function makeBatch(id: number, count = 3, overrides: Partial<RecordBatchInput> = {}, valueSize = 0): Buffer {
  const timestamp = overrides.baseTimestamp ?? 1_000_000 + id;
  return encodeRecordBatch({
    records: Array.from({ length: count }, (_, n) => ({
      key: Buffer.from(`k${n}`),
      value: Buffer.concat([Buffer.from(`b${id}-r${n}`), Buffer.alloc(valueSize, 0x61)]),
      timestamp,
    })),
    ...overrides,
  });
}

/** Splits read chunks into batches (trusting them) and returns each batch's bytes and header. */
export function batchesOf(chunks: Buffer[]): { bytes: Buffer; header: BatchHeader }[] {
  const out: { bytes: Buffer; header: BatchHeader }[] = [];
  for (const chunk of chunks) {
    let p = 0;
    while (p < chunk.length) {
      const header = readBatchHeader(chunk, p);
      const end = p + header.batchLength + BATCH_LOG_OVERHEAD;
      out.push({ bytes: chunk.subarray(p, end), header });
      p = end;
    }
  }
  return out;
}

/** Every record offset in read chunks, in order. */
export function recordOffsets(chunks: Buffer[]): number[] {
  return batchesOf(chunks).flatMap((b) => decodeRecords(b.bytes).map((r) => r.offset));
}

/** Every record value in read chunks, as strings. */
export function recordValues(chunks: Buffer[]): string[] {
  return batchesOf(chunks).flatMap((b) => decodeRecords(b.bytes).map((r) => r.value?.toString('utf8').replace(/a+$/, '') ?? ''));
}
