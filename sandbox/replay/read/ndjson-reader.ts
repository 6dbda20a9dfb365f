// Streams an NDJSON file line by line, keeping each line's exact bytes: bronze must hold what the
// source wrote, so the line is never re-serialized. Blank lines are skipped but still counted, so
// line numbers in error messages match the editor.
import { isAscii } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { JsonMemberScanner } from './json-scan';
import { tryParseJson, type ReadStart, type SourceRecord } from './source-record';

const NEWLINE = 0x0a;
const CR = 0x0d;

/**
 * One NDJSON line. It is checked to be JSON when read, but its value is built only when asked
 * for: the replayer needs just the members it asked for, which the scan found on the way.
 */
class NdjsonRecord implements SourceRecord {
  private parsed: unknown;
  private isParsed = false;

  constructor(
    readonly file: string,
    readonly line: number,
    readonly byteEnd: number,
    readonly raw: Buffer,
    private readonly text: string,
    readonly error: string | undefined,
    readonly members: unknown[] | undefined,
  ) {}

  get position(): number {
    return this.line;
  }

  get contentType(): 'application/json' | 'application/octet-stream' {
    return this.error === undefined ? 'application/json' : 'application/octet-stream';
  }

  get value(): unknown {
    if (this.error !== undefined) return undefined;
    if (!this.isParsed) {
      this.parsed = JSON.parse(this.text) as unknown;
      this.isParsed = true;
    }
    return this.parsed;
  }
}

/** Reads NDJSON records; a line that is not JSON is yielded with `error` set and its bytes as they are. */
export async function* readNdjson(file: string, start: ReadStart = {}): AsyncGenerator<SourceRecord> {
  for await (const records of readNdjsonChunks(file, start)) yield* records;
}

/**
 * Reads NDJSON records a read buffer at a time. Yielding arrays rather than single records spares
 * the replayer an await per record, which at hundreds of thousands of records a second matters.
 * `members` names top-level members whose values every record carries in `members`.
 */
export async function* readNdjsonChunks(file: string, start: ReadStart = {}, members: readonly string[] = []): AsyncGenerator<SourceRecord[]> {
  const scanner = new JsonMemberScanner(members);
  const afterPosition = start.afterPosition ?? 0;
  let offset = start.byteOffset ?? 0;
  // Without a byte offset to seek to, the skipped lines are still read, only not yielded.
  let line = start.byteOffset ? afterPosition : 0;
  let carry: Buffer | undefined;
  for await (const chunk of createReadStream(file, { start: offset, highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    const data = carry ? Buffer.concat([carry, chunk]) : chunk;
    let from = 0;
    const records: SourceRecord[] = [];
    // An all-ASCII buffer is decoded once, and each line's text is a slice of it: decoding line by
    // line costs more than parsing some of them. Bytes and characters line up only in ASCII.
    const text = isAscii(data) ? data.toString('latin1') : undefined;
    for (let nl = data.indexOf(NEWLINE, from); nl !== -1; nl = data.indexOf(NEWLINE, from)) {
      line++;
      const record = makeRecord(scanner, file, line, data.subarray(from, nl), offset + nl + 1, text?.slice(from, nl));
      from = nl + 1;
      if (record && line > afterPosition) records.push(record);
    }
    if (records.length > 0) yield records;
    offset += from;
    carry = from < data.length ? Buffer.from(data.subarray(from)) : undefined;
  }
  if (carry && carry.length > 0) {
    line++;
    const record = makeRecord(scanner, file, line, carry, offset + carry.length);
    if (record && line > afterPosition) yield [record];
  }
}

/** The first byte that is not JSON whitespace. */
function firstNonBlank(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  return i < bytes.length ? bytes[i]! : -1;
}

function makeRecord(scanner: JsonMemberScanner, file: string, line: number, bytes: Buffer, byteEnd: number, asciiText?: string): SourceRecord | undefined {
  // A CRLF file's carriage return belongs to the line ending, not to the record.
  const crlf = bytes.length > 0 && bytes[bytes.length - 1] === CR;
  const raw = crlf ? bytes.subarray(0, bytes.length - 1) : bytes;
  const text = asciiText === undefined ? raw.toString('utf8') : crlf ? asciiText.slice(0, -1) : asciiText;
  // Only a line starting with whitespace (ASCII, or beyond it as trim() sees it) can be blank.
  const first = text.length === 0 ? 0 : text.charCodeAt(0);
  if (text.length === 0 || ((first <= 0x20 || first >= 0x80) && text.trim() === '')) return undefined;
  // The record's bytes are a view of the read buffer, not a copy: records live only until their
  // batch is acknowledged, so at most the buffers of the batches in flight are kept alive.
  if (scanner.scan(raw, asciiText === undefined ? undefined : text)) {
    const names = scanner.names;
    let members: unknown[] | undefined;
    if (names.length > 0 && firstNonBlank(raw) === 0x7b) {
      members = new Array<unknown>(names.length);
      for (let i = 0; i < names.length; i++) members[i] = scanner.member(i);
    }
    return new NdjsonRecord(file, line, byteEnd, raw, text, undefined, members);
  }
  // The scan found the line invalid; JSON.parse says why (and has the last word, should they differ).
  const parsed = tryParseJson(text);
  if ('value' in parsed) return new NdjsonRecord(file, line, byteEnd, raw, text, undefined, undefined);
  return new NdjsonRecord(file, line, byteEnd, raw, text, parsed.error, undefined);
}
