/**
 * Fresh temporary directories for broker data, removed again when a test is done, so tests never
 * share state through the file system and never leave data behind on a shared machine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TempDir {
  readonly path: string;
  remove(): void;
}

export function makeTempDir(prefix = 'medallion-test-'): TempDir {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return {
    path: dir,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
