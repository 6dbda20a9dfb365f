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

export async function runSamplesPipeline(): Promise<Record<string, GoldenRow[]>> {
  const module = (await import(pathToFileURL(path.join(ROOT, 'samples', 'shop.pipeline.ts')).href)) as { default: Pipeline | { default: Pipeline } };
  const shop = 'plan' in module.default ? module.default : module.default.default;
  const driver = createTestDriver(shop, { lineage: false });
  const sources = new Set(driver.job.sources);
  let clock: number | undefined;
  // Processing time follows the event time of the replay, as a replay at real speed would, so a
  // partition that falls silent becomes idle after the pipeline's idleness timeout.
  const sink: RecordSink = {
    async partitionsFor(topic, createWith) {
      const partitions = createWith ?? 1;
      if (sources.has(topic)) driver.job.assignPartitions(topic, Array.from({ length: partitions }, (_, i) => i));
      return partitions;
    },
    async send(records: OutgoingRecord[]) {
      for (const record of records) {
        if (!sources.has(record.topic)) continue;
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
  const outputs: Record<string, GoldenRow[]> = {};
  for (const output of driver.job.outputs) {
    outputs[output.name] = driver.output(output.name).readAll().map((r) => ({ id: r.id, kind: r.kind, key: r.key, eventTime: r.eventTime, value: r.value }));
  }
  return outputs;
}

if (require.main === module) {
  runSamplesPipeline().then(
    (outputs) => process.stdout.write(JSON.stringify(outputs)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
