// Builds one Kafka record batch v2 for one partition, record by record, straight into one growing
// buffer: keys, values and header values given as strings are written as UTF-8 in place, so a
// produced record costs no Buffer of its own. The 61-byte header is written last, when the count,
// timestamps and producer identity are known, and the CRC32C is computed once over the result.
import { gzipSync } from 'node:zlib';
import { crc32c } from '../broker/codec/crc32c';
import {
  BATCH_HEADER_SIZE, BatchField, CRC_START, RECORD_BATCH_MAGIC, writeInt32, writeInt64, writeZigzagVarint, zigzagVarintSize,
} from '../broker/codec/record-batch';

/** A record to produce. Strings are written as UTF-8. */
export interface ProducerRecord {
  key: string | Buffer | null;
  value: string | Buffer | null;
  /** Milliseconds since the epoch; the time of the append when absent. */
  timestamp?: number | undefined;
  headers?: Readonly<Record<string, string>> | HeaderList | undefined;
}

/**
 * Headers in order as two parallel lists, for a caller that writes many records: it fills one list
 * again for every record (append copies what it needs) instead of making an object per record.
 */
export class HeaderList {
  readonly names: string[] = [];
  readonly values: string[] = [];
  length = 0;

  clear(): this {
    this.length = 0;
    return this;
  }

  add(name: string, value: string): this {
    this.names[this.length] = name;
    this.values[this.length] = value;
    this.length++;
    return this;
  }

  /** The headers as an object, for clients that take them so. */
  toObject(): Record<string, string> {
    const out: Record<string, string> = {};
    for (let i = 0; i < this.length; i++) out[this.names[i]!] = this.values[i]!;
    return out;
  }
}

/** Who writes a batch: the producer id and epoch, and the sequence of its first record. */
export interface BatchIdentity {
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  transactional: boolean;
}

const ATTR_GZIP = 0x01;
/**
 * The gzip level of compressed batches. The runner compresses its checkpoints, up to megabytes on
 * every commit: level 1 takes a quarter of the default level's time for about 25% more bytes.
 */
const GZIP_LEVEL = 1;
const ATTR_TRANSACTIONAL = 0x10;

/** Strings up to this length are tried as ASCII in JavaScript first: a native call costs more. */
const SHORT = 48;

/** The most bytes a key, value or header value can take, its length prefix included. */
function fieldBound(field: string | Buffer | null): number {
  if (field === null) return 1;
  const bytes = typeof field === 'string' ? field.length * 3 : field.length;
  return bytes + 5;
}

/** Writes a nullable string or Buffer with its zigzag length prefix; returns the position after it. */
function writeField(buf: Buffer, at: number, field: string | Buffer | null): number {
  if (field === null) {
    buf[at] = 1;
    return at + 1;
  }
  if (typeof field !== 'string') {
    at = writeZigzagVarint(buf, at, field.length);
    return at + field.copy(buf, at);
  }
  const n = field.length;
  if (n <= SHORT) {
    // ASCII of at most 48 bytes has a one-byte prefix (zigzag 2n < 128).
    let i = 0;
    for (; i < n; i++) {
      const c = field.charCodeAt(i);
      if (c >= 0x80) break;
      buf[at + 1 + i] = c;
    }
    if (i === n) {
      buf[at] = n * 2;
      return at + 1 + n;
    }
  }
  const reserved = zigzagVarintSize(n * 3);
  const written = buf.write(field, at + reserved, 'utf8');
  const needed = zigzagVarintSize(written);
  if (needed !== reserved) buf.copyWithin(at + needed, at + reserved, at + reserved + written);
  writeZigzagVarint(buf, at, written);
  return at + needed + written;
}

/** Writes a header name's bytes with their length; names are short, so a byte loop beats a native copy. */
function writeName(buf: Buffer, at: number, name: Buffer): number {
  at = writeZigzagVarint(buf, at, name.length);
  for (let i = 0; i < name.length; i++) buf[at + i] = name[i]!;
  return at + name.length;
}

const headerNames = new Map<string, Buffer>();

/** The UTF-8 bytes of a header name; names are a program's handful, so the cache stays small. */
function headerName(name: string): Buffer {
  let bytes = headerNames.get(name);
  if (bytes === undefined) {
    bytes = Buffer.from(name, 'utf8');
    if (headerNames.size < 256) headerNames.set(name, bytes);
  }
  return bytes;
}

export class BatchBuilder {
  private buf: Buffer;
  private at = BATCH_HEADER_SIZE;
  private count = 0;
  private baseTimestamp = 0;
  private maxTimestamp = 0;

  constructor(capacity = 16 * 1024) {
    this.buf = Buffer.allocUnsafe(Math.max(capacity, BATCH_HEADER_SIZE + 64));
  }

  /** Records appended so far. */
  get records(): number {
    return this.count;
  }

  /** Bytes the batch has so far. */
  get size(): number {
    return this.at;
  }

  append(record: ProducerRecord, now: number): void {
    const { key, value, headers } = record;
    const timestamp = record.timestamp ?? now;
    if (this.count === 0) {
      this.baseTimestamp = timestamp;
      this.maxTimestamp = timestamp;
    } else if (timestamp > this.maxTimestamp) this.maxTimestamp = timestamp;

    // Strings are measured by writing them: room for the worst case (3 bytes a UTF-16 unit) is made
    // first, each length prefix is reserved at the size the worst case would need, and in the rare
    // case the real length needs fewer bytes the field is moved back. One native call per string.
    let bound = 32 + fieldBound(key) + fieldBound(value);
    let headerCount = 0;
    if (headers instanceof HeaderList) {
      headerCount = headers.length;
      for (let i = 0; i < headerCount; i++) bound += 10 + headerName(headers.names[i]!).length + fieldBound(headers.values[i]!);
    } else if (headers !== undefined) {
      for (const name in headers) {
        bound += 10 + headerName(name).length + fieldBound(headers[name]!);
        headerCount++;
      }
    }
    this.ensure(bound);
    const start = this.at;
    const reserved = zigzagVarintSize(bound);
    let at = start + reserved;
    const buf = this.buf;
    buf[at++] = 0;
    at = writeZigzagVarint(buf, at, timestamp - this.baseTimestamp);
    at = writeZigzagVarint(buf, at, this.count);
    at = writeField(buf, at, key);
    at = writeField(buf, at, value);
    at = writeZigzagVarint(buf, at, headerCount);
    if (headers instanceof HeaderList) {
      for (let i = 0; i < headerCount; i++) {
        at = writeName(buf, at, headerName(headers.names[i]!));
        at = writeField(buf, at, headers.values[i]!);
      }
    } else if (headers !== undefined) {
      for (const name in headers) {
        at = writeName(buf, at, headerName(name));
        at = writeField(buf, at, headers[name]!);
      }
    }
    const bodySize = at - start - reserved;
    const needed = zigzagVarintSize(bodySize);
    if (needed !== reserved) {
      buf.copyWithin(start + needed, start + reserved, at);
      at -= reserved - needed;
    }
    writeZigzagVarint(buf, start, bodySize);
    this.at = at;
    this.count++;
  }

  /**
   * The finished batch. With `gzip` the record section is compressed (worth it for large, repetitive
   * values such as checkpoints). The builder must not be appended to afterwards.
   */
  finish(identity: BatchIdentity, gzip = false): Buffer {
    if (this.count === 0) throw new RangeError('a record batch needs at least one record');
    let out = this.buf.subarray(0, this.at);
    if (gzip) {
      const compressed = gzipSync(out.subarray(BATCH_HEADER_SIZE), { level: GZIP_LEVEL });
      out = Buffer.allocUnsafe(BATCH_HEADER_SIZE + compressed.length);
      compressed.copy(out, BATCH_HEADER_SIZE);
    }
    writeInt64(out, BatchField.baseOffset, 0);
    writeInt32(out, BatchField.batchLength, out.length - 12);
    writeInt32(out, BatchField.partitionLeaderEpoch, -1);
    out[BatchField.magic] = RECORD_BATCH_MAGIC;
    out.writeInt16BE((identity.transactional ? ATTR_TRANSACTIONAL : 0) | (gzip ? ATTR_GZIP : 0), BatchField.attributes);
    writeInt32(out, BatchField.lastOffsetDelta, this.count - 1);
    writeInt64(out, BatchField.baseTimestamp, this.baseTimestamp);
    writeInt64(out, BatchField.maxTimestamp, this.maxTimestamp);
    writeInt64(out, BatchField.producerId, identity.producerId);
    out.writeInt16BE(identity.producerEpoch, BatchField.producerEpoch);
    writeInt32(out, BatchField.baseSequence, identity.baseSequence);
    writeInt32(out, BatchField.recordCount, this.count);
    writeInt32(out, BatchField.crc, crc32c(out.subarray(CRC_START)) | 0);
    return out;
  }

  private ensure(extra: number): void {
    if (this.at + extra <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + extra));
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }
}
