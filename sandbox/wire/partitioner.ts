// Kafka's default partitioner, as the Java client and kafkajs apply it to keyed records: murmur2
// (seed 0x9747b28c) over the key's UTF-8 bytes, made positive, modulo the partition count. Keys
// given as strings are hashed from a reused scratch buffer, so partitioning allocates nothing.

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

/** The partition of a keyed record among `partitions`. */
export function partitionFor(key: string | Uint8Array, partitions: number): number {
  let hash: number;
  if (typeof key !== 'string') hash = murmur2(key);
  else {
    const max = key.length * 3;
    // Keys longer than the scratch's bound get their own buffer, so the scratch stays small.
    if (max > MAX_SCRATCH) hash = murmur2(Buffer.from(key, 'utf8'));
    else {
      if (max > scratch.length) scratch = Buffer.allocUnsafe(Math.max(max, scratch.length * 2));
      hash = murmur2(scratch, scratch.write(key, 0, 'utf8'));
    }
  }
  return (hash & 0x7fffffff) % partitions;
}
