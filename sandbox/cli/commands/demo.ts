/**
 * `medallion demo`: the README's main job, the whole loop on one machine. It starts the sandbox
 * broker, serves the inspector over the warehouse, replays the sample streams into bronze, runs the
 * sample pipeline on them (exactly once, in a worker process), materializes every layer and side
 * output into DuckDB, and prints what each layer holds. Then it keeps everything running for the
 * inspector, or, with `--exit-when-done`, stops and leaves the warehouse file behind.
 */
import type { Command } from 'commander';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { startBroker, type RunningBroker } from '../../broker/index';
import { startInspectorServer, type InspectorServer } from '../../inspector/index';
import { replay } from '../../replay/index';
import { startPipelineRun, type PipelineRun } from '../../runner/index';
import { Materializer, Warehouse } from '../../warehouse/index';
import { parseIntOption } from '../options';
import { defaultWebviewDir } from '../webview-dir';
import { printSummary } from './demo-summary';

interface DemoOptions {
  workspace?: string;
  port: number;
  inspectorPort: number;
  open: boolean;
  exitWhenDone: boolean;
  workers: number;
}

export function registerDemoCommands(program: Command): void {
  program
    .command('demo')
    .description('the whole loop on the samples: sandbox, replay, pipeline, DuckDB warehouse, inspector')
    .option('--workspace <dir>', 'the workspace: a folder with a *.pipeline.ts and data/ (default: this folder if it is one, else the samples)')
    .option('--port <port>', 'sandbox broker port; 0 picks a free one', parseIntOption, 0)
    .option('--inspector-port <port>', 'inspector port; 0 picks a free one', parseIntOption, 0)
    .option('--no-open', 'do not open the inspector in a browser')
    .option('--workers <n>', 'pipeline worker processes', parseIntOption, 1)
    .option('--exit-when-done', 'stop once the replay is fully processed, print the summary and exit 0', false)
    .action((opts: DemoOptions) => runDemo(opts));
}

/** A folder is a workspace the demo can run when it has a pipeline file and a data folder. */
function pipelineIn(dir: string): string | undefined {
  if (!existsSync(path.join(dir, 'data'))) return undefined;
  const file = readdirSync(dir).filter((f) => f.endsWith('.pipeline.ts')).sort()[0];
  return file === undefined ? undefined : path.join(dir, file);
}

/** The package's own samples: next to dist/ when bundled, three folders up from this file in a checkout. */
function packagedSamples(): string {
  const candidates = [path.resolve(__dirname, '..', 'samples'), path.resolve(__dirname, '..', '..', '..', 'samples')];
  return candidates.find((dir) => pipelineIn(dir) !== undefined) ?? candidates[1]!;
}

async function runDemo(opts: DemoOptions): Promise<void> {
  const workspace = path.resolve(opts.workspace ?? (pipelineIn(process.cwd()) !== undefined ? process.cwd() : packagedSamples()));
  const pipelineFile = pipelineIn(workspace);
  if (pipelineFile === undefined) throw new Error(`${workspace} holds no *.pipeline.ts with a data/ folder beside it`);
  const stateDir = path.join(workspace, '.medallion');
  const relative = (p: string) => path.relative(process.cwd(), p) || '.';
  // Each demo starts from nothing: a fresh sandbox, a fresh warehouse and no replay progress, so its
  // figures are those of one replay of the samples.
  for (const leftover of ['kafka', 'warehouse.duckdb', 'warehouse.duckdb.wal', 'replay-state.json', 'runner']) {
    rmSync(path.join(stateDir, leftover), { recursive: true, force: true });
  }
  mkdirSync(stateDir, { recursive: true });
  console.log(`Medallion demo on ${relative(workspace)}: pipeline ${path.basename(pipelineFile)}, data ${relative(path.join(workspace, 'data'))}`);

  const quiet = { info: () => {}, warn: () => {}, error: (m: string) => console.error(m) };
  const started = performance.now();
  let broker: RunningBroker | undefined;
  let warehouse: Warehouse | undefined;
  let materializer: Materializer | undefined;
  let inspector: InspectorServer | undefined;
  let run: PipelineRun | undefined;
  const stopAll = async (): Promise<void> => {
    await run?.stop().catch(() => {});
    await materializer?.stop().catch(() => {});
    await inspector?.close().catch(() => {});
    await warehouse?.close().catch(() => {});
    await broker?.close().catch(() => {});
  };
  try {
    broker = await startBroker({ port: opts.port, dataDir: path.join(stateDir, 'kafka'), defaultPartitions: 4, logger: quiet });
    step(1, 'sandbox broker', `${broker.bootstrap} (topics in ${relative(path.join(stateDir, 'kafka'))})`);

    const warehouseFile = path.join(stateDir, 'warehouse.duckdb');
    warehouse = await Warehouse.open({ path: warehouseFile });
    materializer = await Materializer.start(warehouse, { bootstrap: broker.bootstrap, pattern: /^(?!__)(?!.*-changelog$)/, log: () => {} });
    inspector = await startInspectorServer({ warehouse, port: opts.inspectorPort, webviewDir: defaultWebviewDir() });
    step(2, 'inspector', `${inspector.url} (counts update live while the demo runs)`);
    if (opts.open && !opts.exitWhenDone) openInBrowser(inspector.url);

    const replayed = await replay({
      source: path.join(workspace, 'data'),
      bootstrap: broker.bootstrap,
      stateFile: path.join(stateDir, 'replay-state.json'),
      progress: false,
    });
    step(3, 'replay', `${replayed.records.toLocaleString()} records from ${replayed.files.length} files in ${seconds(replayed.elapsedMs)}` +
      (replayed.badRecords > 0 ? `; ${replayed.badRecords} malformed, kept in bronze as they are` : ''));

    const runStarted = performance.now();
    run = await startPipelineRun({
      pipelineFile, bootstrap: broker.bootstrap, workers: opts.workers, fromBeginning: true, exitWhenCaughtUp: true,
      workDir: path.join(stateDir, 'runner'),
    });
    run.events.on('event', (event) => {
      if (event.type === 'worker-exited' && !event.expected) console.error(`  worker ${event.worker} exited (${event.reason ?? event.signal ?? event.code})${event.location ? ` at ${event.location}` : ''}; restarting it`);
    });
    await run.caughtUp();
    const runMs = performance.now() - runStarted;
    const metrics = run.metrics();
    step(4, 'pipeline', `${path.basename(pipelineFile)} caught up in ${seconds(runMs)} (${opts.workers} worker${opts.workers === 1 ? '' : 's'}, ${metrics.commits} transactions)`);
    await run.finished;

    await materializer.waitUntilCaughtUp(120_000);
    step(5, 'warehouse', `${materializer.stats.records.toLocaleString()} records from ${materializer.stats.topics.length} topics in ${relative(warehouseFile)}`);
    await printSummary(warehouse, metrics, runMs);
    console.log(`\ndone in ${seconds(performance.now() - started)}`);

    if (opts.exitWhenDone) {
      await stopAll();
      return;
    }
    console.log(`\nThe inspector is at ${inspector.url}. Replay more with: medallion replay ${relative(path.join(workspace, 'data'))} --bootstrap ${broker.bootstrap}`);
    console.log('Ctrl-C stops the sandbox; the warehouse file stays.');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await stopAll();
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function step(n: number, what: string, detail: string): void {
  console.log(`  ${n}/5 ${what.padEnd(15)} ${detail}`);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Best effort: a desktop has xdg-open or open; a server has neither, and the URL is printed anyway. */
function openInBrowser(url: string): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(opener, [url], { detached: true, stdio: 'ignore' });
    child.on('error', () => {});
    child.unref();
  } catch {
    // Nothing to do: the URL is on the terminal.
  }
}
