// Black-box test of `medallion replay` as a user runs it: a paced replay stopped with Ctrl-C
// (SIGINT), then `--resume`, must leave every sample line in the broker exactly once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startBroker, type RunningBroker } from '../../broker/index';
import type { SamplesManifest } from '../generate/generate';
import { readBack } from './read-back.test-support';

const ROOT = path.join(__dirname, '..', '..', '..');
const SAMPLES = path.join(ROOT, 'samples', 'data');
const CLI = path.join(ROOT, 'sandbox', 'cli', 'main.ts');

let broker: RunningBroker;
let dir: string;

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'medallion-replay-cli-'));
  broker = await startBroker({ port: 0, dataDir: path.join(dir, 'kafka'), groupInitialRebalanceDelayMs: 0, logger: { info: () => {}, warn: () => {}, error: () => {} } });
});

after(async () => {
  await broker.close();
  await rm(dir, { recursive: true, force: true });
});

/** Runs the CLI in the scratch folder (so its state lands in <dir>/.medallion); resolves with its exit code and output. */
function medallion(args: string[], interruptAfterMs?: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // tsx is resolved from here, since the scratch folder the CLI runs in has no node_modules.
    const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), CLI, ...args], { cwd: dir });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      // The first progress line says records are flowing; Ctrl-C comes a moment later.
      if (interruptAfterMs !== undefined && stdout.includes('replay:')) {
        setTimeout(() => child.kill('SIGINT'), interruptAfterMs);
        interruptAfterMs = undefined;
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('Ctrl-C during a paced replay, then --resume: every line once, bad lines reported by file and line', async () => {
  const manifest = JSON.parse(await readFile(path.join(SAMPLES, 'MANIFEST.json'), 'utf8')) as SamplesManifest;
  const total = manifest.streams.reduce((sum, s) => sum + s.lines, 0);
  const common = ['replay', SAMPLES, '--bootstrap', broker.bootstrap, '--topic-prefix', 'cli.'];
  // At 600 times real time the samples take minutes, so the interrupt lands mid-way.
  const first = await medallion([...common, '--speed', '600'], 700);
  assert.equal(first.code, 130, first.stderr);
  assert.match(first.stdout, /interrupted: run the same command with --resume to continue/);
  const done = Number(/^(\d+) records/m.exec(first.stdout)?.[1]);
  assert.ok(done > 0 && done < total, `the interrupted run produced ${done} of ${total}`);
  const second = await medallion([...common, '--resume']);
  assert.equal(second.code, 0, second.stderr);
  assert.equal(Number(/^(\d+) records/m.exec(second.stdout)?.[1]), total - done);
  assert.match(first.stderr + second.stderr, /orders\.ndjson:\d+: invalid JSON/);
  const records = await readBack(broker.bootstrap, manifest.streams.map((s) => `cli.${s.topic}`), total, 'cli');
  const identities = records.map((r) => `${r.topic}:${String(r.message.headers!['source-line'])}`);
  assert.equal(records.length, total);
  assert.equal(new Set(identities).size, total, 'no line twice, none missing');
});
