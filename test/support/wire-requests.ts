/**
 * A few Kafka requests encoded by hand from the protocol's published layouts, independently of the
 * broker's own codec, so a mistake shared by the codec's encoder and decoder cannot hide here.
 * Only non-flexible versions are used: ApiVersions v0, Metadata v1, Produce v3 and Fetch v4.
 */

/** A big-endian byte builder for request bodies. */
class Out {
  private readonly parts: Buffer[] = [];

  int8(v: number): this {
    const b = Buffer.alloc(1);
    b.writeInt8(v);
    return this.push(b);
  }

  int16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeInt16BE(v);
    return this.push(b);
  }

  int32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    return this.push(b);
  }

  int64(v: number | bigint): this {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(BigInt(v));
    return this.push(b);
  }

  string(s: string | null): this {
    if (s === null) return this.int16(-1);
    const bytes = Buffer.from(s, 'utf8');
    return this.int16(bytes.length).push(bytes);
  }

  bytes(b: Buffer | null): this {
    if (b === null) return this.int32(-1);
    return this.int32(b.length).push(b);
  }

  push(b: Buffer): this {
    this.parts.push(b);
    return this;
  }

  build(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** Request header v1: api key, version, correlation id, client id. */
export function requestHeader(apiKey: number, apiVersion: number, correlationId: number, clientId = 'raw-test'): Buffer {
  return new Out().int16(apiKey).int16(apiVersion).int32(correlationId).string(clientId).build();
}

export function apiVersionsV0(correlationId: number): Buffer {
  return requestHeader(18, 0, correlationId);
}

export function metadataV1(correlationId: number, topics: string[] | null): Buffer {
  const out = new Out().push(requestHeader(3, 1, correlationId));
  if (topics === null) return out.int32(-1).build();
  out.int32(topics.length);
  for (const t of topics) out.string(t);
  return out.build();
}

export function produceV3(correlationId: number, topic: string, partition: number, records: Buffer, acks = -1): Buffer {
  return new Out()
    .push(requestHeader(0, 3, correlationId))
    .string(null)
    .int16(acks)
    .int32(10_000)
    .int32(1)
    .string(topic)
    .int32(1)
    .int32(partition)
    .bytes(records)
    .build();
}

export function fetchV4(correlationId: number, topic: string, partition: number, offset: number, maxBytes = 1024 * 1024): Buffer {
  return new Out()
    .push(requestHeader(1, 4, correlationId))
    .int32(-1)
    .int32(100)
    .int32(1)
    .int32(maxBytes)
    .int8(0)
    .int32(1)
    .string(topic)
    .int32(1)
    .int32(partition)
    .int64(offset)
    .int32(maxBytes)
    .build();
}

/**
 * OffsetCommit v2 for one partition, as a simple (group-less) consumer commits: generation -1 and
 * no member id. The offset is a bigint so tests can send values JavaScript numbers cannot hold.
 */
export function offsetCommitV2(correlationId: number, groupId: string, topic: string, partition: number, offset: bigint): Buffer {
  return new Out()
    .push(requestHeader(8, 2, correlationId))
    .string(groupId)
    .int32(-1)
    .string('')
    .int64(-1)
    .int32(1)
    .string(topic)
    .int32(1)
    .int32(partition)
    .int64(offset)
    .string(null)
    .build();
}

/** Reads a response body field by field. */
export class In {
  position = 0;
  constructor(private readonly buf: Buffer) {}

  int8(): number {
    const v = this.buf.readInt8(this.position);
    this.position += 1;
    return v;
  }

  int16(): number {
    const v = this.buf.readInt16BE(this.position);
    this.position += 2;
    return v;
  }

  int32(): number {
    const v = this.buf.readInt32BE(this.position);
    this.position += 4;
    return v;
  }

  int64(): number {
    const v = Number(this.buf.readBigInt64BE(this.position));
    this.position += 8;
    return v;
  }

  string(): string | null {
    const len = this.int16();
    if (len < 0) return null;
    const s = this.buf.toString('utf8', this.position, this.position + len);
    this.position += len;
    return s;
  }

  bytes(): Buffer | null {
    const len = this.int32();
    if (len < 0) return null;
    const b = this.buf.subarray(this.position, this.position + len);
    this.position += len;
    return b;
  }
}

/** ApiVersions v0 response: correlation id, error code and the advertised ranges. */
export function parseApiVersionsV0(frame: Buffer): { correlationId: number; errorCode: number; apis: Map<number, [number, number]> } {
  const r = new In(frame);
  const correlationId = r.int32();
  const errorCode = r.int16();
  const apis = new Map<number, [number, number]>();
  const n = r.int32();
  for (let i = 0; i < n; i++) {
    const key = r.int16();
    apis.set(key, [r.int16(), r.int16()]);
  }
  return { correlationId, errorCode, apis };
}

export interface ProducePartitionResult {
  topic: string;
  partition: number;
  errorCode: number;
  baseOffset: number;
}

/** Produce v3 response: one entry per partition. */
export function parseProduceV3(frame: Buffer): { correlationId: number; partitions: ProducePartitionResult[] } {
  const r = new In(frame);
  const correlationId = r.int32();
  const partitions: ProducePartitionResult[] = [];
  const topics = r.int32();
  for (let t = 0; t < topics; t++) {
    const topic = r.string() ?? '';
    const n = r.int32();
    for (let p = 0; p < n; p++) {
      const partition = r.int32();
      const errorCode = r.int16();
      const baseOffset = r.int64();
      r.int64();
      partitions.push({ topic, partition, errorCode, baseOffset });
    }
  }
  return { correlationId, partitions };
}

export interface FetchPartitionResult {
  topic: string;
  partition: number;
  errorCode: number;
  highWatermark: number;
  records: Buffer | null;
}

/** Fetch v4 response: one entry per partition with its raw record bytes. */
export function parseFetchV4(frame: Buffer): { correlationId: number; partitions: FetchPartitionResult[] } {
  const r = new In(frame);
  const correlationId = r.int32();
  r.int32();
  const partitions: FetchPartitionResult[] = [];
  const topics = r.int32();
  for (let t = 0; t < topics; t++) {
    const topic = r.string() ?? '';
    const n = r.int32();
    for (let p = 0; p < n; p++) {
      const partition = r.int32();
      const errorCode = r.int16();
      const highWatermark = r.int64();
      r.int64();
      const aborted = r.int32();
      for (let a = 0; a < aborted; a++) {
        r.int64();
        r.int64();
      }
      partitions.push({ topic, partition, errorCode, highWatermark, records: r.bytes() });
    }
  }
  return { correlationId, partitions };
}
