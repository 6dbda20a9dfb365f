// Measures the native CRC32C (@node-rs/crc32) against the JavaScript slice-by-8 fallback on a 1 MB
// input (a large produced batch) and a 200-byte input (a one-record batch), which is how the choice
// in codec/crc32c.ts was made. Run: node --import tsx sandbox/broker/log/measure/crc32c-speed.ts
import { crc32c, crc32cImplementation, crc32cJs } from '../../codec/crc32c';

function measure(label: string, fn: (b: Uint8Array) => number, input: Uint8Array, minMs = 400): void {
  let sink = 0;
  for (let i = 0; i < 50; i++) sink ^= fn(input);
  let iterations = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (let i = 0; i < 100; i++) sink ^= fn(input);
    iterations += 100;
    elapsed = performance.now() - started;
  }
  const perCallNs = (elapsed * 1e6) / iterations;
  const mbPerS = (input.length * iterations) / (elapsed / 1000) / 1e6;
  console.log(`${label.padEnd(28)} ${perCallNs.toFixed(0).padStart(9)} ns/call ${mbPerS.toFixed(0).padStart(7)} MB/s  (${sink & 1})`);
}

const big = Buffer.alloc(1024 * 1024);
const small = Buffer.alloc(200);
for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 24;
small.set(big.subarray(0, 200));
console.log(`crc32c uses: ${crc32cImplementation}`);
measure('native, 1 MB', crc32c, big);
measure('javascript, 1 MB', crc32cJs, big);
measure('native, 200 B', crc32c, small);
measure('javascript, 200 B', crc32cJs, small);
