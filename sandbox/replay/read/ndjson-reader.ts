// Streams an NDJSON file line by line, keeping each line's exact bytes: bronze must hold what the
// source wrote, so the line is never re-serialized. Blank lines are skipped but still counted, so
// line numbers in error messages match the editor.
import { createReadStream } from 'node:fs';
import { tryParseJson, type ReadStart, type SourceRecord } from './source-record';

const NEWLINE = 0x0a;
const CR = 0x0d;

/** Reads NDJSON records; a line that is not JSON is yielded with `error` set and its bytes as they are. */
export async function* readNdjson(file: string, start: ReadStart = {}): AsyncGenerator<SourceRecord> {
  const afterPosition = start.afterPosition ?? 0;
  let offset = start.byteOffset ?? 0;
  // Without a byte offset to seek to, the skipped lines are still read, only not yielded.
  let line = start.byteOffset ? afterPosition : 0;
  let carry: Buffer | undefined;
  for await (const chunk of createReadStream(file, { start: offset, highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    const data = carry ? Buffer.concat([carry, chunk]) : chunk;
    let from = 0;
    for (let nl = data.indexOf(NEWLINE, from); nl !== -1; nl = data.indexOf(NEWLINE, from)) {
      line++;
      const record = makeRecord(file, line, data.subarray(from, nl), offset + nl + 1);
      from = nl + 1;
      if (record && line > afterPosition) yield record;
    }
    offset += from;
    carry = from < data.length ? Buffer.from(data.subarray(from)) : undefined;
  }
  if (carry && carry.length > 0) {
    line++;
    const record = makeRecord(file, line, carry, offset + carry.length);
    if (record && line > afterPosition) yield record;
  }
}

function makeRecord(file: string, line: number, bytes: Buffer, byteEnd: number): SourceRecord | undefined {
  // A CRLF file's carriage return belongs to the line ending, not to the record.
  const raw = bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.subarray(0, bytes.length - 1) : bytes;
  const text = raw.toString('utf8');
  if (text.trim() === '') return undefined;
  const parsed = tryParseJson(text);
  // The record keeps its own copy, so the megabyte chunk it was cut from can be freed.
  const own = Buffer.from(raw);
  return 'value' in parsed
    ? { file, line, position: line, byteEnd, raw: own, value: parsed.value, contentType: 'application/json' }
    : { file, line, position: line, byteEnd, raw: own, error: parsed.error, contentType: 'application/octet-stream' };
}
