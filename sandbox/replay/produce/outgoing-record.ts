// Turns a source record into the Kafka record the replayer produces: the key and timestamp come
// from the event, headers say where it came from, and a record that is not valid JSON goes out as
// its raw bytes with no key and a header saying why it is suspect. Bronze keeps reality.
import { parseEventTime } from '../event-time';
import { partitionForKey } from '../murmur2';
import type { SourceRecord } from '../read/source-record';
import type { StreamConfig } from './stream-config';

/** Header names the replayer sets. */
export const HEADERS = {
  sourceFile: 'source-file',
  sourceLine: 'source-line',
  contentType: 'content-type',
  suspect: 'medallion-suspect',
  loop: 'replay-loop',
} as const;

/** A record ready to be produced, with what the replay state needs to record its acknowledgement. */
export interface OutgoingRecord {
  topic: string;
  partition: number;
  key: Buffer | null;
  value: Buffer;
  headers: Record<string, string>;
  /** Event time in epoch ms, or undefined when the record has none (the produce time is used). */
  timestamp?: number;
  source: { file: string; position: number; byteEnd: number; line: number };
}

/** Per-file memory the conversion needs: where the last keyed record went. */
export interface PlacementState {
  lastPartition: number;
}

/**
 * The top-level members a reader should find for `toOutgoing` (SourceRecord.members): the key
 * field, then the event-time field, each when configured.
 */
export function wantedMembers(config: StreamConfig): string[] {
  const names: string[] = [];
  if (config.keyField !== undefined) names.push(config.keyField);
  if (config.timestampField !== undefined && config.timestampField !== config.keyField) names.push(config.timestampField);
  return names;
}

/**
 * Builds the outgoing record. A record without a key is put on the partition of the record before
 * it in the same file (Kafka would spread it at random); that keeps the replay deterministic and
 * keeps an idle partition idle when a poison line follows an event of another partition.
 */
export function toOutgoing(record: SourceRecord, config: StreamConfig, partitions: number, placement: PlacementState, displayName: string, loop = 0): OutgoingRecord {
  // Literal names (the values of HEADERS) give every record's headers the same object shape.
  const headers: Record<string, string> = {
    'source-file': displayName,
    'source-line': String(record.line),
    'content-type': record.contentType,
  };
  if (loop > 0) headers[HEADERS.loop] = String(loop);
  let key: Buffer | null = null;
  let timestamp: number | undefined;
  if (record.error !== undefined) {
    headers[HEADERS.suspect] = record.error;
  } else {
    // Members the reader found (in wantedMembers order) spare building the whole value.
    const members = record.members;
    const value = members === undefined ? record.value : undefined;
    const fields = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
    const keyValue = config.keyField === undefined ? undefined : members !== undefined ? members[0] : fields?.[config.keyField];
    if (typeof keyValue === 'string' || typeof keyValue === 'number') key = Buffer.from(String(keyValue));
    const timeValue = config.timestampField === undefined ? undefined : members !== undefined ? members[config.keyField === undefined || config.keyField === config.timestampField ? 0 : 1] : fields?.[config.timestampField];
    timestamp = config.timestampField !== undefined ? parseEventTime(timeValue) : undefined;
    if (timestamp === undefined && config.timestampField !== undefined) headers[HEADERS.suspect] = `no event time in ${config.timestampField}`;
  }
  const partition = key !== null ? partitionForKey(key, partitions) : Math.min(placement.lastPartition, partitions - 1);
  placement.lastPartition = partition;
  // Every record gets the same object shape (timestamp present, maybe undefined). `source` is a
  // small object of its own rather than the source record, so that the source record (its text
  // and members) dies young instead of being kept, and copied by the garbage collector, until the
  // batch is sent.
  return { topic: config.topic, partition, key, value: record.raw, headers, timestamp, source: { file: record.file, position: record.position, byteEnd: record.byteEnd, line: record.line } };
}
