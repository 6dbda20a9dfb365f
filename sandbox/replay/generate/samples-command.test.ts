// The `medallion samples generate` command as a user runs it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const CLI = path.join(__dirname, '..', '..', 'cli', 'main.ts');

function medallion(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--require', require.resolve('tsx/cjs'), CLI, ...args], (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

test('samples generate writes one file per stream and the manifest, and prints the counts and the speed', async () => {
  const out = await mkdtemp(path.join(tmpdir(), 'medallion-samples-cli-'));
  const result = await medallion(['samples', 'generate', '--events', '500', '--seed', '3', '--out', out]);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual((await readdir(out)).sort(), ['MANIFEST.json', 'customers.ndjson', 'orders.ndjson', 'page_views.ndjson', 'payments.ndjson', 'refunds.ndjson', 'shipments.ndjson']);
  assert.match(result.stdout, /^orders\.ndjson +\d+ lines {2}dup \d+ {2}late \d+ {2}out-of-order \d+ {2}poison \d+$/m);
  assert.match(result.stdout, /^500 events, [\d.]+ MB in [\d.]+ s: \d+ events\/s, [\d.]+ MB\/s/m);
});

test('samples generate names the bad fields of a profile and writes nothing', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'medallion-samples-cli-'));
  const profile = path.join(dir, 'profile.json');
  await writeFile(profile, JSON.stringify({ partitions: 4, poison: { rate: 2 } }));
  const result = await medallion(['samples', 'generate', '--events', '10', '--out', path.join(dir, 'out'), '--profile', profile]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /invalid mess profile .*profile\.json/);
  assert.match(result.stderr, /\$\.poison\.rate must be at most 1, not 2/);
  assert.match(result.stderr, /\$\.outOfOrder is required/);
  await assert.rejects(readdir(path.join(dir, 'out')));
});

test('samples generate refuses an event count that is not a positive integer', async () => {
  const result = await medallion(['samples', 'generate', '--events', 'many', '--out', tmpdir()]);
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /expected a positive integer, got many/);
});
