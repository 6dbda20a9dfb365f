// `npm run bench -- worker`: one pipeline worker (`medallion run`, one task) on the sample pipeline
// (samples/shop.pipeline.ts) over N generated sample events in 4 partitions per topic, against a
// broker in its own process. Figures: the worker's events per second (wall time from start to
// caught up, start-up included) and its CPU seconds per million events (the worker process's own
// CPU, as it reports it in its last metrics message), against a ceiling measured in the same run:
// the same bronze records, already in memory, fed through the same merge and engine in this process
// (decoding, event time, every operator, draining the outputs), with no Kafka and no output encoding.
// A second in-memory figure adds turning the outputs into Kafka messages (headers, JSON) and record
// batches, which the worker also does. The worker's CPU is also given without its start-up (loading
// modules and the pipeline, connecting: until its `ready` message), a fixed cost of about a second
// through tsx that a run of 200,000 events spreads at several CPU seconds per million.
// Flags: --events=N (default 200,000), --commit-interval-ms=N (default 200), --cli to run the built
// CLI (dist/cli.js and dist/runner-worker.js; `npm run build` first) instead of the TypeScript
// sources through tsx.
import { spawn } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { compile, ManualClock, type PipelinePlan } from '../sandbox/engine';
import { generateSamples } from '../sandbox/replay/generate/generate';
import { replay } from '../sandbox/replay/produce/replay';
import { bundlePipeline } from '../sandbox/runner/bundle-pipeline';
import { InputMerge, type FetchedRecord } from '../sandbox/runner/input-merge';
import { eventTimeReader, MergedFeed } from '../sandbox/runner/merged-feed';
import { OutputEncoder } from '../sandbox/runner/output-records';
import { planFacts } from '../sandbox/runner/plan-facts';
import { startPipelineRun, type RunEvent } from '../sandbox/runner/supervisor';
import { loadPlan } from '../sandbox/runner/worker';
import type { WorkerMessage } from '../sandbox/runner/worker-messages';
import { BatchBuilder } from '../sandbox/wire/batch-builder';
import { Fetcher } from '../sandbox/wire/index';
import { startChildBroker } from '../test/support/child-broker';
import { makeTempDir } from '../test/support/temp-dir';

const PARTITIONS = 4;
const REPO = path.join(__dirname, '..');
const PIPELINE = path.join(REPO, 'samples', 'shop.pipeline.ts');

function flag(args: string[], name: string, fallback: number): number {
  const found = args.find((a) => a.startsWith(`--${name}=`));
  return found ? Number(found.split('=')[1]) : fallback;
}

export interface Lane { source: string; topic: string; partition: number; records: FetchedRecord[] }

/** Every bronze record of the plan's sources, read with the wire fetcher, per partition in offset order. */
async function readBronze(bootstrap: string, plan: PipelinePlan): Promise<Lane[]> {
  const fetcher = await Fetcher.connect({ bootstrap, clientId: 'bench-worker' });
  try {
    const lanes: Lane[] = [];
    for (const node of plan.nodes) {
      if (node.kind !== 'source') continue;
      const count = await fetcher.partitionCount(node.topic);
      const partitions = Array.from({ length: count }, (_, i) => i);
      const ends = await fetcher.endOffsets(node.topic, partitions);
      for (const partition of partitions) {
        const lane: Lane = { source: node.name, topic: node.topic, partition, records: [] };
        lanes.push(lane);
        if ((ends.get(partition) ?? 0) > 0) fetcher.assign(node.topic, partition, 0);
      }
      const byKey = new Map(lanes.map((l) => [`${l.topic}/${l.partition}`, l]));
      while (fetcher.assigned().length > 0) {
        for (const part of await fetcher.fetch()) {
          const lane = byKey.get(`${part.topic}/${part.partition}`)!;
          for (const r of part.records) lane.records.push({ offset: r.offset, key: r.key, value: r.value, timestamp: r.timestamp });
          if (part.nextOffset >= (ends.get(part.partition) ?? 0)) fetcher.unassign(part.topic, part.partition);
        }
      }
    }
    return lanes;
  } finally {
    fetcher.close();
  }
}

/** The ceiling: the records through the runner's merge and the engine, in memory; optionally encoded as the worker would write them. */
export function inMemory(plan: PipelinePlan, lanes: Lane[], encode: boolean): { cpuMs: number; outputs: number; bytes: number } {
  const began = process.cpuUsage();
  const clock = new ManualClock(0);
  const job = compile(plan, { clock, lineage: 100 });
  for (const source of job.sources) job.assignPartitions(source, lanes.filter((l) => l.source === source).map((l) => l.partition));
  const merge = new InputMerge(lanes.map((l) => ({ source: l.source, topic: l.topic, partition: l.partition, position: 0, end: l.records.at(-1) ? l.records.at(-1)!.offset + 1 : 0, lastTime: Number.NEGATIVE_INFINITY })), true, eventTimeReader(plan));
  for (const l of lanes) merge.offer(l.topic, l.partition, 0, l.records, l.records.length);
  const feed = new MergedFeed(job, clock, merge, null);
  const encoder = new OutputEncoder(planFacts(plan));
  let outputs = 0;
  let bytes = 0;
  const drain = (): void => {
    const drained = job.drain();
    for (const output of job.outputs) {
      const records = drained[output.name];
      if (records === undefined) continue;
      outputs += records.length;
      if (!encode) continue;
      const builder = new BatchBuilder();
      encoder.encode(records, output, null, (message) => builder.append(message, 0));
      bytes += builder.size;
    }
  };
  for (;;) {
    // As the worker's task steps: at most 2,000 records, outputs taken whenever 256 wait.
    const step = feed.step(2_000, 256, drain);
    if (step.fed === 0 && step.caughtUp) break;
    drain();
  }
  job.finish();
  drain();
  const cpu = process.cpuUsage(began);
  return { cpuMs: (cpu.user + cpu.system) / 1000, outputs, bytes };
}

/** The worker's wall time to caught up, its CPU in all and until it was ready (loading and connecting), and its commits. */
interface WorkerFigures { wallMs: number; cpuMs: number; readyCpuMs: number; commits: number }

/** A run through startPipelineRun, whose workers run the TypeScript sources through tsx. */
async function runFromSources(bootstrap: string, workDir: string, commitIntervalMs: number): Promise<WorkerFigures> {
  const began = Date.now();
  // BENCH_WORKER_PROFILE=<dir> writes the worker's CPU profile there.
  const nodeArgs = process.env.BENCH_WORKER_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_WORKER_PROFILE)}`] : [];
  if (process.env.BENCH_WORKER_NODE_ARGS) nodeArgs.push(...process.env.BENCH_WORKER_NODE_ARGS.split(' '));
  const run = await startPipelineRun({ pipelineFile: PIPELINE, bootstrap, fromBeginning: true, exitWhenCaughtUp: true, commitIntervalMs, workDir, workers: 1, nodeArgs });
  let last: Extract<WorkerMessage, { type: 'metrics' }> | null = null;
  let readyCpuMs = 0;
  run.events.on('event', (e: RunEvent) => {
    if (e.type === 'worker-message' && e.message.type === 'metrics') last = e.message;
    if (e.type === 'worker-message' && e.message.type === 'ready') readyCpuMs = e.message.cpuMs;
  });
  await run.caughtUp();
  const wallMs = Date.now() - began;
  await run.finished;
  const final = last as Extract<WorkerMessage, { type: 'metrics' }> | null;
  if (final === null) throw new Error('the worker sent no metrics');
  return { wallMs, cpuMs: final.cpuMs, readyCpuMs, commits: final.commits };
}

/** A run of the built CLI, `node dist/cli.js run … --json`, as a user runs it. */
async function runFromCli(bootstrap: string, commitIntervalMs: number): Promise<WorkerFigures> {
  const cli = path.join(REPO, 'dist', 'cli.js');
  if (!existsSync(cli) || !existsSync(path.join(REPO, 'dist', 'runner-worker.js'))) throw new Error('no dist/cli.js: run `npm run build` first');
  const age = (Date.now() - statSync(cli).mtimeMs) / 60_000;
  if (age > 60) console.warn(`dist/cli.js is ${Math.round(age)} minutes old: rebuild it (npm run build) to measure the current sources`);
  const began = Date.now();
  const child = spawn(process.execPath, [cli, 'run', PIPELINE, '--bootstrap', bootstrap, '--from-beginning', '--exit-when-caught-up', '--json', '--commit-interval-ms', String(commitIntervalMs)], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let last: Extract<WorkerMessage, { type: 'metrics' }> | null = null;
  let caughtUpAt: number | null = null;
  let readyCpuMs = 0;
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-8_000)));
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (!line.startsWith('{')) return;
    const event = JSON.parse(line) as { type?: string; message?: WorkerMessage };
    if (event.type === 'caught-up') caughtUpAt ??= Date.now();
    if (event.type === 'worker-message' && event.message?.type === 'metrics') last = event.message;
    if (event.type === 'worker-message' && event.message?.type === 'ready') readyCpuMs = event.message.cpuMs;
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`medallion run exited with ${code}: ${stderr}`);
  const final = last as Extract<WorkerMessage, { type: 'metrics' }> | null;
  if (final === null) throw new Error('the worker sent no metrics');
  return { wallMs: (caughtUpAt ?? Date.now()) - began, cpuMs: final.cpuMs, readyCpuMs, commits: final.commits };
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const events = flag(args, 'events', 200_000);
  const commitIntervalMs = flag(args, 'commit-interval-ms', 200);
  const viaCli = args.includes('--cli');
  const dir = makeTempDir('medallion-bench-worker-');
  const broker = await startChildBroker({ dataDir: path.join(dir.path, 'kafka'), partitions: PARTITIONS });
  try {
    const data = path.join(dir.path, 'data');
    await generateSamples({ events, seed: 42, out: data });
    await replay({ source: data, bootstrap: broker.bootstrap, stateFile: path.join(dir.path, 'replay.json'), progress: false, onBadRecord: () => {} });

    const plan = loadPlan(await bundlePipeline(PIPELINE, path.join(dir.path, 'bundle')));
    const lanes = await readBronze(broker.bootstrap, plan);
    if (process.env.BENCH_WORKER_SAVE) writeFileSync(process.env.BENCH_WORKER_SAVE, JSON.stringify(lanes));
    const bronze = lanes.reduce((n, l) => n + l.records.length, 0);
    // A first pass warms the engine's code up, as the worker's first records do; the second is measured.
    inMemory(plan, lanes, false);
    const engine = inMemory(plan, lanes, false);
    const encoded = inMemory(plan, lanes, true);

    const worker = viaCli ? await runFromCli(broker.bootstrap, commitIntervalMs) : await runFromSources(broker.bootstrap, path.join(dir.path, 'run'), commitIntervalMs);

    const perMillion = (ms: number): number => +((ms / 1000) * (1_000_000 / bronze)).toFixed(2);
    const figures = {
      events: bronze, partitions: PARTITIONS, commitIntervalMs, path: viaCli ? 'dist/cli.js' : 'tsx sources', outputs: engine.outputs,
      engineOnlyCpuSecondsPerMillion: perMillion(engine.cpuMs),
      engineAndEncodingCpuSecondsPerMillion: perMillion(encoded.cpuMs),
      workerEventsPerSec: Math.round((bronze * 1000) / worker.wallMs),
      workerCpuSecondsPerMillion: perMillion(worker.cpuMs),
      // Start-up (modules, the pipeline, connecting) is a fixed cost that a short run spreads over few events.
      workerStartupCpuSeconds: +(worker.readyCpuMs / 1000).toFixed(2),
      workerCpuSecondsPerMillionAfterStartup: perMillion(worker.cpuMs - worker.readyCpuMs),
      workerEventsPerCpuSecond: Math.round((bronze * 1000) / worker.cpuMs),
      workerCommits: worker.commits,
      workerCpuVsEngineOnly: +(worker.cpuMs / engine.cpuMs).toFixed(2),
      workerCpuVsEngineAndEncoding: +(worker.cpuMs / encoded.cpuMs).toFixed(2),
      workerCpuAfterStartupVsEngineAndEncoding: +((worker.cpuMs - worker.readyCpuMs) / encoded.cpuMs).toFixed(2),
    };
    console.log(figures);
    return figures;
  } finally {
    await broker.stop();
    dir.remove();
  }
}
