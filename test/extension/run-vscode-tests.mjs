// `npm run test:vscode`: the extension's integration tests in a desktop VS Code that
// @vscode/test-electron downloads (so they need internet; `npm test` does not run them, and the
// code-server tests in test/vscode-e2e/ are what runs offline and in CI). The suite is bundled with
// esbuild so VS Code loads it as plain CommonJS.
import { runTests } from '@vscode/test-electron';
import * as esbuild from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const suite = path.join(root, '.vscode-test', 'suite.js');
await esbuild.build({
  entryPoints: [path.join(root, 'test', 'extension', 'suite.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile: suite,
  external: ['vscode'],
  logLevel: 'warning',
});
try {
  await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: suite,
    launchArgs: [path.join(root, 'samples'), '--disable-extensions', '--disable-workspace-trust'],
  });
} catch (error) {
  console.error(`extension tests failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
