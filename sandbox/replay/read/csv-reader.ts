// Reads a CSV file with a header row and yields each row as a JSON object of strings (no type
// guessing: bronze keeps what the source said). A row with the wrong number of fields, or one the
// parser cannot read, is yielded with `error` set and its raw text as the value.
import { createReadStream } from 'node:fs';
import { parse, type CsvError } from 'csv-parse';
import type { ReadStart, SourceRecord } from './source-record';

interface ParsedRow {
  record: string[];
  raw: string;
  info: { lines: number; bytes: number };
}

/** Reads CSV rows as JSON objects keyed by the header. */
export async function* readCsv(file: string, start: ReadStart = {}): AsyncGenerator<SourceRecord> {
  const afterPosition = start.afterPosition ?? 0;
  const skipped: SourceRecord[] = [];
  const parser = createReadStream(file).pipe(
    parse({
      bom: true,
      info: true,
      raw: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (error: CsvError | undefined, raw: string | undefined) => {
        // The parser reports the line it stopped on; the record started as many lines earlier as it holds newlines.
        const lastLine = Number((error as (CsvError & { lines?: number }) | undefined)?.lines ?? 0);
        const text = (raw ?? '').replace(/\r?\n$/, '');
        const firstLine = lastLine - (text.match(/\n/g)?.length ?? 0);
        skipped.push(bad(file, firstLine, text, `unreadable CSV: ${error?.message ?? 'unknown error'}`, 0, lastLine));
        return undefined;
      },
    }),
  );
  let header: string[] | undefined;
  const drainSkipped = function* (beforeLine: number): Generator<SourceRecord> {
    while (skipped.length > 0 && skipped[0]!.line <= beforeLine) {
      const record = skipped.shift()!;
      if (record.position > afterPosition) yield record;
    }
  };
  for await (const row of parser as AsyncIterable<ParsedRow>) {
    const raw = row.raw.replace(/\r?\n$/, '');
    const lastLine = row.info.lines;
    const firstLine = lastLine - (raw.match(/\n/g)?.length ?? 0);
    yield* drainSkipped(firstLine);
    if (!header) {
      header = row.record;
      continue;
    }
    if (lastLine <= afterPosition) continue;
    if (row.record.length !== header.length) {
      yield bad(file, firstLine, raw, `expected ${header.length} fields, found ${row.record.length}`, row.info.bytes, lastLine);
      continue;
    }
    const value: Record<string, string> = {};
    header.forEach((name, i) => (value[name] = row.record[i]!));
    yield { file, line: firstLine, position: lastLine, byteEnd: row.info.bytes, raw: Buffer.from(JSON.stringify(value)), value, contentType: 'application/json' };
  }
  yield* drainSkipped(Infinity);
}

function bad(file: string, line: number, raw: string, error: string, byteEnd: number, position = line): SourceRecord {
  return { file, line, position, byteEnd, raw: Buffer.from(raw.replace(/\r?\n$/, '')), error, contentType: 'application/octet-stream' };
}
