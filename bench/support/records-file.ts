/**
 * Writes the benchmark's input for `kcat -P -l`: one record per line, each exactly `size` bytes, so
 * the figures are per known record size and kcat does no work beyond splitting lines.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

export function writeRecordsFile(file: string, records: number, size: number): number {
  if (size < 12) throw new RangeError('records need at least 12 bytes to carry their index');
  const line = size + 1;
  const perChunk = Math.max(1, Math.floor((4 * 1024 * 1024) / line));
  const chunk = Buffer.alloc(perChunk * line);
  // Filler varies from record to record, so nothing downstream can shortcut on identical values.
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const fd = openSync(file, 'w');
  try {
    let written = 0;
    while (written < records) {
      const n = Math.min(perChunk, records - written);
      for (let r = 0; r < n; r++) {
        const index = written + r;
        const base = r * line;
        chunk.write(String(index).padStart(11, '0'), base, 'latin1');
        for (let i = 11; i < size; i++) chunk[base + i] = alphabet.charCodeAt((index * 7 + i) % alphabet.length);
        chunk[base + size] = 0x0a;
      }
      writeSync(fd, chunk, 0, n * line);
      written += n;
    }
  } finally {
    closeSync(fd);
  }
  return records * line;
}
