// Bundles the user's pipeline file with esbuild into one CommonJS file with an inline source map, so
// a worker loads it without a TypeScript toolchain and every stack frame points at the user's line.
// `medallion-studio/pipeline` stays out of the bundle: the loading process provides its own.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

export class PipelineBuildError extends Error {
  override readonly name = 'PipelineBuildError';
}

export async function bundlePipeline(pipelineFile: string, outDir: string): Promise<string> {
  const entry = path.resolve(pipelineFile);
  if (!existsSync(entry)) throw new PipelineBuildError(`pipeline file ${pipelineFile} does not exist`);
  mkdirSync(outDir, { recursive: true });
  const outfile = path.join(outDir, `${path.basename(entry).replace(/\.[cm]?[jt]s$/, '')}-${createHash('sha256').update(entry).digest('hex').slice(0, 8)}.cjs`);
  try {
    await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'inline',
      sourcesContent: false,
      logLevel: 'silent',
      // The runner provides these when it loads the bundle (load-pipeline.ts).
      external: ['medallion-studio/pipeline', 'medallion-studio/replay', '@duckdb/node-api', '@duckdb/node-bindings', 'esbuild'],
    });
  } catch (error) {
    const errors = (error as { errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] }).errors ?? [];
    // esbuild names files relative to its working folder; the user's editor wants the file itself.
    const lines = errors.map((e) => (e.location ? `${path.resolve(e.location.file)}:${e.location.line}:${e.location.column + 1}: ${e.text}` : e.text));
    throw new PipelineBuildError(lines.length > 0 ? lines.join('\n') : String(error));
  }
  return outfile;
}
