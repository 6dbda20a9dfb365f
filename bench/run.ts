// `npm run bench -- <part> [...]` runs one benchmark part alone (or all parts when none is named).
// Each part lives in bench/<part>.ts, exports `run(args)`, prints its figures and returns them;
// they are also written as JSON to bench/results/<part>.json.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface BenchPart {
  run(args: string[]): Promise<Record<string, unknown>>;
}

async function main(): Promise<void> {
  const [partName, ...rest] = process.argv.slice(2);
  const dir = __dirname;
  const available = readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.endsWith('.test.ts') && !f.startsWith('_'))
    .map((f) => f.replace(/\.ts$/, ''));
  const parts = partName ? [partName] : available;
  for (const name of parts) {
    if (!available.includes(name)) throw new Error(`unknown benchmark part "${name}"; known: ${available.join(', ')}`);
    const mod = (await import(path.join(dir, `${name}.ts`))) as BenchPart;
    console.log(`\n== bench ${name} ==`);
    const figures = await mod.run(rest);
    mkdirSync(path.join(dir, 'results'), { recursive: true });
    const file = path.join(dir, 'results', `${name}.json`);
    writeFileSync(file, JSON.stringify({ part: name, at: new Date().toISOString(), figures }, null, 2) + '\n');
    console.log(`figures written to ${path.relative(process.cwd(), file)}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
