// Builds the bundles and packages the VSIX the way `npm run package:vsix` does, into a folder the test owns.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export function buildVsix(root: string, out: string): void {
  const built = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  const packaged = spawnSync(process.execPath, [vsce, 'package', '--no-rewrite-relative-links', '--allow-missing-repository', '--skip-license', '--target', 'linux-x64', '--out', out], { cwd: root, encoding: 'utf8', timeout: 180_000 });
  assert.equal(packaged.status, 0, packaged.stdout + packaged.stderr);
}
