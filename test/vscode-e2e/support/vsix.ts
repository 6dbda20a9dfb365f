/**
 * Packages the VSIX the way `npm run package:vsix` does, but in a staging folder: building into the
 * checkout's dist/ would rewrite bundles other tests are running at the same time. The staging
 * folder holds copies of what the package ships and links to what only the build reads.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';

const COPIED = ['package.json', 'README.md', 'esbuild.mjs', '.vscodeignore', 'bin', 'media', 'walkthrough', 'sandbox', 'samples'];
const LINKED = ['src', 'webview', 'node_modules'];

export function buildVsix(root: string, out: string, staging: string): void {
  mkdirSync(staging, { recursive: true });
  for (const name of COPIED) {
    const from = path.join(root, name);
    if (existsSync(from)) cpSync(from, path.join(staging, name), { recursive: true, filter: (p) => !p.includes('node_modules') && !p.includes(`${path.sep}.medallion`) });
  }
  for (const name of LINKED) if (existsSync(path.join(root, name))) symlinkSync(path.join(root, name), path.join(staging, name));
  const built = spawnSync(process.execPath, ['esbuild.mjs', '--vsix'], { cwd: staging, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  const packaged = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--no-rewrite-relative-links', '--allow-missing-repository', '--skip-license', '--target', 'linux-x64', '--out', out], { cwd: staging, encoding: 'utf8', timeout: 180_000 });
  assert.equal(packaged.status, 0, packaged.stdout + packaged.stderr);
}
