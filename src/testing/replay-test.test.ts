import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { outlinePipeline } from '../pipelines/pipeline-file';
import { PIPELINE_TEMPLATES, validPipelineName } from '../templates/pipeline-template';
import { parseTap } from './tap-results';
import { replaySessionTestSource, UPDATE_SNAPSHOTS_ENV } from './replay-test';

const ROOT = path.join(__dirname, '..', '..');
const SAMPLES = path.join(ROOT, 'samples');

/** Runs a generated test file as the extension's Test Explorer would, and returns its TAP results. */
function runGenerated(file: string, extraEnv: Record<string, string> = {}) {
  const { NODE_TEST_CONTEXT: _ignored, ...env } = process.env;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', file], { encoding: 'utf8', cwd: ROOT, env: { ...env, ...extraEnv }, timeout: 120_000 });
  return { status: run.status, results: parseTap(run.stdout), output: run.stdout + run.stderr };
}

function scratchDir(prefix: string): string {
  // Inside the package, so `medallion-studio/pipeline` resolves as it does in a user's workspace.
  mkdirSync(path.join(ROOT, '.scratch'), { recursive: true });
  return mkdtempSync(path.join(ROOT, '.scratch', prefix));
}

test('a test made from a replayed session of the samples fails without a snapshot, passes with it, fails when an output changes', () => {
  const dir = scratchDir('replay-test-');
  try {
    const pipelineFile = path.join(SAMPLES, 'shop.pipeline.ts');
    const layers = outlinePipeline(readFileSync(pipelineFile, 'utf8')).layers;
    const replayedFiles = readdirSync(path.join(SAMPLES, 'data')).filter((n) => n.endsWith('.ndjson')).map((n) => path.join(SAMPLES, 'data', n));
    const file = path.join(dir, 'shop.replay.test.ts');
    const session = { pipelineFile, replayedFiles, layers, topicRecords: { orders: 561, orders_clean: 178 }, at: new Date('2026-11-24T12:00:00Z') };
    writeFileSync(file, replaySessionTestSource(session, file));
    const name = 'replayed session of 2026-11-24T12:00:00.000Z gives the outputs of its snapshot';

    const withoutSnapshot = runGenerated(file);
    assert.equal(withoutSnapshot.status, 1, withoutSnapshot.output);
    assert.match(withoutSnapshot.results[0]?.message ?? '', /no snapshot yet/);

    const recording = runGenerated(file, { [UPDATE_SNAPSHOTS_ENV]: '1' });
    assert.equal(recording.status, 0, recording.output);
    const snapshotFile = path.join(dir, 'shop.replay.snapshot.json');
    const snapshot = JSON.parse(readFileSync(snapshotFile, 'utf8')) as Record<string, { records: number; sha256: string }>;
    // The driver's outputs on the samples are the golden files the samples ship.
    const golden = readFileSync(path.join(SAMPLES, 'expected', 'orders_clean.ndjson'), 'utf8').split('\n').filter(Boolean).length;
    assert.equal(snapshot.orders_clean?.records, golden);
    assert.equal(snapshot.hot_products?.sha256.length, 64);

    const passing = runGenerated(file);
    assert.equal(passing.status, 0, passing.output);
    assert.deepEqual(passing.results.map((r) => [r.ok, r.path[0]]), [[true, name]]);

    snapshot.hot_products!.records += 1;
    writeFileSync(snapshotFile, JSON.stringify(snapshot));
    const failing = runGenerated(file);
    assert.equal(failing.status, 1);
    assert.match(failing.results[0]?.message ?? '', /hot_products/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every pipeline template renders a pipeline that compiles in the test driver and has the layers it names', () => {
  assert.equal(validPipelineName('orders'), undefined);
  assert.ok(validPipelineName('1x'));
  assert.ok(validPipelineName('a b'));
  const dir = scratchDir('template-');
  try {
    for (const template of PIPELINE_TEMPLATES) {
      const text = template.render('my_pipeline', 'clicks');
      const outline = outlinePipeline(text);
      assert.equal(outline.name, 'my_pipeline');
      assert.equal(outline.layers[0]?.name, 'clicks');
      const pipelineFile = path.join(dir, `${template.id}.pipeline.ts`);
      writeFileSync(pipelineFile, text);
      const testFile = path.join(dir, `${template.id}.test.ts`);
      writeFileSync(testFile, `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestDriver } from 'medallion-studio/pipeline';
import p from './${template.id}.pipeline';
test('compiles', () => {
  const driver = createTestDriver(p);
  assert.deepEqual(driver.job.sources, ['clicks']);
  assert.deepEqual(driver.job.outputs.map((o) => o.name).filter((n) => !n.includes('.')), ${JSON.stringify(outline.layers.slice(1).map((l) => l.name))});
  driver.input('clicks').send(JSON.stringify({ id: 'a', ts: '2026-01-01T00:00:00Z' }), { timestamp: 1 });
  driver.finish();
});
`);
      const run = runGenerated(testFile);
      assert.equal(run.status, 0, `${template.id}: ${run.output}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
