// Encodes the outgoing records of one partition as one Kafka record batch v2, written straight into
// a single buffer: sizes are computed first, so every record is written once, in place, with no
// per-record buffers. The codec's general encodeRecordBatch allocates per record, which at hundreds
// of thousands of records a second is most of the cost of producing.
import { crc32c } from '../../../broker/codec/crc32c';
import {
  BATCH_HEADER_SIZE, CRC_START, RECORD_BATCH_MAGIC, writeInt32, writeInt64, writeZigzagVarint, zigzagVarintSize,
} from '../../../broker/codec/record-batch';
import type { OutgoingRecord } from '../outgoing-record';

/** Who produces the batch: the idempotent producer's id, epoch and the batch's first sequence. */
export interface BatchIdentity {
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
}

/** Strings up to this length are measured and copied in JavaScript: a native call costs more. */
const SHORT = 64;

/** UTF-8 size of a header value. */
function utf8Size(value: string): number {
  if (value.length > SHORT) return Buffer.byteLength(value, 'utf8');
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) >= 0x80) return Buffer.byteLength(value, 'utf8');
  return value.length;
}

/** Writes a header value of `size` UTF-8 bytes; one of as many bytes as characters is ASCII. */
function writeUtf8(buf: Buffer, at: number, value: string, size: number): number {
  if (size === value.length && size <= SHORT) {
    for (let i = 0; i < size; i++) buf[at + i] = value.charCodeAt(i);
    return size;
  }
  return buf.write(value, at, size, 'utf8');
}

/**
 * What the encoder keeps per header name: the name's bytes, and the bytes of the value it last
 * had when that value repeats. Most header values repeat record after record (the source file,
 * the content type), so they are encoded once instead of measured and copied a character at a time.
 */
interface HeaderName {
  bytes: Buffer;
  lastValue: string | undefined;
  lastBytes: Buffer | undefined;
  repeats: number;
}

const headerNames = new Map<string, HeaderName>();

function headerName(name: string): HeaderName {
  let entry = headerNames.get(name);
  if (entry === undefined) {
    entry = { bytes: Buffer.from(name, 'utf8'), lastValue: undefined, lastBytes: undefined, repeats: 0 };
    // Header names are the replayer's own handful; the cache cannot grow with the data.
    if (headerNames.size < 64) headerNames.set(name, entry);
  }
  return entry;
}

/** The encoded value when it is the name's repeating value, else undefined (then written as text). */
function repeatedValue(entry: HeaderName, value: string): Buffer | undefined {
  if (entry.lastValue === value) {
    if (entry.lastBytes === undefined && ++entry.repeats >= 2) entry.lastBytes = Buffer.from(value, 'utf8');
    return entry.lastBytes;
  }
  entry.lastValue = value;
  entry.lastBytes = undefined;
  entry.repeats = 0;
  return undefined;
}

/**
 * The batch for `records`, all of one partition, in order. A record without an event time gets
 * `now`, as a producer stamps a record it was given no timestamp for.
 */
export function encodeBatch(records: readonly OutgoingRecord[], identity: BatchIdentity, now: number): Buffer {
  if (records.length === 0) throw new RangeError('a record batch needs at least one record');
  const count = records.length;
  const bodySizes = new Array<number>(count);
  const headerCounts = new Array<number>(count);
  const headerValueSizes: number[] = [];
  const headerValueBytes: (Buffer | undefined)[] = [];
  const baseTimestamp = records[0]!.timestamp ?? now;
  let maxTimestamp = baseTimestamp;
  let total = BATCH_HEADER_SIZE;
  for (let i = 0; i < count; i++) {
    const record = records[i]!;
    const timestamp = record.timestamp ?? now;
    if (timestamp > maxTimestamp) maxTimestamp = timestamp;
    let size = 1 + zigzagVarintSize(timestamp - baseTimestamp) + zigzagVarintSize(i);
    size += record.key === null ? 1 : zigzagVarintSize(record.key.length) + record.key.length;
    size += zigzagVarintSize(record.value.length) + record.value.length;
    let headerCount = 0;
    for (const name in record.headers) {
      const entry = headerName(name);
      const value = record.headers[name]!;
      const encoded = repeatedValue(entry, value);
      const valueSize = encoded === undefined ? utf8Size(value) : encoded.length;
      headerValueSizes.push(valueSize);
      headerValueBytes.push(encoded);
      size += zigzagVarintSize(entry.bytes.length) + entry.bytes.length + zigzagVarintSize(valueSize) + valueSize;
      headerCount++;
    }
    size += zigzagVarintSize(headerCount);
    headerCounts[i] = headerCount;
    bodySizes[i] = size;
    total += zigzagVarintSize(size) + size;
  }

  const buf = Buffer.allocUnsafe(total);
  writeInt64(buf, 0, 0);
  writeInt32(buf, 8, total - 12);
  writeInt32(buf, 12, -1);
  buf[16] = RECORD_BATCH_MAGIC;
  buf.writeInt16BE(0, 21);
  writeInt32(buf, 23, count - 1);
  writeInt64(buf, 27, baseTimestamp);
  writeInt64(buf, 35, maxTimestamp);
  writeInt64(buf, 43, identity.producerId);
  buf.writeInt16BE(identity.producerEpoch, 51);
  writeInt32(buf, 53, identity.baseSequence);
  writeInt32(buf, 57, count);

  let at = BATCH_HEADER_SIZE;
  let headerIndex = 0;
  for (let i = 0; i < count; i++) {
    const record = records[i]!;
    at = writeZigzagVarint(buf, at, bodySizes[i]!);
    buf[at++] = 0;
    at = writeZigzagVarint(buf, at, (record.timestamp ?? now) - baseTimestamp);
    at = writeZigzagVarint(buf, at, i);
    if (record.key === null) at = writeZigzagVarint(buf, at, -1);
    else {
      at = writeZigzagVarint(buf, at, record.key.length);
      buf.set(record.key, at);
      at += record.key.length;
    }
    at = writeZigzagVarint(buf, at, record.value.length);
    buf.set(record.value, at);
    at += record.value.length;
    at = writeZigzagVarint(buf, at, headerCounts[i]!);
    for (const name in record.headers) {
      const key = headerName(name).bytes;
      at = writeZigzagVarint(buf, at, key.length);
      buf.set(key, at);
      at += key.length;
      const valueSize = headerValueSizes[headerIndex]!;
      const encoded = headerValueBytes[headerIndex++];
      at = writeZigzagVarint(buf, at, valueSize);
      if (encoded === undefined) at += writeUtf8(buf, at, record.headers[name]!, valueSize);
      else {
        buf.set(encoded, at);
        at += valueSize;
      }
    }
  }
  if (at !== total) throw new Error(`record batch size mismatch: wrote ${at} of ${total} bytes`);
  writeInt32(buf, 17, crc32c(buf.subarray(CRC_START)) | 0);
  return buf;
}
