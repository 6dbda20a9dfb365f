// Picks the reader for a file by its name: .ndjson and .jsonl are NDJSON, .csv is CSV, and .json
// is a JSON array when it starts with '[' and NDJSON otherwise (many tools write NDJSON as .json).
import { open } from 'node:fs/promises';
import path from 'node:path';
import { readCsv } from './csv-reader';
import { readJsonArray } from './json-array-reader';
import { readNdjsonChunks } from './ndjson-reader';
import type { ReadStart, SourceRecord } from './source-record';

/** The formats the replayer reads. */
export type SourceFormat = 'ndjson' | 'json-array' | 'csv';

/** The extensions the replayer picks up in a folder. */
export const SOURCE_EXTENSIONS = ['.ndjson', '.jsonl', '.json', '.csv'] as const;

/** Tells the format of a file from its extension and, for .json, its first character. */
export async function detectFormat(file: string): Promise<SourceFormat> {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext !== '.json') return 'ndjson';
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
    const first = buffer.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '').trimStart()[0];
    return first === '[' ? 'json-array' : 'ndjson';
  } finally {
    await handle.close();
  }
}

/** Reads any supported file as source records. */
export async function* readSource(file: string, format: SourceFormat, start: ReadStart = {}): AsyncGenerator<SourceRecord> {
  switch (format) {
    case 'ndjson':
      for await (const records of readNdjsonChunks(file, start)) yield* records;
      return;
    case 'json-array':
      yield* readJsonArray(file, start);
      return;
    case 'csv':
      yield* readCsv(file, start);
      return;
  }
}

/** How many records of a CSV or JSON array file {@link readSourceChunks} groups into one array. */
const GROUP = 1024;

/**
 * Reads any supported file as arrays of source records, in order; NDJSON a read buffer at a time.
 * NDJSON records also carry the values of the top-level `members` named (see SourceRecord.members).
 */
export async function* readSourceChunks(file: string, format: SourceFormat, start: ReadStart = {}, members: readonly string[] = []): AsyncGenerator<SourceRecord[]> {
  if (format === 'ndjson') {
    yield* readNdjsonChunks(file, start, members);
    return;
  }
  let group: SourceRecord[] = [];
  for await (const record of readSource(file, format, start)) {
    group.push(record);
    if (group.length >= GROUP) {
      yield group;
      group = [];
    }
  }
  if (group.length > 0) yield group;
}
