// Builds one Kafka record batch v2 for one partition, record by record, straight into one growing
// buffer: keys, values and header values given as strings are written as UTF-8 in place, so a
// produced record costs no Buffer of its own. The 61-byte header is written last, when the count,
// timestamps and producer identity are known, and the CRC32C is computed once over the result.
import { gzipSync } from 'node:zlib';
import { crc32c } from '../broker/codec/crc32c';
import { BATCH_HEADER_SIZE, BatchField, CRC_START, RECORD_BATCH_MAGIC, writeInt32, writeInt64 } from '../broker/codec/record-batch';

/** A record to produce. Strings are written as UTF-8. */
export interface ProducerRecord {
  key: string | Buffer | null;
  value: string | Buffer | null;
  /** Milliseconds since the epoch; the time of the append when absent. */
  timestamp?: number | undefined;
  headers?: Readonly<Record<string, string>> | undefined;
}

/** Who writes a batch: the producer id and epoch, and the sequence of its first record. */
export interface BatchIdentity {
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  transactional: boolean;
}

const ATTR_GZIP = 0x01;
const ATTR_TRANSACTIONAL = 0x10;

/** Strings up to this length are measured and copied in JavaScript: a native call costs more. */
const SHORT = 48;

/** UTF-8 size of a string. */
function utf8Size(value: string): number {
  const n = value.length;
  if (n > SHORT) return Buffer.byteLength(value, 'utf8');
  for (let i = 0; i < n; i++) if (value.charCodeAt(i) >= 0x80) return Buffer.byteLength(value, 'utf8');
  return n;
}

/** Bytes of a zigzag varint. */
function varintSize(value: number): number {
  let z = value >= 0 ? value * 2 : -value * 2 - 1;
  let size = 1;
  while (z >= 0x80) {
    z = Math.floor(z / 128);
    size++;
  }
  return size;
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
    const delta = timestamp - this.baseTimestamp;
    const keySize = key === null ? -1 : typeof key === 'string' ? utf8Size(key) : key.length;
    const valueSize = value === null ? -1 : typeof value === 'string' ? utf8Size(value) : value.length;

    let headerCount = 0;
    let headerBytes = 0;
    if (headers !== undefined) {
      for (const name in headers) {
        const nameBytes = headerName(name).length;
        const valueBytes = utf8Size(headers[name]!);
        headerBytes += varintSize(nameBytes) + nameBytes + varintSize(valueBytes) + valueBytes;
        headerCount++;
      }
    }
    const bodySize = 1 + varintSize(delta) + varintSize(this.count)
      + varintSize(keySize) + Math.max(keySize, 0)
      + varintSize(valueSize) + Math.max(valueSize, 0)
      + varintSize(headerCount) + headerBytes;
    this.ensure(varintSize(bodySize) + bodySize);

    const buf = this.buf;
    let at = this.writeVarint(this.at, bodySize);
    buf[at++] = 0;
    at = this.writeVarint(at, delta);
    at = this.writeVarint(at, this.count);
    at = this.writeVarint(at, keySize);
    if (key !== null) at += typeof key === 'string' ? this.writeString(at, key, keySize) : key.copy(buf, at);
    at = this.writeVarint(at, valueSize);
    if (value !== null) at += typeof value === 'string' ? this.writeString(at, value, valueSize) : value.copy(buf, at);
    at = this.writeVarint(at, headerCount);
    if (headers !== undefined) {
      for (const name in headers) {
        const nameBytes = headerName(name);
        at = this.writeVarint(at, nameBytes.length);
        at += nameBytes.copy(buf, at);
        const headerValue = headers[name]!;
        const size = utf8Size(headerValue);
        at = this.writeVarint(at, size);
        at += this.writeString(at, headerValue, size);
      }
    }
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
      const compressed = gzipSync(out.subarray(BATCH_HEADER_SIZE));
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

  private writeVarint(at: number, value: number): number {
    const buf = this.buf;
    let z = value >= 0 ? value * 2 : -value * 2 - 1;
    while (z >= 0x80) {
      buf[at++] = (z % 128) | 0x80;
      z = Math.floor(z / 128);
    }
    buf[at++] = z;
    return at;
  }

  /** Writes a string of `size` UTF-8 bytes; one with as many bytes as characters is ASCII. */
  private writeString(at: number, value: string, size: number): number {
    if (size === value.length && size <= SHORT) {
      const buf = this.buf;
      for (let i = 0; i < size; i++) buf[at + i] = value.charCodeAt(i);
      return size;
    }
    return this.buf.write(value, at, size, 'utf8');
  }
}
