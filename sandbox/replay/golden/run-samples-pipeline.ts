// Runs samples/shop.pipeline.ts on samples/data through the engine's test driver and prints every
// output (layers and side outputs) as JSON on stdout. It runs in its own process because the
// pipeline imports `medallion-studio/pipeline` as a user would, which only samples/tsconfig.json
// maps (tsx reads it from TSX_TSCONFIG_PATH).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createTestDriver, type Pipeline } from '../../pipeline/index';
import type { OutgoingRecord } from '../produce/outgoing-record';
import { replay } from '../produce/replay';
import type { RecordSink } from '../produce/record-sink';

const ROOT = path.join(__dirname, '..', '..', '..');

/** One output record as the golden files hold it: what downstream sees, without lineage. */
export interface GoldenRow {
  id: string;
  kind: string;
  key: unknown;
  eventTime: number;
  value: unknown;
}

/**
 * Runs the pipeline over the samples. With `restoreAfter`, the job is snapshotted after that many
 * records, the snapshot goes through JSON, and a fresh driver restored from it takes over: the
 * outputs must not change, which is what checkpoints promise.
 */
export async function runSamplesPipeline(options: { restoreAfter?: number } = {}): Promise<Record<string, GoldenRow[]>> {
  const module = (await import(pathToFileURL(path.join(ROOT, 'samples', 'shop.pipeline.ts')).href)) as { default: Pipeline | { default: Pipeline } };
  const shop = 'plan' in module.default ? module.default : module.default.default;
  let driver = createTestDriver(shop, { lineage: false });
  const sources = new Set(driver.job.sources);
  const partitionsOf = new Map<string, number>();
  const outputs: Record<string, GoldenRow[]> = {};
  const drain = (): void => {
    for (const output of driver.job.outputs) {
      const rows = driver.output(output.name).readAll().map((r) => ({ id: r.id, kind: r.kind, key: r.key, eventTime: r.eventTime, value: portable(r.value) }));
      (outputs[output.name] ??= []).push(...rows);
    }
  };
  let sent = 0;
  let clock: number | undefined;
  // Processing time follows the event time of the replay, as a replay at real speed would, so a
  // partition that falls silent becomes idle after the pipeline's idleness timeout.
  const sink: RecordSink = {
    async partitionsFor(topic, createWith) {
      const partitions = createWith ?? 1;
      partitionsOf.set(topic, partitions);
      if (sources.has(topic)) driver.job.assignPartitions(topic, Array.from({ length: partitions }, (_, i) => i));
      return partitions;
    },
    async send(records: OutgoingRecord[]) {
      for (const record of records) {
        if (!sources.has(record.topic)) continue;
        if (++sent === options.restoreAfter) {
          drain();
          const snapshot = JSON.parse(JSON.stringify(driver.snapshot())) as ReturnType<typeof driver.snapshot>;
          driver = createTestDriver(shop, { lineage: false });
          for (const [source, partitions] of partitionsOf) {
            if (sources.has(source)) driver.job.assignPartitions(source, Array.from({ length: partitions }, (_, i) => i));
          }
          driver.restore(snapshot);
        }
        if (record.timestamp !== undefined) {
          if (clock === undefined) clock = record.timestamp;
          if (record.timestamp > clock) {
            driver.advanceTime(record.timestamp - clock);
            clock = record.timestamp;
          }
        }
        driver.input(record.topic).send(record.value.toString('utf8'), {
          partition: record.partition,
          key: record.key?.toString('utf8'),
          ...(record.timestamp !== undefined ? { timestamp: record.timestamp } : {}),
        });
      }
    },
    async close() {},
  };
  const scratch = await mkdtemp(path.join(tmpdir(), 'medallion-golden-'));
  try {
    await replay({ source: path.join(ROOT, 'samples', 'data'), sink, stateFile: path.join(scratch, 'state.json'), progress: false, onBadRecord: () => {} });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  driver.finish();
  drain();
  return outputs;
}

/**
 * Makes a dead letter's `location` independent of the checkout: the path becomes relative to the
 * repository, and outside samples/ (where the pipeline's own code is) the line and column go, so
 * editing this runner does not change the golden files.
 */
function portable(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || typeof (value as { location?: unknown }).location !== 'string') return value;
  const location = path.relative(ROOT, (value as { location: string }).location);
  // Where a source operator was declared is resolved from the stack only in some checkouts (it was
  // null in the developer's tree and an absolute path in a fresh clone), so the golden files leave it
  // out; the engine's own tests check declaration sites.
  const { definedAt: _definedAt, ...rest } = value as { definedAt?: unknown };
  return { ...rest, location: location.startsWith('samples') ? location : location.replace(/:\d+:\d+$/, '') };
}

if (require.main === module) {
  const restoreAfter = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  runSamplesPipeline(restoreAfter === undefined ? {} : { restoreAfter }).then(
    (outputs) => process.stdout.write(JSON.stringify(outputs)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
