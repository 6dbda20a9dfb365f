// `medallion samples ...`: creates the sample streams with their declared mess.
import type { Command } from 'commander';
import { generateSamples } from '../../replay/generate/generate';
import { loadMessProfile } from '../../replay/generate/mess-profile';
import { parseIntOption, positiveIntOption } from '../options';

export function registerSamplesCommands(program: Command): void {
  const samples = program.command('samples').description('Sample e-commerce streams with seeded, declared real-world mess.');
  samples
    .command('generate')
    .description('Write one .ndjson file per stream (customers, orders, payments, shipments, refunds, page_views) and MANIFEST.json.')
    .requiredOption('--out <folder>', 'folder to write the files to')
    .option('--events <n>', 'clean events to create across all streams', positiveIntOption, 3000)
    .option('--seed <s>', 'seed of every random draw', parseIntOption, 42)
    .option('--profile <file>', 'mess profile (JSON, see samples/mess-profile.schema.json); default: the samples profile')
    .option('--start-time <iso>', 'when the shop opens', '2026-03-02T09:00:00.000Z')
    .action(async (options: { out: string; events: number; seed: number; profile?: string; startTime: string }) => {
      const profile = options.profile ? await loadMessProfile(options.profile) : undefined;
      const started = performance.now();
      const manifest = await generateSamples({ events: options.events, seed: options.seed, out: options.out, startTime: options.startTime, ...(profile ? { profile } : {}) });
      const seconds = (performance.now() - started) / 1000;
      const bytes = manifest.streams.reduce((sum, s) => sum + s.bytes, 0);
      for (const s of manifest.streams) {
        const poison = Object.values(s.injected.poison).reduce((a, b) => a + b, 0);
        console.log(`${s.file.padEnd(18)} ${String(s.lines).padStart(9)} lines  dup ${s.injected.duplicates}  late ${s.injected.late}  out-of-order ${s.injected.outOfOrder}  poison ${poison}`);
      }
      console.log(`${manifest.events} events, ${(bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(2)} s: ${Math.round(manifest.events / seconds)} events/s, ${(bytes / 1e6 / seconds).toFixed(1)} MB/s; counts in ${options.out}/MANIFEST.json`);
    });
}


