// Kafka's default partitioner: murmur2 over the key bytes, made positive, modulo the partition
// count. The generator uses it to know which partition each event lands on (to keep one partition
// idle), and the replayer uses it to place records, so both agree with Java and kafkajs clients.

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** The 32-bit murmur2 hash Kafka computes over a key. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = (data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24));
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  const tail = length & ~3;
  switch (length % 4) {
    case 3:
      h ^= data[tail + 2]! << 16;
      h ^= data[tail + 1]! << 8;
      h ^= data[tail]!;
      h = Math.imul(h, M);
      break;
    case 2:
      h ^= data[tail + 1]! << 8;
      h ^= data[tail]!;
      h = Math.imul(h, M);
      break;
    case 1:
      h ^= data[tail]!;
      h = Math.imul(h, M);
      break;
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition Kafka's default partitioner picks for a non-null key. */
export function partitionForKey(key: string | Uint8Array, partitions: number): number {
  return (murmur2(typeof key === 'string' ? keyBytes(key) : key) & 0x7fffffff) % partitions;
}

const ascii = new Uint8Array(256);

/**
 * The UTF-8 bytes of a key. Generated keys are short ASCII ids hashed a million times a run, so
 * they are copied into one reused buffer instead of allocating a Buffer per key.
 */
function keyBytes(key: string): Uint8Array {
  if (key.length > ascii.length) return Buffer.from(key, 'utf8');
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    if (code > 0x7f) return Buffer.from(key, 'utf8');
    ascii[i] = code;
  }
  return ascii.subarray(0, key.length);
}
