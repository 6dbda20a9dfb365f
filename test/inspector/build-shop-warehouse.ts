/**
 * Builds a real warehouse from the samples for the inspector's tests and bench: the sample streams
 * are replayed into samples/shop.pipeline.ts on the engine's test driver (lineage on), and every
 * bronze record, layer output and side output is ingested with the headers the runner writes
 * (LINEAGE.md), so lineage, late tables and quarantine are as a live run would leave them. The
 * watermarks the job reported along the way go to `_medallion.watermarks`, as the runner will.
 * Runs in its own process (`node --import tsx build-shop-warehouse.ts <file>`) because the pipeline
 * imports `medallion-studio/pipeline`, which only samples/tsconfig.json maps.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { OutputRecord } from '../../sandbox/engine/record';
import { createTestDriver, type Pipeline } from '../../sandbox/pipeline/index';
import type { OutgoingRecord } from '../../sandbox/replay/produce/outgoing-record';
import type { RecordSink } from '../../sandbox/replay/produce/record-sink';
import { replay } from '../../sandbox/replay/produce/replay';
import type { IncomingRecord } from '../../sandbox/warehouse/index';
import { Warehouse } from '../../sandbox/warehouse/index';

const ROOT = path.join(__dirname, '..', '..');

function incoming(offset: number, value: Buffer | string | null, headers: Record<string, string>, key: string | null, timestamp: number): IncomingRecord {
  return {
    offset: String(offset),
    timestamp: String(timestamp),
    key: key === null ? null : Buffer.from(key),
    value: value === null ? null : Buffer.isBuffer(value) ? value : Buffer.from(value),
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)])),
  };
}

function keyText(key: unknown): string | null {
  return key === undefined || key === null ? null : typeof key === 'string' ? key : JSON.stringify(key);
}

export async function buildShopWarehouse(file: string): Promise<{ tables: number; records: number }> {
  const module = (await import(pathToFileURL(path.join(ROOT, 'samples', 'shop.pipeline.ts')).href)) as { default: Pipeline | { default: Pipeline } };
  const shop = 'plan' in module.default ? module.default : module.default.default;
  const tiers = new Map<string, 'bronze' | 'silver' | 'gold'>();
  for (const node of shop.plan.nodes) {
    if (node.kind === 'layer') tiers.set(node.name, node.tier);
    if (node.kind === 'source') tiers.set(node.name, 'bronze');
  }
  const driver = createTestDriver(shop, { lineage: 100 });
  const sources = new Set(driver.job.sources);
  const bronze = new Map<string, IncomingRecord[]>();
  const nextOffset = new Map<string, number>();
  const outputs: OutputRecord[] = [];
  const watermarks: { layer: string; task: string; watermark: number; at: number }[] = [];
  let clock: number | undefined;
  let sent = 0;
  const drain = () => {
    for (const output of driver.job.outputs) outputs.push(...driver.output(output.name).readAll());
  };
  const sampleWatermarks = () => {
    for (const source of sources) {
      const wm = driver.watermark(source);
      if (wm !== null && wm.kind === 'time' && Number.isFinite(wm.at)) {
        // Every layer downstream of the sources sees at most their minimum; the runner reports each
        // task's own, which for this single-process driver is the source's.
        for (const [layer, tier] of tiers) if (tier !== 'bronze') watermarks.push({ layer, task: source, watermark: wm.at, at: clock ?? 0 });
      }
    }
  };
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
        const slot = `${record.topic}/${record.partition}`;
        const offset = nextOffset.get(slot) ?? 0;
        nextOffset.set(slot, offset + 1);
        const timestamp = record.timestamp ?? clock ?? 0;
        (bronze.get(slot) ?? bronze.set(slot, []).get(slot) as IncomingRecord[]).push(incoming(offset, record.value, record.headers, record.key?.toString('utf8') ?? null, timestamp));
        driver.input(record.topic).send(record.value.toString('utf8'), { partition: record.partition, key: record.key?.toString('utf8'), timestamp, offset });
        if (++sent % 25 === 0) {
          drain();
          sampleWatermarks();
        }
      }
    },
    async close() {},
  };
  const scratch = await mkdtemp(path.join(tmpdir(), 'medallion-inspector-fixture-'));
  try {
    await replay({ source: path.join(ROOT, 'samples', 'data'), sink, stateFile: path.join(scratch, 'state.json'), progress: false, onBadRecord: () => {} });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  driver.finish();
  drain();
  sampleWatermarks();

  // Layer outputs get offsets in emission order per topic (one partition each), and a silver
  // record's bronze positions map to its own position, so gold lineage can name silver rows.
  const warehouse = await Warehouse.open({ path: file });
  let records = 0;
  try {
    for (const [slot, list] of bronze) {
      const [topic, partition] = slot.split('/');
      await warehouse.ingest(topic as string, Number(partition), list);
      records += list.length;
    }
    const offsets = new Map<string, number>();
    const silverOf = new Map<string, Map<string, string>>();
    const byTopic = new Map<string, IncomingRecord[]>();
    const outputInfo = new Map(driver.job.outputs.map((o) => [o.name, o]));
    for (const r of outputs) {
      const info = outputInfo.get(r.output);
      if (info === undefined) continue;
      const tier = tiers.get(info.layer) ?? 'silver';
      const offset = offsets.get(r.topic) ?? 0;
      offsets.set(r.topic, offset + 1);
      const positions = r.lineage?.positions ?? [];
      if (tier === 'silver' && info.kind === 'layer') {
        const map = silverOf.get(info.layer) ?? silverOf.set(info.layer, new Map()).get(info.layer) as Map<string, string>;
        for (const p of positions) map.set(p, `${r.topic}/0/${offset}`);
      }
      const upstream = tier === 'gold' ? [...silverOf.values()] : [];
      const named = new Set<string>();
      for (const p of positions) {
        // A gold row names the silver rows its bronze positions went through (the latest silver
        // layer that holds them), or the bronze record itself when no silver layer was between.
        let found: string | undefined;
        for (const map of upstream) found = map.get(p) ?? found;
        named.add(found ?? p);
      }
      const lineage = [...named].map((p) => {
        const at = p.lastIndexOf('/');
        const before = p.lastIndexOf('/', at - 1);
        return { t: p.slice(0, before), p: Number(p.slice(before + 1, at)), o: Number(p.slice(at + 1)) };
      });
      const headers: Record<string, string> = {
        'medallion.layer': tier,
        'medallion.output': info.kind === 'layer' ? info.layer : info.kind,
        'medallion.id': r.id,
      };
      if (lineage.length > 0) headers['medallion.lineage'] = JSON.stringify(lineage);
      const omitted = (r.lineage?.total ?? 0) - positions.length;
      if (omitted > 0) headers['medallion.lineage-truncated'] = String(omitted);
      if (r.kind === 'retract' || tier === 'gold') headers['medallion.change'] = r.kind;
      const list = byTopic.get(r.topic) ?? byTopic.set(r.topic, []).get(r.topic) as IncomingRecord[];
      list.push(incoming(offset, JSON.stringify(r.value), headers, keyText(r.key), r.eventTime));
    }
    for (const [topic, list] of byTopic) {
      await warehouse.ingest(topic, 0, list);
      records += list.length;
    }
    const marks = watermarks.map((w, i) => incoming(i, JSON.stringify({ pipeline: 'shop', ...w }), {}, w.layer, w.at));
    await warehouse.ingest('_medallion.watermarks', 0, marks);
    records += marks.length;
    return { tables: (await warehouse.listTables()).length, records };
  } finally {
    await warehouse.close();
  }
}

if (require.main === module) {
  const file = process.argv[2];
  if (file === undefined) throw new Error('usage: build-shop-warehouse.ts <file.duckdb>');
  buildShopWarehouse(file).then(
    (summary) => process.stdout.write(`${JSON.stringify(summary)}\n`),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
