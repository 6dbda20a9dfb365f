// Reads a file holding one JSON array and yields each element with its exact bytes and the line it
// starts on. The elements are found by a small scanner (depth, strings, escapes) rather than by
// JSON.parse of the whole file, so one broken element is reported and replayed as it is while
// the others still go through. The file is read whole: use NDJSON for files larger than memory.
import { readFile } from 'node:fs/promises';
import { tryParseJson, type ReadStart, type SourceRecord } from './source-record';

const OPEN_BRACE = 0x7b, CLOSE_BRACE = 0x7d, OPEN_BRACKET = 0x5b, CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22, BACKSLASH = 0x5c, COMMA = 0x2c, NEWLINE = 0x0a;

/** Reads the elements of a top-level JSON array; throws when the file is not an array at all. */
export async function* readJsonArray(file: string, start: ReadStart = {}): AsyncGenerator<SourceRecord> {
  const data = await readFile(file);
  const afterPosition = start.afterPosition ?? 0;
  let i = skipSpace(data, 0);
  if (data[i] !== OPEN_BRACKET) throw new Error(`${file}: not a JSON array (expected '[' at the start)`);
  let line = 1 + countNewlines(data, 0, i);
  i++;
  let index = 0;
  let depth = 0;
  let inString = false;
  let elementStart = -1;
  let elementLine = line;
  const emit = (end: number): SourceRecord | undefined => {
    let last = end;
    while (last > elementStart && isSpace(data[last - 1]!)) last--;
    if (elementStart === -1 || last === elementStart) return undefined;
    index++;
    const raw = Buffer.from(data.subarray(elementStart, last));
    const parsed = tryParseJson(raw.toString('utf8'));
    const base = { file, line: elementLine, position: index, byteEnd: end + 1, raw };
    return 'value' in parsed ? { ...base, value: parsed.value, contentType: 'application/json' } : { ...base, error: parsed.error, contentType: 'application/octet-stream' };
  };
  for (; i < data.length; i++) {
    const byte = data[i]!;
    if (byte === NEWLINE) line++;
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
      continue;
    }
    if (elementStart === -1 && !isSpace(byte) && !(depth === 0 && (byte === COMMA || byte === CLOSE_BRACKET))) {
      elementStart = i;
      elementLine = line;
    }
    if (byte === QUOTE) inString = true;
    else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth++;
    else if ((byte === CLOSE_BRACE || byte === CLOSE_BRACKET) && depth > 0) depth--;
    else if (depth === 0 && (byte === COMMA || byte === CLOSE_BRACKET)) {
      const record = emit(i);
      elementStart = -1;
      if (record && record.position > afterPosition) yield record;
      if (byte === CLOSE_BRACKET) return;
    }
  }
  // An array cut off before its closing bracket: what is left is one more, broken, element.
  const record = emit(data.length);
  if (record && record.position > afterPosition) yield { ...record, value: undefined, error: record.error ?? 'the JSON array is not closed', contentType: 'application/octet-stream' };
}

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function skipSpace(data: Buffer, from: number): number {
  let i = from;
  while (i < data.length && isSpace(data[i]!)) i++;
  return i;
}

function countNewlines(data: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (data[i] === NEWLINE) n++;
  return n;
}
