/**
 * `npm run bench -- warehouse [--records N] [--sample-records N]`
 *
 * kcat produces N small JSON records (default 1,000,000, about 90 bytes each) into the sandbox
 * broker running as its own process. Then, in this process and in the same run:
 * 1. kafkajs consumes them all and does nothing else: the client's ceiling;
 * 2. the materializer consumes them into a fresh warehouse file: the figure;
 * 3. `Warehouse.ingest` appends the same records from memory, with no Kafka: the write path alone
 *    (only the ingest calls are timed, not building the records);
 * 4. the raw DuckDB appender appends the same rows, already parsed, and DuckDB's own `read_json`
 *    loads the same lines into a table: DuckDB's ceilings.
 * Each phase reports rows per wall-clock second and rows per CPU-second of this process.
 * Then query latency over the 1,000,000-row table for results of 10,000 rows.
 *
 * Last, the sample pipeline's real outputs (bench/support/warehouse-sample-outputs.ts: 21 topics with records,
 * lineage headers, bronze poison lines), repeated to about `--sample-records` (default 200,000),
 * are produced with their headers and materialized; DuckDB's `read_json` of the same values (the
 * JSON objects only, no headers) is the ceiling measured beside it.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance, timestampValue } from '@duckdb/node-api';
import { Kafka, logLevel } from 'kafkajs';
import { startChildBroker } from '../test/support/child-broker';
import { describeResult, runCommand } from '../test/support/run-command';
import { makeTempDir } from '../test/support/temp-dir';
import type { IncomingRecord } from '../sandbox/warehouse/index';
import { Materializer, Warehouse } from '../sandbox/warehouse/index';
import { produceSampleRecords, readJsonCeiling, sampleOutputRecords, writeCeilingFiles } from './support/warehouse-sample-outputs';

const topic = 'bench.events';

function parseArgs(args: string[]): { records: number; sampleRecords: number } {
  const options = { records: 1_000_000, sampleRecords: 200_000 };
  for (let i = 0; i < args.length; i++) {
    const name = args[i];
    if (name === '--records' || name === '--sample-records') {
      const v = Number(args[++i]);
      if (!Number.isInteger(v) || v <= 0) throw new Error(`${name} needs a positive integer`);
      if (name === '--records') options.records = v;
      else options.sampleRecords = v;
    } else throw new Error(`unknown option ${name}; known: --records N, --sample-records N`);
  }
  return options;
}

/** The i-th record: a small event as a bronze topic holds them. */
function line(i: number): string {
  return JSON.stringify({ id: i, user: `u${i % 1000}`, amount: (i % 10_000) / 100, at: new Date(1_714_557_600_000 + i * 10).toISOString(), ok: i % 7 !== 0 });
}

const perSecond = (n: number, ms: number) => Math.round(n / (ms / 1000));

/**
 * Wall time and this process's CPU time (every thread: JavaScript, kafkajs, DuckDB's workers) of
 * one phase. The machine is shared, so wall-clock rates swing with other users' load; rows per
 * CPU-second are the steadier figure to compare runs by.
 */
async function timed<T>(body: () => Promise<T>): Promise<{ value: T; wallMs: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = await body();
  const used = process.cpuUsage(cpu);
  return { value, wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
}

async function consumeOnly(bootstrap: string, records: number): Promise<number> {
  const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING, requestTimeout: 10_000, connectionTimeout: 10_000 });
  const consumer = kafka.consumer({ groupId: 'bench-consume-only', maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const started = performance.now();
  let seen = 0;
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch }) => {
        seen += batch.messages.length;
        if (seen >= records) resolve();
      },
    });
  });
  const ms = performance.now() - started;
  await consumer.disconnect();
  return ms;
}

async function rawAppender(dir: string, lines: string[]): Promise<{ wallMs: number; cpuMs: number }> {
  const instance = await DuckDBInstance.create(path.join(dir, 'raw.duckdb'));
  const connection = await instance.connect();
  await connection.run(`CREATE TABLE t (_topic VARCHAR, _partition INTEGER, _offset BIGINT, _timestamp TIMESTAMP, _raw VARCHAR,
    id BIGINT, "user" VARCHAR, amount DOUBLE, "at" VARCHAR, ok BOOLEAN)`);
  const rows = lines.map((l) => JSON.parse(l) as { id: number; user: string; amount: number; at: string; ok: boolean });
  const cpu = process.cpuUsage();
  const started = performance.now();
  const appender = await connection.createAppender('t');
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    appender.appendVarchar(topic);
    appender.appendInteger(0);
    appender.appendBigInt(BigInt(i));
    appender.appendTimestamp(timestampValue(BigInt(1_714_557_600_000 + i) * 1000n));
    appender.appendVarchar(lines[i]!);
    appender.appendBigInt(BigInt(r.id));
    appender.appendVarchar(r.user);
    appender.appendDouble(r.amount);
    appender.appendVarchar(r.at);
    appender.appendBoolean(r.ok);
    appender.endRow();
    if (i % 10_000 === 9_999) appender.flushSync();
  }
  appender.flushSync();
  appender.closeSync();
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  connection.closeSync();
  instance.closeSync();
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}

async function ingestFromMemory(dir: string, lines: string[]): Promise<{ wallMs: number; cpuMs: number }> {
  const warehouse = await Warehouse.open({ path: path.join(dir, 'memory.duckdb') });
  const batchSize = 10_000;
  let busy = 0;
  let cpuMs = 0;
  for (let start = 0; start < lines.length; start += batchSize) {
    const batch: IncomingRecord[] = [];
    for (let i = start; i < Math.min(lines.length, start + batchSize); i++) {
      batch.push({ offset: String(i), timestamp: String(1_714_557_600_000 + i), key: null, value: Buffer.from(lines[i]!), headers: {} });
    }
    // Only the ingest is timed; building the Buffers stands in for what the Kafka client does.
    const cpu = process.cpuUsage();
    const started = performance.now();
    await warehouse.ingest(topic, 0, batch);
    busy += performance.now() - started;
    const used = process.cpuUsage(cpu);
    cpuMs += (used.user + used.system) / 1000;
  }
  await warehouse.close();
  return { wallMs: busy, cpuMs };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const { records, sampleRecords } = parseArgs(args);
  const temp = makeTempDir('medallion-bench-warehouse-');
  const broker = await startChildBroker({ dataDir: path.join(temp.path, 'kafka') });
  try {
    const lines = Array.from({ length: records }, (_, i) => line(i));
    const input = path.join(temp.path, 'events.ndjson');
    writeFileSync(input, lines.join('\n') + '\n');
    const bytes = lines.reduce((n, l) => n + l.length, 0);
    console.log(`${records} records, ${(bytes / records).toFixed(0)} bytes each on average`);

    const produced = await runCommand('kcat', ['-b', broker.bootstrap, '-q', '-P', '-t', topic, '-l', input, '-X', 'linger.ms=5', '-X', 'batch.num.messages=10000', '-X', 'acks=1'], { timeoutMs: 600_000 });
    if (produced.code !== 0) throw new Error(`kcat produce failed: ${describeResult(produced)}`);

    const rates: Record<string, { rowsPerSecond: number; rowsPerCpuSecond: number }> = {};
    const report = (name: string, wallMs: number, cpuMs: number, rows = records) => {
      rates[name] = { rowsPerSecond: perSecond(rows, wallMs), rowsPerCpuSecond: perSecond(rows, cpuMs) };
      console.log(
        `${name.padEnd(28)} ${rates[name]!.rowsPerSecond.toLocaleString().padStart(9)} rows/s, ${rates[name]!.rowsPerCpuSecond.toLocaleString().padStart(9)} rows per CPU-second (${((cpuMs * 1000) / rows).toFixed(2)} CPU-µs per row)`,
      );
    };
    const consume = await timed(() => consumeOnly(broker.bootstrap, records));
    report('kafkajsConsumeOnly', consume.value, consume.cpuMs);

    const warehouse = await Warehouse.open({ path: path.join(temp.path, 'warehouse.duckdb') });
    const materialize = await timed(async () => {
      const materializer = await Materializer.start(warehouse, { bootstrap: broker.bootstrap, topics: [topic] });
      await materializer.waitUntilCaughtUp(600_000, 20);
      await materializer.stop();
    });
    report('materializer', materialize.wallMs, materialize.cpuMs);

    const queries: Record<string, string> = {
      rangeOf10k: `SELECT * FROM bench_events WHERE _offset >= ${Math.floor(records / 2)} AND _offset < ${Math.floor(records / 2) + 10_000}`,
      top10kByAmount: 'SELECT * FROM bench_events ORDER BY amount DESC, _offset LIMIT 10000',
      scanTruncatedAt10k: 'SELECT * FROM bench_events',
    };
    const latency: Record<string, { medianMs: number; rows: number; truncated: boolean }> = {};
    for (const [name, sql] of Object.entries(queries)) {
      const times: number[] = [];
      let last = { rows: 0, truncated: false };
      for (let i = 0; i < 7; i++) {
        const result = await warehouse.query(sql, { rowLimit: 10_000, timeoutMs: 30_000 });
        times.push(result.elapsedMs);
        last = { rows: result.rows.length, truncated: result.truncated };
      }
      latency[name] = { medianMs: Number(median(times).toFixed(1)), ...last };
      console.log(`query ${name}: ${latency[name]!.medianMs} ms median of 7 for ${last.rows} rows`);
    }
    await warehouse.close();

    const ingest = await ingestFromMemory(temp.path, lines);
    report('ingestFromMemory', ingest.wallMs, ingest.cpuMs);
    const appender = await rawAppender(temp.path, lines);
    report('rawAppenderCeiling', appender.wallMs, appender.cpuMs);
    const readJson = await timed(() => readJsonCeiling(path.join(temp.path, 'read-json.duckdb'), [input]));
    report('readJsonCeiling', readJson.wallMs, readJson.cpuMs);

    const samples = await sampleOutputRecords(temp.path);
    const copies = Math.max(1, Math.round(sampleRecords / samples.length));
    const sampleTopics = [...new Set(samples.map((r) => r.topic))];
    const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, requestTimeout: 30_000, connectionTimeout: 10_000 });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: sampleTopics.map((topic) => ({ topic, numPartitions: 1 })), timeout: 10_000 });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    const sampleRows = await produceSampleRecords(producer, samples, copies);
    await producer.disconnect();
    console.log(`sample outputs: ${samples.length} records over ${sampleTopics.length} topics, produced ${copies} times (${sampleRows} records)`);
    const sampleWarehouse = await Warehouse.open({ path: path.join(temp.path, 'samples.duckdb') });
    const sampleMaterialize = await timed(async () => {
      const materializer = await Materializer.start(sampleWarehouse, { bootstrap: broker.bootstrap, topics: sampleTopics });
      await materializer.waitUntilCaughtUp(600_000, 20);
      await materializer.stop();
    });
    const materializedSamples = Number((await sampleWarehouse.query(`SELECT ${sampleTopics.map((t) => `(SELECT count(*) FROM "${sampleWarehouse.tableOf(t)}")`).join(' + ')}`)).rows[0]?.[0]);
    await sampleWarehouse.close();
    if (materializedSamples !== sampleRows) throw new Error(`materialized ${materializedSamples} of ${sampleRows} sample records`);
    report('sampleOutputsMaterializer', sampleMaterialize.wallMs, sampleMaterialize.cpuMs, sampleRows);
    const ceilingFiles = await writeCeilingFiles(temp.path, samples, copies);
    const sampleCeiling = await timed(() => readJsonCeiling(path.join(temp.path, 'samples-read-json.duckdb'), ceilingFiles.files));
    report('sampleOutputsReadJsonCeiling', sampleCeiling.wallMs, sampleCeiling.cpuMs, ceilingFiles.rows);

    const cpuRatio = (a: string, b: string) => Number((rates[a]!.rowsPerCpuSecond / rates[b]!.rowsPerCpuSecond).toFixed(2));
    const ratios = {
      materializerOverAppenderCeiling: Number((rates.materializer!.rowsPerSecond / rates.rawAppenderCeiling!.rowsPerSecond).toFixed(2)),
      materializerOverConsumeOnly: Number((rates.materializer!.rowsPerSecond / rates.kafkajsConsumeOnly!.rowsPerSecond).toFixed(2)),
      materializerOverReadJsonCeilingPerCpu: cpuRatio('materializer', 'readJsonCeiling'),
      sampleOutputsOverReadJsonCeilingPerCpu: cpuRatio('sampleOutputsMaterializer', 'sampleOutputsReadJsonCeiling'),
    };
    // maxRSS is in kilobytes; it covers the whole run, DuckDB's memory included.
    const peakRssBytes = process.resourceUsage().maxRSS * 1024;
    console.log(
      `materializer/appender ceiling ${ratios.materializerOverAppenderCeiling}, materializer/consume only ${ratios.materializerOverConsumeOnly}, per CPU-second: materializer/read_json ${ratios.materializerOverReadJsonCeilingPerCpu}, sample outputs/read_json ${ratios.sampleOutputsOverReadJsonCeilingPerCpu}, peak RSS ${(peakRssBytes / 1e6).toFixed(0)} MB`,
    );
    return {
      records,
      sampleRecords: sampleRows,
      ratios,
      peakRssBytes,
      averageRecordBytes: Math.round(bytes / records),
      loadAverageAtEnd: Number(os.loadavg()[0]?.toFixed(1)),
      cores: os.cpus().length,
      rates,
      queryLatencyFor10kRowsOver: records,
      queryLatency: latency,
    };
  } finally {
    await broker.stop();
    temp.remove();
  }
}
