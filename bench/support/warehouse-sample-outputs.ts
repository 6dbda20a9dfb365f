/**
 * The sample pipeline's real outputs for `bench/warehouse.ts`: test/inspector/build-shop-warehouse.ts
 * replays the samples through samples/shop.pipeline.ts and writes every bronze record, layer and
 * side output with the headers the runner writes (lineage included). They are read back as Kafka
 * records, so the warehouse bench can produce them (repeated to the size asked) and measure
 * materializing what a pipeline run leaves: every topic that holds records (21 for the samples),
 * JSON objects of several shapes, lineage headers, bronze poison lines.
 */
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Producer } from 'kafkajs';
import { describeResult, runCommand } from '../../test/support/run-command';

export interface SampleRecord {
  topic: string;
  key: string | null;
  value: string | null;
  timestamp: number;
  headers: Record<string, string>;
}

interface LineageItem {
  t: string;
  p: number;
  o: bigint | number;
}

/** Builds the shop warehouse in a child process (the pipeline needs samples/tsconfig.json) and reads its records back. */
export async function sampleOutputRecords(dir: string): Promise<SampleRecord[]> {
  const file = path.join(dir, 'shop-fixture.duckdb');
  const built = await runCommand(process.execPath, ['--import', 'tsx', path.join(path.dirname(__filename), '..', '..', 'test', 'inspector', 'build-shop-warehouse.ts'), file], { timeoutMs: 300_000 });
  if (built.code !== 0) throw new Error(`building the sample warehouse failed: ${describeResult(built)}`);
  const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    const tables = (await connection.runAndReadAll('SELECT topic, table_name FROM _medallion_tables ORDER BY topic')).getRows();
    const records: SampleRecord[] = [];
    for (const [topic, table] of tables) {
      const reader = await connection.runAndReadAll(
        `SELECT _key, _raw, epoch_ms(_timestamp), _headers::VARCHAR, to_json(_lineage)::VARCHAR FROM "${String(table)}" ORDER BY _partition, _offset`,
      );
      for (const [key, raw, ts, headers, lineage] of reader.getRows()) {
        const h = headers === null ? {} : (JSON.parse(String(headers)) as Record<string, string>);
        if (lineage !== null) {
          const items = JSON.parse(String(lineage)) as LineageItem[];
          h['medallion.lineage'] = JSON.stringify(items.map((i) => ({ t: i.t, p: i.p, o: Number(i.o) })));
        }
        records.push({ topic: String(topic), key: key === null ? null : String(key), value: raw === null ? null : String(raw), timestamp: Number(ts), headers: h });
      }
    }
    return records;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Produces `copies` rounds of the records, one partition per topic, in batches. */
export async function produceSampleRecords(producer: Producer, records: readonly SampleRecord[], copies: number): Promise<number> {
  let sent = 0;
  for (let round = 0; round < copies; round++) {
    const byTopic = new Map<string, SampleRecord[]>();
    for (const r of records) (byTopic.get(r.topic) ?? byTopic.set(r.topic, []).get(r.topic)!).push(r);
    await producer.sendBatch({
      acks: 1,
      topicMessages: [...byTopic].map(([topic, list]) => ({
        topic,
        messages: list.map((r) => ({ key: r.key, value: r.value, timestamp: String(r.timestamp), headers: r.headers, partition: 0 })),
      })),
    });
    sent += records.length;
  }
  return sent;
}

/**
 * The same values for DuckDB's own ceiling, `copies` times over: one NDJSON file per topic, JSON
 * objects only (read_json refuses anything else). Returns the files and the rows they hold.
 */
export async function writeCeilingFiles(dir: string, records: readonly SampleRecord[], copies: number): Promise<{ files: string[]; rows: number }> {
  const byTopic = new Map<string, string[]>();
  for (const r of records) {
    if (r.value === null || !r.value.startsWith('{')) continue;
    try {
      JSON.parse(r.value);
    } catch {
      continue;
    }
    (byTopic.get(r.topic) ?? byTopic.set(r.topic, []).get(r.topic)!).push(r.value);
  }
  const files: string[] = [];
  let rows = 0;
  for (const [i, lines] of [...byTopic.values()].entries()) {
    const file = path.join(dir, `ceiling-${i}.ndjson`);
    const text = `${lines.join('\n')}\n`;
    writeFileSync(file, text.repeat(copies));
    files.push(file);
    rows += lines.length * copies;
  }
  return { files, rows };
}

/**
 * DuckDB's own ceiling: each file loaded into a fresh file-backed database with `CREATE TABLE … AS
 * SELECT * FROM read_json(…)`, then checkpointed. No Kafka, no headers, no bookkeeping: parsing and
 * storing alone.
 */
export async function readJsonCeiling(dbFile: string, files: readonly string[]): Promise<void> {
  const instance = await DuckDBInstance.create(dbFile);
  const connection = await instance.connect();
  try {
    for (const [i, file] of files.entries()) {
      await connection.run(`CREATE TABLE t${i} AS SELECT * FROM read_json('${file}', format = 'newline_delimited', union_by_name = true, sample_size = -1)`);
    }
    await connection.run('CHECKPOINT');
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
