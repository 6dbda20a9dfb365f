// Runs every `*.test.ts` under the given folders (default: all of them) with Node's built-in test
// runner, loading TypeScript through tsx. Node 20's runner does not expand globs itself, so the
// files are found here. Extra flags after `--` go to `node --test`.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const split = args.indexOf('--');
const roots = (split === -1 ? args : args.slice(0, split)).filter(Boolean);
const extra = split === -1 ? [] : args.slice(split + 1);
const skipDirs = new Set(['node_modules', 'dist', '.git', '.medallion', 'webview-dist']);

function collect(dir, out) {
  const st = statSync(dir);
  if (st.isFile()) {
    if (dir.endsWith('.test.ts')) out.push(dir);
    return out;
  }
  for (const name of readdirSync(dir).sort()) {
    if (skipDirs.has(name)) continue;
    collect(path.join(dir, name), out);
  }
  return out;
}

const files = (roots.length ? roots : ['sandbox', 'src', 'test', 'scripts']).flatMap((r) => collect(r, []));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const concurrency = process.env.MEDALLION_TEST_CONCURRENCY ?? '2';
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...extra, ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
