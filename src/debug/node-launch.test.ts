import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { bundlePipeline } from '../../sandbox/runner/bundle-pipeline';
import { nodeLaunchOf, type NodeLaunchInputs } from './node-launch';

const ROOT = path.join(__dirname, '..', '..');
const inputs: NodeLaunchInputs = {
  name: undefined,
  cliPath: '/ext/dist/cli.js',
  pipeline: '/work/shop/shop.pipeline.ts',
  connectionArgs: ['--bootstrap', '127.0.0.1:9092'],
  connectionEnv: {},
  workers: 2,
  folder: '/work/shop',
  trace: undefined,
};

test('runs the CLI on the pipeline from the start of bronze, and never kills a paused worker', () => {
  const launch = nodeLaunchOf(inputs);
  assert.equal(launch.type, 'node');
  assert.equal(launch.program, '/ext/dist/cli.js');
  assert.deepEqual(launch.args, ['run', '/work/shop/shop.pipeline.ts', '--bootstrap', '127.0.0.1:9092', '--workers', '2', '--from-beginning', '--hang-timeout-ms', '0']);
  assert.equal(launch.name, 'Debug shop.pipeline.ts');
  assert.equal(launch.cwd, '/work/shop');
  assert.equal(launch.autoAttachChildProcesses, true);
  assert.equal(launch.sourceMaps, true);
  assert.equal('trace' in launch, false, 'js-debug traces only when asked to');
});

test('a secured cluster: its flags go in the arguments, its password only in the environment', () => {
  const launch = nodeLaunchOf({ ...inputs, connectionArgs: ['--bootstrap', 'b:9093', '--tls', '--sasl-mechanism', 'plain', '--sasl-username', 'ana'], connectionEnv: { MEDALLION_SASL_PASSWORD: 's3cret' }, trace: true });
  assert.ok((launch.args as string[]).includes('--tls'));
  assert.ok(!(launch.args as string[]).join(' ').includes('s3cret'));
  assert.deepEqual(launch.env, { MEDALLION_SASL_PASSWORD: 's3cret' });
  assert.equal(launch.trace, true);
});

test('source maps are read from the pipeline bundle but not looked for beside the CLI bundles, which ship without them', () => {
  const launch = nodeLaunchOf(inputs);
  assert.deepEqual(launch.resolveSourceMapLocations, ['**', '!**/node_modules/**', '!/ext/dist/**']);
  assert.deepEqual(launch.skipFiles, ['<node_internals>/**', '/ext/dist/**']);
});

test("the runner's bundle of the samples maps back to every .ts file a breakpoint can be set in, outside any node_modules", async () => {
  const out = mkdtempSync(path.join(tmpdir(), 'medallion-debug-map-'));
  try {
    const pipeline = path.join(ROOT, 'samples', 'shop.pipeline.ts');
    const bundle = await bundlePipeline(pipeline, out);
    // js-debug skips source maps under node_modules (resolveSourceMapLocations).
    assert.ok(!bundle.split(path.sep).includes('node_modules'), bundle);
    const text = readFileSync(bundle, 'utf8');
    const url = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/.exec(text);
    assert.ok(url, 'the bundle carries its source map inline');
    const map = JSON.parse(Buffer.from(url[1]!, 'base64').toString('utf8')) as { sources: string[]; sourceRoot?: string };
    // js-debug resolves each source against the bundle's folder and binds a breakpoint set in that file.
    const sources = map.sources.map((s) => path.resolve(path.dirname(bundle), map.sourceRoot ?? '', s));
    for (const file of ['shop.pipeline.ts', path.join('lib', 'normalize.ts')]) {
      assert.ok(sources.includes(path.join(ROOT, 'samples', file)), `${file} is not among the sources: ${sources.join(', ')}`);
    }
    for (const source of sources) assert.ok(existsSync(source), `${source} does not exist`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
