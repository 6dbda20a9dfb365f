// Bundles the three programs this package ships: the extension host entry, the `medallion` CLI
// and the inspector webview (its script and styles, Monaco's editor worker, and the codicon font). Each bundle is self-contained so the VSIX needs no node_modules
// except native modules, which stay external.
import * as esbuild from 'esbuild';
import { copyFileSync, cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
/** `--only=webview` builds just the inspector's bundle (its tests do, leaving the others' files alone). */
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);

/** Native or optional modules that must be loaded from node_modules at run time, never bundled. */
const nodeExternals = ['vscode', '@duckdb/node-api', '@duckdb/node-bindings', 'esbuild'];

const common = {
  bundle: true,
  sourcemap: true,
  minify: production,
  logLevel: 'info',
};

/**
 * kafkajs and ws are bundled on their own (dist/vendor/) and required by the extension only when
 * first used: parsing them on activation would cost tens of milliseconds of the extension's budget.
 */
const lazyVendor = {
  name: 'lazy-vendor',
  setup(build) {
    build.onResolve({ filter: /^(kafkajs|ws)$/ }, (args) => ({ path: `./vendor/${args.path}.js`, external: true }));
  },
};

const builds = [
  {
    ...common,
    entryPoints: { 'vendor/kafkajs': 'node_modules/kafkajs/index.js', 'vendor/ws': 'node_modules/ws/index.js' },
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outdir: 'dist',
    external: ['bufferutil', 'utf-8-validate'],
  },
  {
    ...common,
    entryPoints: { extension: 'src/extension.ts' },
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outdir: 'dist',
    // ws loads these native speed-ups when present and works without them.
    external: nodeExternals,
    plugins: [lazyVendor],
    // import() of a vendor bundle becomes a lazy require(), which every extension host supports.
    supported: { 'dynamic-import': false },
    // The extension's own activation time is loading this bundle plus running activate(); these mark
    // the first and the last line of the bundle.
    banner: { js: 'var __medallionLoadStart = performance.now(), __medallionLoadEnd;' },
    footer: { js: '__medallionLoadEnd = performance.now();' },
  },
  {
    ...common,
    // The CLI, and the pipeline runner's worker process that sandbox/runner/supervisor.ts starts
    // from beside it, so a packaged CLI needs no tsx.
    entryPoints: { cli: 'sandbox/cli/main.ts', 'runner-worker': 'sandbox/runner/worker-main.ts' },
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outdir: 'dist',
    external: nodeExternals,
  },
  {
    // The inspector page: one script and one stylesheet (Monaco's and uPlot's CSS are imported by
    // the code), with fonts as files beside them, all served from the page's own origin.
    ...common,
    entryPoints: { inspector: 'webview/main.ts' },
    // Monaco's maps are ~15 MB; a packaged extension does without them.
    sourcemap: !production,
    platform: 'browser',
    format: 'iife',
    target: 'chrome114',
    outdir: 'dist/webview',
    loader: { '.ttf': 'file' },
    assetNames: '[name]-[hash]',
  },
  {
    // Monaco's editor worker, a classic script the page starts from a blob (see webview/editor/monaco-worker.ts).
    ...common,
    entryPoints: { 'editor.worker': 'node_modules/monaco-editor/esm/vs/editor/editor.worker.js' },
    sourcemap: !production,
    platform: 'browser',
    format: 'iife',
    target: 'chrome114',
    outdir: 'dist/webview',
  },
]
  .filter((b) => Object.values(b.entryPoints).every((p) => existsSync(p)))
  .filter((b) => only === undefined || b.outdir === `dist/${only}`);

/** The codicon font under a fixed name, for the page to preload and the extension to point at. */
function copyCodiconFont() {
  if (!existsSync('webview/main.ts')) return;
  mkdirSync('dist/webview', { recursive: true });
  copyFileSync('node_modules/@vscode/codicons/dist/codicon.ttf', 'dist/webview/codicon.ttf');
}

/**
 * `--vsix`: the VSIX is packaged without node_modules, so the modules the CLI bundle leaves external
 * (DuckDB's native binding, esbuild for loading pipeline files) are copied next to it, into
 * dist/node_modules, for this machine's platform; the VSIX is built per target.
 */
function stageRuntimeModules() {
  const target = `${process.platform}-${process.arch}`;
  const modules = ['@duckdb/node-api', '@duckdb/node-bindings', `@duckdb/node-bindings-${target}`, 'esbuild', `@esbuild/${target}`];
  rmSync('dist/node_modules', { recursive: true, force: true });
  for (const name of modules) {
    if (!existsSync(`node_modules/${name}`)) throw new Error(`node_modules/${name} is missing: the VSIX cannot be built for ${target}`);
    cpSync(`node_modules/${name}`, `dist/node_modules/${name}`, { recursive: true, dereference: true });
  }
}

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  copyCodiconFont();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  copyCodiconFont();
  if (process.argv.includes('--vsix')) stageRuntimeModules();
}
