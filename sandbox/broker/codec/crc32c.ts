// CRC32C (Castagnoli), the checksum of Kafka record batch v2. Kafka checks it over bytes 21..end of
// every batch, so it runs once per produced batch and once per recovered batch: it must be fast.
//
// The native `@node-rs/crc32` module uses the SSE4.2 crc32 instruction and measured far faster than
// the JavaScript slice-by-8 below on both large (1 MB) and small (200 B) inputs (figures in
// sandbox/broker/log/measure/crc32c-speed.ts). The JavaScript version stays only as a fallback for
// platforms where the native module cannot load. The module is loaded through createRequire so that
// a bundler leaves it to be resolved from node_modules at run time, as native modules must be.
import { createRequire } from 'node:module';

const POLY_REFLECTED = 0x82f63b78;

/** Eight 256-entry tables for slice-by-8, built once on first use of the fallback. */
let tables: Uint32Array | undefined;

function buildTables(): Uint32Array {
  const t = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY_REFLECTED : c >>> 1;
    t[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n]!;
    for (let k = 1; k < 8; k++) {
      c = (c >>> 8) ^ t[c & 0xff]!;
      t[k * 256 + n] = c >>> 0;
    }
  }
  return t;
}

/**
 * CRC32C in plain JavaScript (slice-by-8). `initial` is a previous result, so that
 * `crc32cJs(b, crc32cJs(a))` equals `crc32cJs(a ++ b)`.
 */
export function crc32cJs(buf: Uint8Array, initial = 0): number {
  const t = (tables ??= buildTables());
  let crc = ~initial >>> 0;
  let i = 0;
  const len = buf.length;
  const end8 = len - (len % 8);
  while (i < end8) {
    const a = (crc ^ (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24))) >>> 0;
    crc =
      t[7 * 256 + (a & 0xff)]! ^
      t[6 * 256 + ((a >>> 8) & 0xff)]! ^
      t[5 * 256 + ((a >>> 16) & 0xff)]! ^
      t[4 * 256 + (a >>> 24)]! ^
      t[3 * 256 + buf[i + 4]!]! ^
      t[2 * 256 + buf[i + 5]!]! ^
      t[256 + buf[i + 6]!]! ^
      t[buf[i + 7]!]!;
    i += 8;
  }
  while (i < len) crc = (crc >>> 8) ^ t[(crc ^ buf[i++]!) & 0xff]!;
  return ~crc >>> 0;
}

type Crc32cFn = (buf: Uint8Array, initial?: number) => number;

function loadNative(): Crc32cFn | undefined {
  try {
    const load = createRequire(__filename);
    const mod = load('@node-rs/crc32') as { crc32c: (input: Uint8Array, initialState?: number | null) => number };
    const native = mod.crc32c;
    // A module that loads but computes something else would silently corrupt every stored batch,
    // so it must agree with the reference implementation before it is trusted.
    const probe = Buffer.from('123456789');
    if (native(probe) !== 0xe3069283 || native(probe, 1) !== crc32cJs(probe, 1)) return undefined;
    return (buf, initial) => native(buf, initial ?? 0) >>> 0;
  } catch {
    return undefined;
  }
}

const nativeCrc32c = loadNative();

/** Which implementation `crc32c` uses, for diagnostics and benchmarks. */
export const crc32cImplementation: 'native' | 'javascript' = nativeCrc32c ? 'native' : 'javascript';

/**
 * CRC32C (Castagnoli) of `buf`, as an unsigned 32-bit number. `initial` continues a previous
 * result: `crc32c(b, crc32c(a))` equals `crc32c(a ++ b)`.
 */
export const crc32c: Crc32cFn = nativeCrc32c ?? crc32cJs;
