// Decodes the record batches of one fetched partition into records, as a read_committed consumer
// sees them: control batches (transaction markers) are skipped, and so are the batches of aborted
// transactions, found with the fetch response's aborted_transactions list the way Kafka's own
// consumer does it. Keys and values are read straight from the response frame: as strings (one
// UTF-8 decode each, no intermediate Buffer) or as Buffer views of the frame.
import { gunzipSync } from 'node:zlib';
import { crc32c } from '../broker/codec/crc32c';
import { BATCH_HEADER_SIZE, BatchField, CRC_START, readInt32, readInt64 } from '../broker/codec/record-batch';

/** A fetched record. Its key and value are strings or Buffers, as the fetcher was asked. */
export interface FetchedRecord<V = string> {
  offset: number;
  /** Milliseconds since the epoch: the record's own, or the log-append time when the topic says so. */
  timestamp: number;
  key: V | null;
  value: V | null;
  /** Only when headers were asked for. A name that repeats in one record maps to all its values, in order. */
  headers?: Record<string, string | string[]>;
}

export interface AbortedTransaction {
  producerId: number;
  firstOffset: number;
}

export interface DecodeOptions {
  /** 'string': UTF-8 strings; 'buffer': views of the response frame (they keep it alive). */
  as: 'string' | 'buffer';
  /** Decode record headers too (as UTF-8 strings). */
  headers: boolean;
  /** Drop records of aborted transactions (read_committed). */
  readCommitted: boolean;
  /** Check each batch's CRC32C, as Kafka's consumer does by default. */
  checkCrc: boolean;
}

export interface DecodedPartition<V> {
  records: FetchedRecord<V>[];
  /** The offset to fetch next: past every complete batch seen, markers and aborted ones included. */
  nextOffset: number;
  /** Complete batches seen; 0 with bytes present means the first batch was cut off by the size limit. */
  batches: number;
}

/** A fetched batch that cannot be read: damaged, of an old format, or compressed with a codec this client lacks. */
export class RecordDecodeError extends Error {
  override readonly name = 'RecordDecodeError';
}

const ATTR_COMPRESSION = 0x07;
const ATTR_LOG_APPEND_TIME = 0x08;
const ATTR_TRANSACTIONAL = 0x10;
const ATTR_CONTROL = 0x20;
const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/**
 * Decodes `data` (the partition's records field) from `fetchOffset` on. Records before
 * `fetchOffset` (a batch is served whole) are left out. A trailing batch cut off by the fetch size
 * limit is ignored: the next fetch starts at it.
 */
export function decodePartition<V extends string | Buffer>(
  where: string, data: Buffer | null, fetchOffset: number, aborted: readonly AbortedTransaction[] | null | undefined, options: DecodeOptions,
): DecodedPartition<V> {
  const records: FetchedRecord<V>[] = [];
  let nextOffset = fetchOffset;
  let batches = 0;
  if (data === null || data.length === 0) return { records, nextOffset, batches };
  const pendingAborts = options.readCommitted && aborted && aborted.length > 0 ? [...aborted].sort((a, b) => a.firstOffset - b.firstOffset) : [];
  let nextAbort = 0;
  const abortedProducers = new Set<number>();
  let pos = 0;
  while (pos + BATCH_HEADER_SIZE <= data.length) {
    const baseOffset = readInt64(data, pos + BatchField.baseOffset);
    const size = readInt32(data, pos + BatchField.batchLength) + 12;
    if (pos + size > data.length) break;
    const magic = data[pos + BatchField.magic];
    if (magic !== 2) throw new RecordDecodeError(`${where}: batch at offset ${baseOffset} has message format ${magic}; only record batch v2 (magic 2) is read`);
    if (size < BATCH_HEADER_SIZE) throw new RecordDecodeError(`${where}: batch at offset ${baseOffset} claims ${size} bytes`);
    const batch = data.subarray(pos, pos + size);
    pos += size;
    batches++;
    const lastOffset = baseOffset + readInt32(batch, BatchField.lastOffsetDelta);
    if (lastOffset >= nextOffset) nextOffset = lastOffset + 1;
    if (options.checkCrc && (crc32c(batch.subarray(CRC_START)) | 0) !== readInt32(batch, BatchField.crc)) {
      throw new RecordDecodeError(`${where}: batch at offset ${baseOffset} fails its CRC check`);
    }
    const attributes = batch.readInt16BE(BatchField.attributes);
    const producerId = readInt64(batch, BatchField.producerId);
    if (options.readCommitted) {
      while (nextAbort < pendingAborts.length && pendingAborts[nextAbort]!.firstOffset <= lastOffset) abortedProducers.add(pendingAborts[nextAbort++]!.producerId);
      if (attributes & ATTR_CONTROL) {
        // An abort marker ends that producer's aborted transaction: its later batches are live again.
        if (isAbortMarker(batch)) abortedProducers.delete(producerId);
        continue;
      }
      if (attributes & ATTR_TRANSACTIONAL && abortedProducers.has(producerId)) continue;
    } else if (attributes & ATTR_CONTROL) continue;
    if (lastOffset < fetchOffset) continue;
    readRecords<V>(where, batch, attributes, baseOffset, fetchOffset, options, records);
  }
  return { records, nextOffset, batches };
}

/** True when a control batch is an abort marker (control record key: version int16, type int16 = 0). */
function isAbortMarker(batch: Buffer): boolean {
  const section = BATCH_HEADER_SIZE;
  if (batch.length < section + 8) return false;
  const r = new Cursor(batch, section);
  r.varint();
  r.pos++;
  r.varint();
  r.varint();
  const keyLength = r.varint();
  if (keyLength < 4 || r.pos + 4 > batch.length) return false;
  return batch.readInt16BE(r.pos + 2) === 0;
}

/** A position in a buffer with Kafka's zigzag varints; bounds are checked by the caller's length checks. */
class Cursor {
  constructor(
    readonly buf: Buffer,
    public pos: number,
  ) {}

  varint(): number {
    const buf = this.buf;
    let b = buf[this.pos++]!;
    if (b < 0x80) return (b >>> 1) ^ -(b & 1);
    let z = b & 0x7f;
    let scale = 128;
    for (let i = 1; i < 10; i++) {
      if (this.pos >= buf.length) throw new RecordDecodeError('varint runs past the batch');
      b = buf[this.pos++]!;
      z += (b & 0x7f) * scale;
      if (b < 0x80) return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
      scale *= 128;
    }
    throw new RecordDecodeError('varint longer than 10 bytes');
  }
}

function readRecords<V extends string | Buffer>(
  where: string, batch: Buffer, attributes: number, baseOffset: number, fetchOffset: number, options: DecodeOptions, out: FetchedRecord<V>[],
): void {
  const codec = attributes & ATTR_COMPRESSION;
  let section: Buffer;
  if (codec === 0) section = batch;
  else if (codec === 1) section = Buffer.concat([batch.subarray(0, BATCH_HEADER_SIZE), gunzipSync(batch.subarray(BATCH_HEADER_SIZE))]);
  else throw new RecordDecodeError(`${where}: batch at offset ${baseOffset} is compressed with ${CODECS[codec] ?? `codec ${codec}`}, which this client cannot read`);
  const count = readInt32(batch, BatchField.recordCount);
  const baseTimestamp = readInt64(batch, BatchField.baseTimestamp);
  const logAppendTime = (attributes & ATTR_LOG_APPEND_TIME) !== 0 ? readInt64(batch, BatchField.maxTimestamp) : -1;
  const asString = options.as === 'string';
  const r = new Cursor(section, BATCH_HEADER_SIZE);
  const end = section.length;
  for (let i = 0; i < count; i++) {
    if (r.pos >= end) throw new RecordDecodeError(`${where}: batch at offset ${baseOffset} ends after ${i} of ${count} records`);
    const length = r.varint();
    const recordEnd = r.pos + length;
    if (length < 0 || recordEnd > end) throw new RecordDecodeError(`${where}: record ${i} of the batch at offset ${baseOffset} runs past it`);
    r.pos++;
    const timestampDelta = r.varint();
    const offset = baseOffset + r.varint();
    const keyLength = r.varint();
    let key: V | null = null;
    if (keyLength >= 0) {
      if (r.pos + keyLength > recordEnd) throw new RecordDecodeError(`${where}: the key of record ${offset} runs past it`);
      key = (asString ? section.toString('utf8', r.pos, r.pos + keyLength) : section.subarray(r.pos, r.pos + keyLength)) as V;
      r.pos += keyLength;
    }
    const valueLength = r.varint();
    let value: V | null = null;
    if (valueLength >= 0) {
      if (r.pos + valueLength > recordEnd) throw new RecordDecodeError(`${where}: the value of record ${offset} runs past it`);
      value = (asString ? section.toString('utf8', r.pos, r.pos + valueLength) : section.subarray(r.pos, r.pos + valueLength)) as V;
      r.pos += valueLength;
    }
    let headers: Record<string, string | string[]> | undefined;
    if (options.headers) {
      headers = {};
      const headerCount = r.varint();
      for (let h = 0; h < headerCount; h++) {
        const nameLength = r.varint();
        const name = section.toString('utf8', r.pos, r.pos + nameLength);
        r.pos += nameLength;
        const valueLength = r.varint();
        const text = valueLength < 0 ? '' : section.toString('utf8', r.pos, r.pos + valueLength);
        // Kafka lets a name repeat; every value is kept, as the producer wrote them.
        const earlier = Object.hasOwn(headers, name) ? headers[name] : undefined;
        headers[name] = earlier === undefined ? text : Array.isArray(earlier) ? [...earlier, text] : [earlier, text];
        r.pos += Math.max(valueLength, 0);
      }
      if (r.pos !== recordEnd) throw new RecordDecodeError(`${where}: record ${offset}'s length disagrees with its fields`);
    }
    // Headers not asked for are skipped whole, by the record's length.
    r.pos = recordEnd;
    if (offset < fetchOffset) continue;
    const record: FetchedRecord<V> = { offset, timestamp: logAppendTime >= 0 ? logAppendTime : baseTimestamp + timestampDelta, key, value };
    if (headers !== undefined) record.headers = headers;
    out.push(record);
  }
}
