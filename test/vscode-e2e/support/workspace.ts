// The samples as a user's own workspace: a copy outside the repository, where the extension may
// write (settings, generated tests, .medallion/) without touching the checkout.
import { cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Copies samples/ to `dir`. Its node_modules links what a user installs: `medallion-studio`
 * (this package, for `medallion-studio/pipeline`) and tsx (which runs their TypeScript tests).
 */
export function userWorkspace(root: string, dir: string): string {
  cpSync(path.join(root, 'samples'), dir, { recursive: true, filter: (source) => !source.includes(`${path.sep}.medallion`) && path.basename(source) !== 'node_modules' });
  // The checkout's tsconfig maps the package to ../sandbox; a user's needs no mapping.
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', strict: true, skipLibCheck: true, noEmit: true } }, null, 2));
  mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  symlinkSync(root, path.join(dir, 'node_modules', 'medallion-studio'));
  symlinkSync(path.join(root, 'node_modules', 'tsx'), path.join(dir, 'node_modules', 'tsx'));
  return dir;
}
