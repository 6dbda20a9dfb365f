// Kafka record batch v2 (magic 2): header parsing, validation, in-place offset assignment, and an
// encoder and decoder for our own batches (transaction markers, tests, benchmarks).
//
// The broker stores batches exactly as received and serves them back unchanged, so nothing on the
// produce or fetch path looks at individual records: only the 61-byte header is read, and the only
// bytes ever rewritten are baseOffset and partitionLeaderEpoch, which the CRC does not cover.
//
// Offsets, timestamps and producer ids are int64 on the wire and JavaScript numbers here. They stay
// exact below 2^53, far beyond any offset or millisecond timestamp this broker will see; reading
// them as two int32 halves avoids allocating a BigInt per batch.
import { gunzipSync, gzipSync } from 'node:zlib';
import { crc32c } from './crc32c';

export const BATCH_HEADER_SIZE = 61;
/** Bytes before batchLength's coverage starts: baseOffset (8) and batchLength (4). */
export const BATCH_LOG_OVERHEAD = 12;
export const RECORD_BATCH_MAGIC = 2;
/** The CRC covers the batch from the attributes field (byte 21) to its end. */
export const CRC_START = 21;

/** Byte positions of the header fields inside a batch. */
export const BatchField = {
  baseOffset: 0,
  batchLength: 8,
  partitionLeaderEpoch: 12,
  magic: 16,
  crc: 17,
  attributes: 21,
  lastOffsetDelta: 23,
  baseTimestamp: 27,
  maxTimestamp: 35,
  producerId: 43,
  producerEpoch: 51,
  baseSequence: 53,
  recordCount: 57,
} as const;

export const Compression = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;
export type CompressionCode = (typeof Compression)[keyof typeof Compression];

export const TimestampType = { createTime: 0, logAppendTime: 1 } as const;

const ATTR_COMPRESSION_MASK = 0x07;
const ATTR_LOG_APPEND_TIME = 0x08;
const ATTR_TRANSACTIONAL = 0x10;
const ATTR_CONTROL = 0x20;

/** Kafka error codes a Produce handler answers for a bad batch. */
export const RecordErrorCode = { corruptMessage: 2, invalidRecord: 87 } as const;

/**
 * A produced batch failed validation. `errorCode` is the Kafka error to answer with:
 * CORRUPT_MESSAGE (2) for damaged bytes (length, CRC), INVALID_RECORD (87) for well-formed bytes
 * that break a rule (magic, offsets, record count).
 */
export class CorruptRecordError extends Error {
  override readonly name = 'CorruptRecordError';
  constructor(
    readonly reason: string,
    readonly errorCode: number = RecordErrorCode.corruptMessage,
    /** Position of the bad batch inside the buffer that was validated. */
    readonly position = 0,
  ) {
    super(`corrupt record batch at byte ${position}: ${reason}`);
  }
}

export interface BatchHeader {
  baseOffset: number;
  /** Bytes after the batchLength field: the whole batch is `batchLength + 12` bytes. */
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  /** The stored CRC32C, unsigned. */
  crc: number;
  attributes: number;
  compression: number;
  /** 0 CreateTime, 1 LogAppendTime. */
  timestampType: number;
  isTransactional: boolean;
  isControl: boolean;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

export interface BatchView {
  /** The whole batch: a subarray of the buffer it was found in, not a copy. */
  bytes: Buffer;
  header: BatchHeader;
}

/** Reads an int64 as a number; exact for |v| < 2^53, which covers offsets, timestamps and ids. */
export function readInt64(buf: Uint8Array, offset: number): number {
  const hi = (buf[offset]! << 24) | (buf[offset + 1]! << 16) | (buf[offset + 2]! << 8) | buf[offset + 3]!;
  const lo = ((buf[offset + 4]! << 24) | (buf[offset + 5]! << 16) | (buf[offset + 6]! << 8) | buf[offset + 7]!) >>> 0;
  return hi * 4294967296 + lo;
}

export function writeInt64(buf: Uint8Array, offset: number, value: number): void {
  const hi = Math.floor(value / 4294967296);
  const lo = value - hi * 4294967296;
  writeInt32(buf, offset, hi | 0);
  writeInt32(buf, offset + 4, lo | 0);
}

export function readInt32(buf: Uint8Array, offset: number): number {
  return (buf[offset]! << 24) | (buf[offset + 1]! << 16) | (buf[offset + 2]! << 8) | buf[offset + 3]!;
}

export function writeInt32(buf: Uint8Array, offset: number, value: number): void {
  buf[offset] = value >>> 24;
  buf[offset + 1] = value >>> 16;
  buf[offset + 2] = value >>> 8;
  buf[offset + 3] = value;
}

function readInt16(buf: Uint8Array, offset: number): number {
  return ((buf[offset]! << 24) | (buf[offset + 1]! << 16)) >> 16;
}

/** Reads the 61-byte header of the batch starting at `offset`. The caller checks there are 61 bytes. */
export function readBatchHeader(buf: Uint8Array, offset = 0): BatchHeader {
  const attributes = readInt16(buf, offset + BatchField.attributes);
  return {
    baseOffset: readInt64(buf, offset + BatchField.baseOffset),
    batchLength: readInt32(buf, offset + BatchField.batchLength),
    partitionLeaderEpoch: readInt32(buf, offset + BatchField.partitionLeaderEpoch),
    magic: (buf[offset + BatchField.magic]! << 24) >> 24,
    crc: readInt32(buf, offset + BatchField.crc) >>> 0,
    attributes,
    compression: attributes & ATTR_COMPRESSION_MASK,
    timestampType: attributes & ATTR_LOG_APPEND_TIME ? 1 : 0,
    isTransactional: (attributes & ATTR_TRANSACTIONAL) !== 0,
    isControl: (attributes & ATTR_CONTROL) !== 0,
    lastOffsetDelta: readInt32(buf, offset + BatchField.lastOffsetDelta),
    baseTimestamp: readInt64(buf, offset + BatchField.baseTimestamp),
    maxTimestamp: readInt64(buf, offset + BatchField.maxTimestamp),
    producerId: readInt64(buf, offset + BatchField.producerId),
    producerEpoch: readInt16(buf, offset + BatchField.producerEpoch),
    baseSequence: readInt32(buf, offset + BatchField.baseSequence),
    recordCount: readInt32(buf, offset + BatchField.recordCount),
  };
}

/** The whole size in bytes of the batch starting at `offset`, from its batchLength field. */
export function batchSizeAt(buf: Uint8Array, offset: number): number {
  return readInt32(buf, offset + BatchField.batchLength) + BATCH_LOG_OVERHEAD;
}

/**
 * Checks the batch starting at `position` of `buf` and returns its header. Only the bytes the
 * header claims are checked, so the caller decides what a short buffer means (a Produce request
 * rejects it, crash recovery truncates it).
 */
export function validateBatchAt(buf: Uint8Array, position: number): BatchHeader {
  const remaining = buf.length - position;
  if (remaining < BATCH_HEADER_SIZE) {
    throw new CorruptRecordError(`${remaining} bytes left, fewer than a batch header`, RecordErrorCode.corruptMessage, position);
  }
  const batchLength = readInt32(buf, position + BatchField.batchLength);
  if (batchLength < BATCH_HEADER_SIZE - BATCH_LOG_OVERHEAD) {
    throw new CorruptRecordError(`batchLength ${batchLength} is shorter than a header`, RecordErrorCode.corruptMessage, position);
  }
  if (batchLength + BATCH_LOG_OVERHEAD > remaining) {
    throw new CorruptRecordError(
      `batchLength ${batchLength} runs past the end (${remaining - BATCH_LOG_OVERHEAD} bytes available)`,
      RecordErrorCode.corruptMessage,
      position,
    );
  }
  const magic = buf[position + BatchField.magic]!;
  if (magic !== RECORD_BATCH_MAGIC) {
    throw new CorruptRecordError(`magic ${magic} is not ${RECORD_BATCH_MAGIC}`, RecordErrorCode.invalidRecord, position);
  }
  const end = position + BATCH_LOG_OVERHEAD + batchLength;
  const stored = readInt32(buf, position + BatchField.crc) >>> 0;
  const computed = crc32c(buf.subarray(position + CRC_START, end));
  if (stored !== computed) {
    throw new CorruptRecordError(
      `CRC32C mismatch: stored ${stored.toString(16)}, computed ${computed.toString(16)}`,
      RecordErrorCode.corruptMessage,
      position,
    );
  }
  const header = readBatchHeader(buf, position);
  if (header.compression > Compression.zstd) {
    throw new CorruptRecordError(`unknown compression codec ${header.compression}`, RecordErrorCode.invalidRecord, position);
  }
  // Kafka's LogValidator rejects a batch whose offset range and record count disagree; a producer
  // never sends an empty batch.
  if (header.recordCount <= 0 || header.lastOffsetDelta !== header.recordCount - 1) {
    throw new CorruptRecordError(
      `recordCount ${header.recordCount} does not match lastOffsetDelta ${header.lastOffsetDelta}`,
      RecordErrorCode.invalidRecord,
      position,
    );
  }
  return header;
}

/**
 * Splits the `records` field of one Produce partition into its batches, validating each (magic 2,
 * sane length inside the buffer, CRC32C, record count). Returns views into `records`, not copies.
 * Throws CorruptRecordError on the first bad batch.
 */
export function splitBatches(records: Buffer): BatchView[] {
  if (records.length === 0) throw new CorruptRecordError('no record batch', RecordErrorCode.invalidRecord, 0);
  const views: BatchView[] = [];
  let position = 0;
  while (position < records.length) {
    const header = validateBatchAt(records, position);
    const end = position + BATCH_LOG_OVERHEAD + header.batchLength;
    views.push({ bytes: records.subarray(position, end), header });
    position = end;
  }
  return views;
}

/** Rewrites baseOffset in place. Not covered by the CRC, so nothing else changes. */
export function setBaseOffset(batch: Uint8Array, offset: number): void {
  writeInt64(batch, BatchField.baseOffset, offset);
}

/** Rewrites partitionLeaderEpoch in place. Not covered by the CRC, so nothing else changes. */
export function setPartitionLeaderEpoch(batch: Uint8Array, epoch: number): void {
  writeInt32(batch, BatchField.partitionLeaderEpoch, epoch);
}

/**
 * Marks a batch as LogAppendTime with `timestampMs` as its maxTimestamp, as Kafka does for topics
 * with message.timestamp.type=LogAppendTime. Both fields are covered by the CRC, so it is
 * recomputed: this costs one pass over the batch, paid only by such topics.
 */
export function setLogAppendTime(batch: Uint8Array, timestampMs: number): void {
  const attributes = readInt16(batch, BatchField.attributes) | ATTR_LOG_APPEND_TIME;
  batch[BatchField.attributes] = attributes >>> 8;
  batch[BatchField.attributes + 1] = attributes;
  writeInt64(batch, BatchField.maxTimestamp, timestampMs);
  writeInt32(batch, BatchField.crc, crc32c(batch.subarray(CRC_START, batchSizeAt(batch, 0))) | 0);
}

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface RecordInput {
  key: Buffer | null;
  value: Buffer | null;
  headers?: RecordHeader[];
  /** Milliseconds; defaults to the batch's baseTimestamp. */
  timestamp?: number;
  /** Defaults to the record's index in the batch. */
  offsetDelta?: number;
}

export interface RecordBatchInput {
  baseOffset?: number;
  /** Defaults to the first record's timestamp, else 0. */
  baseTimestamp?: number;
  partitionLeaderEpoch?: number;
  /** -1 when the producer is not idempotent. */
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  isTransactional?: boolean;
  isControl?: boolean;
  /** Only none and gzip can be produced here; other codecs need libraries this package lacks. */
  compression?: typeof Compression.none | typeof Compression.gzip;
  records: RecordInput[];
}

export interface DecodedRecord {
  offset: number;
  timestamp: number;
  attributes: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

/**
 * Writes a zigzag varint as record fields use them, for values that fit int32 or, through
 * floating-point arithmetic, up to 2^53; returns the position after it. The caller makes room.
 */
export function writeZigzagVarint(buf: Uint8Array, at: number, value: number): number {
  // Record fields are mostly small (deltas, lengths): those take 32-bit shifts, which cost far
  // less than the division the general path needs for values up to 2^53.
  if (value >= -0x40000000 && value < 0x40000000) {
    let small = ((value << 1) ^ (value >> 31)) >>> 0;
    while (small >= 0x80) {
      buf[at++] = (small & 0x7f) | 0x80;
      small >>>= 7;
    }
    buf[at++] = small;
    return at;
  }
  let z = value >= 0 ? value * 2 : -value * 2 - 1;
  while (z >= 0x80) {
    buf[at++] = (z % 128) | 0x80;
    z = Math.floor(z / 128);
  }
  buf[at++] = z;
  return at;
}

/** Bytes {@link writeZigzagVarint} takes for `value`. */
export function zigzagVarintSize(value: number): number {
  if (value >= -0x40000000 && value < 0x40000000) {
    const small = ((value << 1) ^ (value >> 31)) >>> 0;
    return small < 0x80 ? 1 : small < 0x4000 ? 2 : small < 0x200000 ? 3 : small < 0x10000000 ? 4 : 5;
  }
  let z = value >= 0 ? value * 2 : -value * 2 - 1;
  let size = 1;
  while (z >= 0x80) {
    z = Math.floor(z / 128);
    size++;
  }
  return size;
}

/** A growable byte writer for the record section, with zigzag varints as records use them. */
class ByteWriter {
  buf = Buffer.allocUnsafe(256);
  length = 0;

  private ensure(extra: number): void {
    if (this.length + extra <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + extra));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  int8(v: number): void {
    this.ensure(1);
    this.buf[this.length++] = v;
  }

  /** Zigzag varint for values that fit int32 or, via floating-point arithmetic, up to 2^53. */
  varlong(v: number): void {
    this.ensure(10);
    this.length = writeZigzagVarint(this.buf, this.length, v);
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  nullableBytes(b: Uint8Array | null): void {
    if (b === null) {
      this.varlong(-1);
      return;
    }
    this.varlong(b.length);
    this.bytes(b);
  }

  result(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

/** Reads zigzag varints and raw bytes from a record section. */
class ByteReader {
  position = 0;
  constructor(private readonly buf: Buffer) {}

  int8(): number {
    if (this.position >= this.buf.length) throw new CorruptRecordError('record runs past the batch', RecordErrorCode.invalidRecord);
    return (this.buf[this.position++]! << 24) >> 24;
  }

  varlong(): number {
    let z = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.position >= this.buf.length) throw new CorruptRecordError('varint runs past the batch', RecordErrorCode.invalidRecord);
      const b = this.buf[this.position++]!;
      z += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
      scale *= 128;
    }
    throw new CorruptRecordError('varint longer than 10 bytes', RecordErrorCode.invalidRecord);
  }

  nullableBytes(): Buffer | null {
    const len = this.varlong();
    if (len < 0) return null;
    if (this.position + len > this.buf.length) throw new CorruptRecordError('record field runs past the batch', RecordErrorCode.invalidRecord);
    const out = this.buf.subarray(this.position, this.position + len);
    this.position += len;
    return out;
  }
}

function encodeRecord(w: ByteWriter, r: RecordInput, index: number, baseTimestamp: number): void {
  const body = new ByteWriter();
  body.int8(0);
  body.varlong((r.timestamp ?? baseTimestamp) - baseTimestamp);
  body.varlong(r.offsetDelta ?? index);
  body.nullableBytes(r.key);
  body.nullableBytes(r.value);
  const headers = r.headers ?? [];
  body.varlong(headers.length);
  for (const h of headers) {
    const key = Buffer.from(h.key, 'utf8');
    body.varlong(key.length);
    body.bytes(key);
    body.nullableBytes(h.value);
  }
  const bytes = body.result();
  w.varlong(bytes.length);
  w.bytes(bytes);
}

/** Builds a complete record batch v2 with a correct CRC. */
export function encodeRecordBatch(input: RecordBatchInput): Buffer {
  if (input.records.length === 0) throw new RangeError('a record batch needs at least one record');
  const baseTimestamp = input.baseTimestamp ?? input.records[0]!.timestamp ?? 0;
  const section = new ByteWriter();
  let maxTimestamp = -1;
  let lastOffsetDelta = 0;
  input.records.forEach((r, i) => {
    encodeRecord(section, r, i, baseTimestamp);
    maxTimestamp = Math.max(maxTimestamp, r.timestamp ?? baseTimestamp);
    lastOffsetDelta = Math.max(lastOffsetDelta, r.offsetDelta ?? i);
  });
  const compression = input.compression ?? Compression.none;
  const payload = compression === Compression.gzip ? gzipSync(section.result()) : section.result();
  const out = Buffer.alloc(BATCH_HEADER_SIZE + payload.length);
  const attributes =
    compression | (input.isTransactional ? ATTR_TRANSACTIONAL : 0) | (input.isControl ? ATTR_CONTROL : 0);
  writeInt64(out, BatchField.baseOffset, input.baseOffset ?? 0);
  writeInt32(out, BatchField.batchLength, out.length - BATCH_LOG_OVERHEAD);
  writeInt32(out, BatchField.partitionLeaderEpoch, input.partitionLeaderEpoch ?? -1);
  out[BatchField.magic] = RECORD_BATCH_MAGIC;
  out.writeInt16BE(attributes, BatchField.attributes);
  writeInt32(out, BatchField.lastOffsetDelta, lastOffsetDelta);
  writeInt64(out, BatchField.baseTimestamp, baseTimestamp);
  writeInt64(out, BatchField.maxTimestamp, maxTimestamp);
  writeInt64(out, BatchField.producerId, input.producerId ?? -1);
  out.writeInt16BE(input.producerEpoch ?? -1, BatchField.producerEpoch);
  writeInt32(out, BatchField.baseSequence, input.baseSequence ?? -1);
  writeInt32(out, BatchField.recordCount, input.records.length);
  out.set(payload, BATCH_HEADER_SIZE);
  writeInt32(out, BatchField.crc, crc32c(out.subarray(CRC_START)) | 0);
  return out;
}

/** The uncompressed record section of a batch; gzip is inflated, other codecs are refused. */
function recordSection(batch: Buffer, header: BatchHeader): Buffer {
  const payload = batch.subarray(BATCH_HEADER_SIZE, header.batchLength + BATCH_LOG_OVERHEAD);
  if (header.compression === Compression.none) return payload;
  if (header.compression === Compression.gzip) return gunzipSync(payload);
  throw new RangeError(`decoding compression codec ${header.compression} is not supported here`);
}

/**
 * Decodes every record of one batch (uncompressed or gzip). For tests and tools: the broker itself
 * never looks inside a batch except for transaction markers.
 */
export function decodeRecords(batch: Buffer): DecodedRecord[] {
  const header = readBatchHeader(batch, 0);
  const r = new ByteReader(recordSection(batch, header));
  const out: DecodedRecord[] = [];
  for (let i = 0; i < header.recordCount; i++) {
    const length = r.varlong();
    const end = r.position + length;
    const attributes = r.int8();
    const timestampDelta = r.varlong();
    const offsetDelta = r.varlong();
    const key = r.nullableBytes();
    const value = r.nullableBytes();
    const headerCount = r.varlong();
    const headers: RecordHeader[] = [];
    for (let h = 0; h < headerCount; h++) {
      const hk = r.nullableBytes();
      headers.push({ key: hk === null ? '' : hk.toString('utf8'), value: r.nullableBytes() });
    }
    if (r.position !== end) throw new CorruptRecordError(`record ${i} length disagrees with its fields`, RecordErrorCode.invalidRecord);
    const timestamp = header.timestampType === TimestampType.logAppendTime ? header.maxTimestamp : header.baseTimestamp + timestampDelta;
    out.push({ offset: header.baseOffset + offsetDelta, timestamp, attributes, key, value, headers });
  }
  return out;
}

export type ControlType = 'abort' | 'commit';

/** Builds a transaction marker: a control batch with one control record. */
export function encodeControlBatch(input: {
  producerId: number;
  producerEpoch: number;
  type: ControlType;
  coordinatorEpoch: number;
  timestamp: number;
  baseOffset?: number;
}): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(input.type === 'commit' ? 1 : 0, 2);
  const value = Buffer.alloc(6);
  value.writeInt16BE(0, 0);
  value.writeInt32BE(input.coordinatorEpoch, 2);
  return encodeRecordBatch({
    baseOffset: input.baseOffset ?? 0,
    baseTimestamp: input.timestamp,
    producerId: input.producerId,
    producerEpoch: input.producerEpoch,
    baseSequence: -1,
    isTransactional: true,
    isControl: true,
    records: [{ key, value, headers: [], timestamp: input.timestamp }],
  });
}

/**
 * The marker type of a control batch (its first record's key: version i16, type i16), or null
 * when the batch is not a control batch or its first record is not a well-formed marker.
 */
export function controlType(batch: Buffer): ControlType | null {
  const header = readBatchHeader(batch, 0);
  if (!header.isControl || header.compression !== Compression.none || header.recordCount < 1) return null;
  const r = new ByteReader(batch.subarray(BATCH_HEADER_SIZE, header.batchLength + BATCH_LOG_OVERHEAD));
  try {
    r.varlong();
    r.int8();
    r.varlong();
    r.varlong();
    const key = r.nullableBytes();
    if (key === null || key.length < 4) return null;
    const type = key.readInt16BE(2);
    return type === 0 ? 'abort' : type === 1 ? 'commit' : null;
  } catch (error) {
    // A control record cut short is not a marker; the caller refuses the batch.
    if (error instanceof CorruptRecordError) return null;
    throw error;
  }
}
