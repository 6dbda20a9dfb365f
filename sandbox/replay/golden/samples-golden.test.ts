// The golden test of the sample pipeline: samples/shop.pipeline.ts runs on samples/data through the
// engine's test driver, and every layer and side output must equal samples/expected/<output>.ndjson
// line for line. Outputs with no records have no file. After an intended change, regenerate with
// `UPDATE_GOLDEN=1 node scripts/run-tests.mjs sandbox/replay/golden` and review the diff.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { GoldenRow } from './run-samples-pipeline';

const ROOT = path.join(__dirname, '..', '..', '..');
const EXPECTED = path.join(ROOT, 'samples', 'expected');

async function runPipeline(restoreAfter?: number): Promise<Record<string, GoldenRow[]>> {
  const args = [path.join(__dirname, 'run-samples-pipeline.ts'), ...(restoreAfter === undefined ? [] : [String(restoreAfter)])];
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', ...args], {
    cwd: ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: path.join(ROOT, 'samples', 'tsconfig.json') },
    maxBuffer: 256 << 20,
  });
  return JSON.parse(stdout) as Record<string, GoldenRow[]>;
}

let whole: Promise<Record<string, GoldenRow[]>> | undefined;
/** One uninterrupted run shared by the tests below, since each run costs a process. */
const runWhole = (): Promise<Record<string, GoldenRow[]>> => (whole ??= runPipeline());

const toNdjson = (rows: GoldenRow[]): string => rows.map((row) => `${JSON.stringify(row)}\n`).join('');

test('the sample pipeline gives the committed outputs on the sample streams', async () => {
  const outputs = await runWhole();
  const nonEmpty = Object.entries(outputs).filter(([, rows]) => rows.length > 0);
  if (process.env.UPDATE_GOLDEN === '1') {
    await rm(EXPECTED, { recursive: true, force: true });
    await mkdir(EXPECTED, { recursive: true });
    for (const [name, rows] of nonEmpty) await writeFile(path.join(EXPECTED, `${name}.ndjson`), toNdjson(rows));
  }
  const files = (await readdir(EXPECTED)).filter((f) => f.endsWith('.ndjson')).sort();
  assert.deepEqual(files, nonEmpty.map(([name]) => `${name}.ndjson`).sort(), 'one file per output that has records, and no other');
  for (const [name, rows] of nonEmpty) {
    const expected = (await readFile(path.join(EXPECTED, `${name}.ndjson`), 'utf8')).split('\n').filter(Boolean);
    const actual = toNdjson(rows).split('\n').filter(Boolean);
    assert.deepEqual(actual, expected, `${name} differs from samples/expected/${name}.ndjson`);
  }
});

test('a checkpoint taken mid-way and restored into a fresh job changes no output', async () => {
  const outputs = await runWhole();
  const restored = await runPipeline(1500);
  for (const [name, rows] of Object.entries(outputs)) assert.deepEqual(restored[name], rows, `${name} after a restore at record 1500`);
});

test('the sample pipeline meets the samples\' declared mess with the right side outputs', async () => {
  const outputs = await runWhole();
  const manifest = JSON.parse(await readFile(path.join(ROOT, 'samples', 'data', 'MANIFEST.json'), 'utf8')) as { streams: { stream: string; lines: number; injected: { duplicates: number; poison: Record<string, number> } }[] };
  const stream = (name: string) => manifest.streams.find((s) => s.stream === name)!;
  const poison = (name: string) => Object.values(stream(name).injected.poison).reduce((a, b) => a + b, 0);
  // Every poison line of a source is on its dead-letter output, and nothing else is.
  for (const name of ['orders', 'payments', 'customers', 'page_views']) assert.equal(outputs[`${name}.dead_letter`]!.length, poison(name), `${name}.dead_letter`);
  // Orders that decode are either clean or quarantined once duplicates are gone.
  const orders = stream('orders');
  const decoded = orders.lines - poison('orders');
  const clean = outputs.orders_clean!.length + outputs['orders_clean.quarantine']!.length;
  assert.ok(clean <= decoded - 1 && clean >= decoded - orders.injected.duplicates, `${clean} orders kept of ${decoded} decoded with ${orders.injected.duplicates} duplicates`);
  assert.equal(new Set(outputs.orders_clean!.map((r) => (r.value as { orderId: string }).orderId)).size, outputs.orders_clean!.length, 'no order twice in silver');
  // Both schema versions reach silver in one shape, in cents.
  const versions = new Set(outputs.orders_clean!.map((r) => (r.value as { schemaVersion: number }).schemaVersion));
  assert.deepEqual([...versions].sort(), [1, 2]);
  for (const row of outputs.orders_clean!) {
    const order = row.value as { customerId: string; amountCents: number };
    assert.match(order.customerId, /^C-\d{5}$/);
    assert.ok(Number.isInteger(order.amountCents));
  }
});
