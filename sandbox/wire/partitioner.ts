// Kafka's default partitioner, as the Java client and kafkajs apply it to keyed records: murmur2
// (seed 0x9747b28c) over the key's UTF-8 bytes, made positive, modulo the partition count. Keys
// given as strings are hashed from their characters when they are ASCII, else from a reused scratch
// buffer, so partitioning allocates nothing.

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

const MAX_SCRATCH = 64 * 1024;
let scratch = Buffer.allocUnsafe(256);

/** Kafka's 32-bit murmur2 of `length` bytes of `data`. */
export function murmur2(data: Uint8Array, length = data.length): number {
  let h = SEED ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const rest = length & 3;
  if (rest === 3) h ^= data[whole + 2]! << 16;
  if (rest >= 2) h ^= data[whole + 1]! << 8;
  if (rest >= 1) {
    h ^= data[whole]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/**
 * murmur2 of an ASCII string's bytes, read straight from its characters (for ASCII, byte i is
 * character i): most keys are ids, and this spares writing them into a buffer first. Returns null
 * at the first character outside ASCII, for the caller to hash the UTF-8 bytes instead.
 */
function murmur2Ascii(key: string): number | null {
  const length = key.length;
  let h = SEED ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    const c0 = key.charCodeAt(i);
    const c1 = key.charCodeAt(i + 1);
    const c2 = key.charCodeAt(i + 2);
    const c3 = key.charCodeAt(i + 3);
    if ((c0 | c1 | c2 | c3) >= 0x80) return null;
    let k = c0 | (c1 << 8) | (c2 << 16) | (c3 << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const rest = length & 3;
  for (let i = whole; i < length; i++) if (key.charCodeAt(i) >= 0x80) return null;
  if (rest === 3) h ^= key.charCodeAt(whole + 2) << 16;
  if (rest >= 2) h ^= key.charCodeAt(whole + 1) << 8;
  if (rest >= 1) {
    h ^= key.charCodeAt(whole);
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition of a keyed record among `partitions`. */
export function partitionFor(key: string | Uint8Array, partitions: number): number {
  let hash: number;
  if (typeof key !== 'string') hash = murmur2(key);
  else if (key.length <= 1_024) {
    const ascii = murmur2Ascii(key);
    hash = ascii ?? murmur2Utf8(key);
  } else hash = murmur2Utf8(key);
  return (hash & 0x7fffffff) % partitions;
}

/** murmur2 of a string's UTF-8 bytes. */
function murmur2Utf8(key: string): number {
  const max = key.length * 3;
  // Keys longer than the scratch's bound get their own buffer, so the scratch stays small.
  if (max > MAX_SCRATCH) return murmur2(Buffer.from(key, 'utf8'));
  if (max > scratch.length) scratch = Buffer.allocUnsafe(Math.max(max, scratch.length * 2));
  return murmur2(scratch, scratch.write(key, 0, 'utf8'));
}
