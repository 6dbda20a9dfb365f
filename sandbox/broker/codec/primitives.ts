/**
 * The hand-written wire primitives every generated schema is encoded with: big-endian integers,
 * Kafka's classic (int16/int32 length) and compact (unsigned varint N+1) strings, bytes and arrays,
 * zigzag varints, uuids and tagged-field sections.
 *
 * The Reader checks bounds before every read and never allocates a length a peer claims before
 * checking that many bytes are really there, so a frame claiming a 2 GB array fails at once.
 * The Writer keeps a list of chunks so large buffers (record batches) are appended by reference.
 */
import { CodecError } from './codec-error';

const TWO_POW_32 = 0x1_0000_0000;
const EMPTY = Buffer.alloc(0);
const UUID_PATTERN = /^[0-9a-f]{32}$/;

/** The all-zero uuid, which Kafka uses as "no uuid". */
export const NULL_UUID = '0'.repeat(32);

export class Writer {
  private readonly chunks: Buffer[] = [];
  private buf: Buffer;
  private start = 0;
  private pos = 0;
  private written = 0;

  /** @param initialSize bytes allocated for the first chunk; it grows by doubling. @default 1024 */
  constructor(initialSize = 1024) {
    this.buf = Buffer.allocUnsafe(Math.max(initialSize, 16));
  }

  /** Bytes written so far, raw chunks included. */
  get length(): number {
    return this.written + (this.pos - this.start);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.flush();
    this.buf = Buffer.allocUnsafe(Math.max(n, this.buf.length * 2));
    this.start = 0;
    this.pos = 0;
  }

  private flush(): void {
    if (this.pos > this.start) {
      this.chunks.push(this.buf.subarray(this.start, this.pos));
      this.written += this.pos - this.start;
    }
    this.start = this.pos;
  }

  int8(v: number): void {
    this.ensure(1);
    this.buf.writeInt8(v, this.pos);
    this.pos += 1;
  }

  int16(v: number): void {
    if (v !== (v << 16) >> 16) throw new CodecError(`int16 value ${v} out of range`);
    this.ensure(2);
    const b = this.buf;
    const p = this.pos;
    b[p] = v >>> 8;
    b[p + 1] = v;
    this.pos = p + 2;
  }

  uint16(v: number): void {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
  }

  int32(v: number): void {
    if (v !== (v | 0)) throw new CodecError(`int32 value ${v} out of range`);
    this.ensure(4);
    const b = this.buf;
    const p = this.pos;
    b[p] = v >>> 24;
    b[p + 1] = v >>> 16;
    b[p + 2] = v >>> 8;
    b[p + 3] = v;
    this.pos = p + 4;
  }

  uint32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32BE(v, this.pos);
    this.pos += 4;
  }

  /** Writes a JavaScript number as int64; values beyond 2^53 cannot be represented and are refused. */
  int64(v: number): void {
    if (!Number.isSafeInteger(v)) throw new CodecError(`int64 value ${v} is not a safe integer`);
    const hi = Math.floor(v / TWO_POW_32);
    const lo = v - hi * TWO_POW_32;
    this.ensure(8);
    const b = this.buf;
    const p = this.pos;
    b[p] = hi >>> 24;
    b[p + 1] = hi >>> 16;
    b[p + 2] = hi >>> 8;
    b[p + 3] = hi;
    b[p + 4] = lo >>> 24;
    b[p + 5] = lo >>> 16;
    b[p + 6] = lo >>> 8;
    b[p + 7] = lo;
    this.pos = p + 8;
  }

  float64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
  }

  bool(v: boolean): void {
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
  }

  /** Unsigned varint of a uint32 (KIP-482 lengths and tags). */
  uvarint(v: number): void {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new CodecError(`unsigned varint ${v} out of range`);
    this.ensure(5);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v = v >>> 7;
    }
    this.buf[this.pos++] = v;
  }

  /** Zigzag varint of an int32, as record fields use. */
  varint(v: number): void {
    if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) throw new CodecError(`varint ${v} out of int32 range`);
    this.uvarint(((v << 1) ^ (v >> 31)) >>> 0);
  }

  /**
   * Zigzag varlong of an integer within ±2^52 (so its zigzag form stays exact in a double);
   * arithmetic instead of bit operators keeps the bits above 32.
   */
  varlong(v: number): void {
    if (!Number.isInteger(v) || Math.abs(v) > 2 ** 52) throw new CodecError(`varlong ${v} is outside ±2^52`);
    let z = v >= 0 ? v * 2 : -v * 2 - 1;
    this.ensure(10);
    while (z >= 0x80) {
      this.buf[this.pos++] = (z % 0x80) | 0x80;
      z = Math.floor(z / 0x80);
    }
    this.buf[this.pos++] = z;
  }

  uuid(v: string): void {
    if (!UUID_PATTERN.test(v)) throw new CodecError(`uuid "${v}" is not 32 lowercase hex characters`);
    this.ensure(16);
    this.buf.write(v, this.pos, 16, 'hex');
    this.pos += 16;
  }

  /** Classic string: int16 length, -1 for null. */
  string(v: string | null): void {
    if (v === null) {
      this.int16(-1);
      return;
    }
    const n = Buffer.byteLength(v, 'utf8');
    if (n > 0x7fff) throw new CodecError(`string of ${n} bytes does not fit an int16 length`);
    this.ensure(2 + n);
    this.buf.writeInt16BE(n, this.pos);
    this.buf.write(v, this.pos + 2, n, 'utf8');
    this.pos += 2 + n;
  }

  /** Compact string: unsigned varint length + 1, 0 for null. */
  compactString(v: string | null): void {
    if (v === null) {
      this.uvarint(0);
      return;
    }
    const n = Buffer.byteLength(v, 'utf8');
    this.uvarint(n + 1);
    this.ensure(n);
    this.buf.write(v, this.pos, n, 'utf8');
    this.pos += n;
  }

  /** Classic bytes: int32 length, -1 for null. Large buffers are appended by reference. */
  bytes(v: Buffer | null): void {
    if (v === null) {
      this.int32(-1);
      return;
    }
    this.int32(v.length);
    this.blob(v);
  }

  /** Compact bytes: unsigned varint length + 1, 0 for null. */
  compactBytes(v: Buffer | null): void {
    if (v === null) {
      this.uvarint(0);
      return;
    }
    this.uvarint(v.length + 1);
    this.blob(v);
  }

  /** Appends a buffer by reference, without copying; the caller must not change it afterwards. */
  raw(v: Buffer): void {
    if (v.length === 0) return;
    this.flush();
    this.chunks.push(v);
    this.written += v.length;
  }

  /** Copies small buffers (cheaper than a chunk each) and appends large ones by reference. */
  private blob(v: Buffer): void {
    if (v.length >= 512) {
      this.raw(v);
      return;
    }
    this.ensure(v.length);
    v.copy(this.buf, this.pos);
    this.pos += v.length;
  }

  /** Writes an array length: int32 (-1 null) or, when compact, unsigned varint N+1 (0 null). */
  arrayLength(n: number | null, compact: boolean): void {
    if (compact) this.uvarint(n === null ? 0 : n + 1);
    else this.int32(n === null ? -1 : n);
  }

  /** An empty tagged-field section. */
  emptyTaggedFields(): void {
    this.uvarint(0);
  }

  /**
   * A tagged-field section: the count, then each field's tag, size and bytes, in ascending tag order
   * as Kafka requires.
   */
  taggedFields(fields: readonly { tag: number; data: Buffer }[]): void {
    this.uvarint(fields.length);
    for (const { tag, data } of fields) {
      this.uvarint(tag);
      this.uvarint(data.length);
      this.blob(data);
    }
  }

  /** Returns the chunks written, in order; the Writer must not be used afterwards. */
  finish(): Buffer[] {
    this.flush();
    return this.chunks;
  }

  /** The bytes written as one buffer (copies when there is more than one chunk). */
  toBuffer(): Buffer {
    const chunks = this.finish();
    if (chunks.length === 1 && chunks[0]) return chunks[0];
    return chunks.length === 0 ? EMPTY : Buffer.concat(chunks);
  }
}

/**
 * Reads Kafka primitives from `buf` between `offset` and `end`. Every method takes `what`, a field
 * path used in the CodecError message, so a bad frame says where it went wrong.
 */
export class Reader {
  pos: number;

  constructor(
    readonly buf: Buffer,
    offset = 0,
    readonly end = buf.length,
  ) {
    if (offset < 0 || end > buf.length || offset > end) throw new CodecError(`reader bounds ${offset}..${end} outside a buffer of ${buf.length} bytes`);
    this.pos = offset;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number, what: string): void {
    if (this.end - this.pos < n) {
      throw new CodecError(`${what}: needs ${n} bytes at offset ${this.pos} but only ${this.end - this.pos} remain`);
    }
  }

  int8(what: string): number {
    this.need(1, what);
    return this.buf.readInt8(this.pos++);
  }

  int16(what: string): number {
    this.need(2, what);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  uint16(what: string): number {
    this.need(2, what);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int32(what: string): number {
    this.need(4, what);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  uint32(what: string): number {
    this.need(4, what);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** Reads an int64 as a number; exact for every value within ±2^53, which is all Kafka uses. */
  int64(what: string): number {
    this.need(8, what);
    const v = this.buf.readInt32BE(this.pos) * TWO_POW_32 + this.buf.readUInt32BE(this.pos + 4);
    // A value a JavaScript number cannot hold exactly would be stored rounded and poison later answers.
    if (!Number.isSafeInteger(v)) throw new CodecError(`${what}: int64 value beyond 2^53 is not supported`);
    this.pos += 8;
    return v;
  }

  float64(what: string): number {
    this.need(8, what);
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  bool(what: string): boolean {
    this.need(1, what);
    return this.buf[this.pos++] !== 0;
  }

  /** Unsigned varint of at most 5 bytes (a uint32). */
  uvarint(what: string): number {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      this.need(1, what);
      const byte = this.buf[this.pos++] as number;
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) {
        if (result > 0xffffffff) throw new CodecError(`${what}: unsigned varint ${result} exceeds 32 bits`);
        return result;
      }
    }
    throw new CodecError(`${what}: unsigned varint longer than 5 bytes at offset ${this.pos}`);
  }

  /** Zigzag varint of an int32. */
  varint(what: string): number {
    const z = this.uvarint(what);
    return (z >>> 1) ^ -(z & 1);
  }

  /** Zigzag varlong, exact within ±2^52 (beyond that it is rounded); longer than 10 bytes is refused. */
  varlong(what: string): number {
    let z = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      this.need(1, what);
      const byte = this.buf[this.pos++] as number;
      z += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
    }
    throw new CodecError(`${what}: varlong longer than 10 bytes at offset ${this.pos}`);
  }

  uuid(what: string): string {
    this.need(16, what);
    const v = this.buf.toString('hex', this.pos, this.pos + 16);
    this.pos += 16;
    return v;
  }

  /** Checks a claimed length: -1 means null, other negatives and lengths past the end are refused. */
  private length(n: number, what: string): number {
    if (n < -1) throw new CodecError(`${what}: negative length ${n}`);
    if (n > this.end - this.pos) {
      throw new CodecError(`${what}: claims ${n} bytes at offset ${this.pos} but only ${this.end - this.pos} remain`);
    }
    return n;
  }

  /** Classic nullable string (int16 length). */
  string(what: string): string | null {
    const n = this.length(this.int16(what), what);
    if (n === -1) return null;
    const v = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** Compact nullable string (unsigned varint N+1). */
  compactString(what: string): string | null {
    const n = this.length(this.uvarint(what) - 1, what);
    if (n === -1) return null;
    const v = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** Classic nullable bytes (int32 length) as a zero-copy view of the frame. */
  bytesView(what: string): Buffer | null {
    return this.view(this.length(this.int32(what), what));
  }

  /** Compact nullable bytes (unsigned varint N+1) as a zero-copy view of the frame. */
  compactBytesView(what: string): Buffer | null {
    return this.view(this.length(this.uvarint(what) - 1, what));
  }

  private view(n: number): Buffer | null {
    if (n === -1) return null;
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /**
   * Reads an array count, -1 (classic) or 0 (compact) meaning null. A count that could not fit in the
   * remaining bytes, given each element takes at least `minElementSize` bytes, is refused here, before
   * the caller allocates or loops.
   */
  arrayLength(compact: boolean, minElementSize: number, what: string): number {
    const n = compact ? this.uvarint(what) - 1 : this.int32(what);
    if (n < -1) throw new CodecError(`${what}: negative array length ${n}`);
    if (n > 0 && n * Math.max(minElementSize, 1) > this.end - this.pos) {
      throw new CodecError(`${what}: claims ${n} elements at offset ${this.pos} but only ${this.end - this.pos} bytes remain`);
    }
    return n;
  }

  /** Skips `n` bytes (an unknown tagged field). */
  skip(n: number, what: string): void {
    if (n < 0) throw new CodecError(`${what}: negative length ${n}`);
    this.need(n, what);
    this.pos += n;
  }

  /** A reader over the next `n` bytes, advancing this one past them (a tagged field's body). */
  sub(n: number, what: string): Reader {
    this.length(n, what);
    const r = new Reader(this.buf, this.pos, this.pos + n);
    this.pos += n;
    return r;
  }
}
