/**
 * Turns one Kafka record into what a table row needs: its position, the value text kept verbatim,
 * the parsed top-level fields when the value is a JSON object, and what the lineage headers say.
 * The value is parsed once here and nowhere else; JSON parsing is the hot path of materializing.
 */
import { isAscii } from 'node:buffer';
import type { FetchedRecord } from '../wire/record-decoder';
import type { RawHeaders, RecordLineage } from './lineage-headers';
import { readLineageHeaders } from './lineage-headers';

/**
 * One record as kafkajs's `KafkaMessage` has it, so a consumer's batch can be passed straight in.
 * Offsets and timestamps are decimal strings (Kafka's int64s), timestamps in epoch milliseconds.
 */
export interface IncomingRecord {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: RawHeaders;
}

export interface DecodedRecord {
  offset: number;
  timestampMs: number;
  key: string | null;
  raw: string | null;
  /** The top-level fields, or null when the value is absent, not JSON, or not a JSON object. */
  fields: Record<string, unknown> | null;
  parseError: string | null;
  lineage: RecordLineage;
}

export function decodeRecord(record: IncomingRecord): DecodedRecord {
  // ASCII decodes faster as latin1 (the same characters) and gives V8 a one-byte string, which
  // JSON.parse also reads faster; anything else is UTF-8.
  const raw = record.value === null ? null : isAscii(record.value) ? record.value.toString('latin1') : record.value.toString('utf8');
  return decodeValue(Number(record.offset), Number(record.timestamp), record.key === null ? null : record.key.toString('utf8'), raw, record.headers);
}

/** {@link decodeRecord} for a record as the wire fetcher hands it over: key and value already text. */
export function decodeFetchedRecord(record: FetchedRecord<string>): DecodedRecord {
  return decodeValue(record.offset, record.timestamp, record.key, record.value, record.headers);
}

function decodeValue(offset: number, timestampMs: number, key: string | null, raw: string | null, headers: RawHeaders | undefined): DecodedRecord {
  let fields: Record<string, unknown> | null = null;
  let parseError: string | null = null;
  if (raw !== null) {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
        fields = parsed as Record<string, unknown>;
      } else {
        parseError = 'the value is JSON but not an object, so it has no fields';
      }
    } catch (error) {
      parseError = error instanceof Error ? error.message : String(error);
    }
  }
  return { offset, timestampMs, key, raw, fields, parseError, lineage: readLineageHeaders(headers) };
}
