// Where the built inspector bundle is: dist/webview next to the bundled CLI (dist/cli.js), or in the
// checkout when the CLI runs from its TypeScript sources.
import { existsSync } from 'node:fs';
import path from 'node:path';

export function defaultWebviewDir(): string {
  const candidates = [path.join(__dirname, 'webview'), path.join(__dirname, '..', '..', 'dist', 'webview'), path.join(__dirname, '..', '..', '..', 'dist', 'webview')];
  return candidates.find((dir) => existsSync(path.join(dir, 'inspector.js'))) ?? (candidates[1] as string);
}
