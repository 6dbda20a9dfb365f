// Bundles the three programs this package ships: the extension host entry, the `medallion` CLI
// and (later) the inspector webview. Each bundle is self-contained so the VSIX needs no node_modules
// except native modules, which stay external.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** Native or optional modules that must be loaded from node_modules at run time, never bundled. */
const nodeExternals = ['vscode', '@duckdb/node-api', '@duckdb/node-bindings', 'esbuild'];

const common = {
  bundle: true,
  sourcemap: true,
  minify: production,
  logLevel: 'info',
};

const builds = [
  {
    ...common,
    entryPoints: { extension: 'src/extension.ts' },
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outdir: 'dist',
    external: nodeExternals,
  },
  {
    ...common,
    entryPoints: { cli: 'sandbox/cli/main.ts' },
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outdir: 'dist',
    external: nodeExternals,
  },
  {
    // The pipeline runner's worker process (sandbox/runner/supervisor.ts starts it next to cli.js).
    ...common,
    entryPoints: { 'runner-worker': 'sandbox/runner/worker-main.ts' },
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outdir: 'dist',
    external: nodeExternals,
  },
].filter((b) => Object.values(b.entryPoints).every((p) => existsSync(p)));

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
