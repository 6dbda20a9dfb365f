/**
 * `npm run bench -- inspector [--runs N]`
 *
 * Time from pressing Run to rows painted, in Debian's Chromium, for a query that returns 10,000 rows
 * of a 1,000,000-row warehouse table, measured in the page (a performance mark at the click, one
 * after the first frame that shows the rows). In the same run, as baselines: the same query through
 * the inspector's WebSocket from Node (server and DuckDB, no browser), and DuckDB alone through
 * `Warehouse.query` reading all 10,000 rows (what a grid without paging would have to wait for).
 */
import path from 'node:path';
import WebSocket from 'ws';
import { startInspectorServer } from '../sandbox/inspector/index';
import { Warehouse } from '../sandbox/warehouse/index';
import { makeTempDir } from '../test/support/temp-dir';
import { buildBundles, launchChromium, openInspector, runAndWait, typeSql, ROOT } from '../test/inspector/inspector-harness';

function parseArgs(args: string[]): { runs: number } {
  const options = { runs: 40 };
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--runs') {
      const v = Number(args[++i]);
      if (!Number.isInteger(v) || v < 5) throw new Error('--runs needs an integer of at least 5');
      options.runs = v;
    } else throw new Error(`unknown option ${args[i]}; known: --runs N`);
  }
  return options;
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
}

const summary = (values: number[]) => ({ p50: +quantile(values, 0.5).toFixed(1), p95: +quantile(values, 0.95).toFixed(1), max: +Math.max(...values).toFixed(1) });

/** A layer table as the warehouse holds one: the lineage columns, then typed fields. */
const createTable = `CREATE TABLE bench_events AS
SELECT 'bench.events' AS _topic, 0 AS _partition, range AS _offset,
  TIMESTAMP '2026-03-02 09:00:00' + to_milliseconds(range * 10) AS _timestamp, 'u' || (range % 1000) AS _key,
  '{"id":' || range || '}' AS _raw, 'silver' AS _layer, 'bench' AS _output,
  range AS id, 'u' || (range % 1000) AS "user", (range % 10000) / 100.0 AS amount, range % 7 <> 0 AS ok,
  CASE range % 4 WHEN 0 THEN 'eu-west' WHEN 1 THEN 'us-east' WHEN 2 THEN 'apac' ELSE 'us-west' END AS region
FROM range(1000000)`;

const query = 'SELECT * FROM bench_events WHERE _offset >= 500000 AND _offset < 510000';

async function viaSocket(wsUrl: string, runs: number): Promise<number[]> {
  const socket = new WebSocket(wsUrl);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const times: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      await new Promise<void>((resolve, reject) => {
        socket.once('message', (data) => {
          const message = JSON.parse(String(data)) as { ok: boolean; result?: { totalRows: number }; error?: { message: string } };
          if (!message.ok) reject(new Error(message.error?.message));
          else if (message.result?.totalRows !== 10_000) reject(new Error(`expected 10,000 rows, got ${message.result?.totalRows}`));
          else resolve();
        });
        socket.send(JSON.stringify({ kind: 'request', id: i + 1, method: 'query/run', params: { sql: query, pageSize: 200 } }));
      });
      times.push(performance.now() - started);
    }
  } finally {
    socket.close();
  }
  return times;
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const { runs } = parseArgs(args);
  const temp = makeTempDir('medallion-bench-inspector-');
  await buildBundles();
  const warehouse = await Warehouse.open({ path: path.join(temp.path, 'bench.duckdb') });
  const server = await startInspectorServer({ warehouse, webviewDir: path.join(ROOT, 'dist', 'webview') });
  const browser = await launchChromium();
  try {
    await warehouse.query(createTable, { allowWrites: true, timeoutMs: 0 });
    const { page } = await openInspector(browser, server.url);
    await typeSql(page, query);
    // Warm-up: the first run compiles the page's code paths and DuckDB's caches.
    for (let i = 0; i < 3; i++) await runAndWait(page);
    const paint: number[] = [];
    for (let i = 0; i < runs; i++) {
      await runAndWait(page);
      const measure = await page.$$eval('body', () => {
        const entries = performance.getEntriesByName('run-to-paint');
        return entries[entries.length - 1]?.duration ?? -1;
      });
      if (measure < 0) throw new Error('the page recorded no run-to-paint measure');
      paint.push(measure);
    }
    const rowsShown = await page.$$eval('.grid-row:not([hidden])', (rows) => rows.length);
    const socket = await viaSocket(server.wsUrl, runs);
    const duckdb: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      const result = await warehouse.query(query, { rowLimit: 10_000 });
      if (result.rows.length !== 10_000) throw new Error(`expected 10,000 rows, got ${result.rows.length}`);
      duckdb.push(performance.now() - started);
    }
    const figures = {
      runs,
      tableRows: 1_000_000,
      resultRows: 10_000,
      rowElementsPainted: rowsShown,
      runToPaintMs: summary(paint),
      socketQueryRunMs: summary(socket),
      duckdbAll10kRowsMs: summary(duckdb),
      ratioPaintToSocketP50: +(quantile(paint, 0.5) / quantile(socket, 0.5)).toFixed(2),
      ratioPaintToDuckdbAllRowsP50: +(quantile(paint, 0.5) / quantile(duckdb, 0.5)).toFixed(2),
      targetP95Ms: 150,
      meetsTarget: quantile(paint, 0.95) < 150,
    };
    console.log(`Run → rows painted (10,000-row result of a 1,000,000-row table, ${runs} runs): p50 ${figures.runToPaintMs.p50} ms, p95 ${figures.runToPaintMs.p95} ms (target < 150 ms: ${figures.meetsTarget ? 'met' : 'NOT met'})`);
    console.log(`baseline, query/run over the WebSocket from Node: p50 ${figures.socketQueryRunMs.p50} ms, p95 ${figures.socketQueryRunMs.p95} ms`);
    console.log(`baseline, DuckDB reading all 10,000 rows (Warehouse.query): p50 ${figures.duckdbAll10kRowsMs.p50} ms, p95 ${figures.duckdbAll10kRowsMs.p95} ms`);
    console.log(`ratios at p50: paint / socket ${figures.ratioPaintToSocketP50}, paint / DuckDB all rows ${figures.ratioPaintToDuckdbAllRowsP50}`);
    return figures;
  } finally {
    await browser.close();
    await server.close();
    await warehouse.close();
    temp.remove();
  }
}
