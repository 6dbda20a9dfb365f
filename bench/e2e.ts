/**
 * `npm run bench -- e2e [--events N] [--latency-seconds S]`
 *
 * The whole loop on the sample pipeline, each part in the process it has in real use: the sandbox
 * broker in its own process, the pipeline in a worker process (`startPipelineRun`), and the replayer
 * and the DuckDB materializer in this one.
 *
 * 1. Throughput: the pipeline and the materializer start on empty bronze topics, then N generated
 *    sample events (default 1,000,000, seed 42) are replayed into bronze as fast as the replayer
 *    goes, while the pipeline consumes them and the materializer appends every layer and side output
 *    to DuckDB. The figure is N over the time from the first record produced to the last gold row
 *    visible in DuckDB, after the pipeline committed the end of bronze; each stage's own rate beside it.
 * 2. Latency at half that rate: a fresh sandbox, the pipeline and the materializer running
 *    continuously. The customers changelog is replayed first, at once; then orders, payments and
 *    page views are paced by event time (compressed so that they arrive at half the measured rate;
 *    see splitStreams for why not every stream). Every 50 ms the bench reads the newest event time
 *    visible in the silver `orders_clean` table; the wall time at which the replayer sent that
 *    event is known from the pacing, so the difference is the produce-to-visible lag of the newest
 *    visible event. p50 and p99 over the samples.
 * 3. The ceiling, in the same run: `JSON.parse` plus `JSON.stringify` of every event, once.
 * Also CPU seconds per million events over all three processes, and their peak RSS.
 */
import { linkSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { AssignerProtocol, Kafka, logLevel, type Admin } from 'kafkajs';
import { parseEventTime } from '../sandbox/replay/event-time';
import { generateSamples } from '../sandbox/replay/generate/generate';
import { replay } from '../sandbox/replay/produce/replay';
import { startPipelineRun, type PipelineRun } from '../sandbox/runner/index';
import { Materializer, Warehouse } from '../sandbox/warehouse/index';
import { startChildBroker, type ChildBroker } from '../test/support/child-broker';
import { readProcStats } from '../test/support/proc-stats';
import { makeTempDir } from '../test/support/temp-dir';

const PIPELINE = path.join(__dirname, '..', 'samples', 'shop.pipeline.ts');
/** Topics the warehouse leaves out: the runner's checkpoints and Kafka's own. */
const MATERIALIZED = /^(?!__)(?!.*-changelog$)/;

interface Args {
  events: number;
  latencySeconds: number;
}

function parseArgs(args: string[]): Args {
  const out: Args = { events: 1_000_000, latencySeconds: 20 };
  for (let i = 0; i < args.length; i++) {
    const [name, value] = [args[i], Number(args[i + 1])];
    i++;
    if (name === '--events' && Number.isInteger(value) && value > 0) out.events = value;
    else if (name === '--latency-seconds' && value > 0) out.latencySeconds = value;
    else throw new Error(`unknown or incomplete option ${name}; known: --events N, --latency-seconds S`);
  }
  return out;
}

const perSecond = (n: number, ms: number): number => Math.round(n / (ms / 1000));

/** CPU seconds of this process and of the given children, sampled at the end of each phase. */
class CpuMeter {
  private readonly start = process.cpuUsage();
  private readonly children = new Map<number, number>();

  /** Call while a child runs; its last reading counts. */
  sample(pids: readonly (number | undefined)[]): void {
    for (const pid of pids) {
      if (pid === undefined) continue;
      const stats = readProcStats(pid);
      if (stats !== null) this.children.set(pid, stats.cpuSeconds);
    }
  }

  /** This process's CPU seconds since the meter started. */
  ownSeconds(): number {
    const own = process.cpuUsage(this.start);
    return (own.user + own.system) / 1e6;
  }

  /** The CPU seconds of the given children, as last sampled. */
  childSeconds(pids: readonly (number | undefined)[]): number {
    return pids.reduce<number>((sum, pid) => sum + (pid === undefined ? 0 : (this.children.get(pid) ?? 0)), 0);
  }

  totalSeconds(): number {
    return this.ownSeconds() + [...this.children.values()].reduce((a, b) => a + b, 0);
  }
}

/** Peak RSS of this process and the children, sampled every 200 ms. */
function peakRss(pids: () => (number | undefined)[]): { stop(): number } {
  let peak = 0;
  const sample = (): void => {
    let sum = process.memoryUsage.rss();
    for (const pid of pids()) if (pid !== undefined) sum += readProcStats(pid)?.rssBytes ?? 0;
    peak = Math.max(peak, sum);
  };
  const timer = setInterval(sample, 200);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

function ceiling(dir: string): { events: number; ms: number } {
  let events = 0;
  const started = performance.now();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ndjson'))) {
    for (const line of readFileSync(path.join(dir, file), 'utf8').split('\n')) {
      if (line.length === 0) continue;
      try {
        JSON.stringify(JSON.parse(line));
      } catch {
        // Poison lines are part of the input; parsing them is the work.
      }
      events++;
    }
  }
  return { events, ms: performance.now() - started };
}

/** The consumer group of the throughput run, named so the bench can read its committed offsets. */
const THROUGHPUT_GROUP = 'bench-e2e-throughput';

/**
 * Waits until the run's group has committed, for every bronze partition assigned to it, the
 * partition's end offset: then every replayed event is in the pipeline's state or its outputs. The
 * assigned topics come from the group's own assignment, so the bench needs no list of the pipeline's
 * inputs; the changelog topic is the runner's and is left out.
 */
async function waitUntilCommittedToEnd(bootstrap: string, group: string, timeoutMs: number): Promise<void> {
  const admin = new Kafka({ clientId: 'bench-e2e-progress', brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (performance.now() > deadline) throw new Error(`the run did not commit the end of bronze within ${timeoutMs / 1000} s`);
      const described = await admin.describeGroups([group]);
      const topics = new Set<string>();
      for (const member of described.groups[0]?.members ?? []) {
        const assignment = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
        for (const topic of Object.keys(assignment?.assignment ?? {})) if (!topic.endsWith('-changelog')) topics.add(topic);
      }
      if (topics.size > 0 && await committedToEnd(admin, group, [...topics])) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await admin.disconnect();
  }
}

async function committedToEnd(admin: Admin, group: string, topics: string[]): Promise<boolean> {
  const committed = await admin.fetchOffsets({ groupId: group, topics });
  for (const { topic, partitions } of committed) {
    const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high]));
    if (partitions.some((p) => p.offset !== ends.get(p.partition))) return false;
  }
  return true;
}

/**
 * Replay, pipeline and materializer all run at once, as they do in use: the pipeline and the
 * materializer start on empty bronze topics, then the replayer sends every event as fast as it goes.
 * The end is the last gold row visible in DuckDB after the pipeline committed the end of bronze.
 */
async function throughput(dataDir: string, workDir: string, events: number): Promise<Record<string, number>> {
  const broker = await startChildBroker({ dataDir: path.join(workDir, 'kafka-1'), partitions: 4 });
  const warehouse = await Warehouse.open({ path: path.join(workDir, 'throughput.duckdb') });
  let run: PipelineRun | undefined;
  // Every worker process seen, also ones that have exited by the time their CPU is counted.
  const workerPids = new Set<number>();
  const pids = () => {
    for (const pid of run?.pids() ?? []) if (pid !== undefined) workerPids.add(pid);
    return [broker.pid, ...workerPids];
  };
  const cpu = new CpuMeter();
  const rss = peakRss(pids);
  const sampler = setInterval(() => cpu.sample(pids()), 250);
  try {
    await createTopics(broker.bootstrap, dataDir);
    const materializer = await Materializer.start(warehouse, { bootstrap: broker.bootstrap, pattern: MATERIALIZED, log: () => {} });
    run = await startPipelineRun({ pipelineFile: PIPELINE, bootstrap: broker.bootstrap, fromBeginning: true, group: THROUGHPUT_GROUP, workDir: path.join(workDir, 'run-1') });
    const started = performance.now();
    const replayed = await replay({ source: dataDir, bootstrap: broker.bootstrap, stateFile: path.join(workDir, 'replay-1.json'), progress: false, onBadRecord: () => {} });
    const replayMs = performance.now() - started;
    console.log(`  replay: ${replayed.records.toLocaleString()} records in ${(replayMs / 1000).toFixed(1)} s (${perSecond(replayed.records, replayMs).toLocaleString()}/s), the pipeline and the materializer running beside it`);
    await waitUntilCommittedToEnd(broker.bootstrap, THROUGHPUT_GROUP, 600_000);
    const pipelineMs = performance.now() - started;
    cpu.sample(pids());
    await run.stop();
    console.log(`  pipeline: committed the end of bronze ${(pipelineMs / 1000).toFixed(1)} s after the first event (${perSecond(events, pipelineMs).toLocaleString()} events/s)`);
    await materializer.waitUntilCaughtUp(600_000);
    const totalMs = performance.now() - started;
    const goldRows = await warehouse.query(`SELECT count(*) FROM revenue_per_region_per_minute`);
    console.log(`  warehouse: ${materializer.stats.records.toLocaleString()} rows materialized; visible ${((totalMs - pipelineMs) / 1000).toFixed(1)} s after the pipeline's last commit`);
    cpu.sample(pids());
    await materializer.stop();
    return {
      events, totalMs: Math.round(totalMs), eventsPerSecond: perSecond(events, totalMs),
      replayPerSecond: perSecond(replayed.records, replayMs), pipelinePerSecond: perSecond(events, pipelineMs),
      rowsMaterialized: materializer.stats.records, revenueRows: Number(goldRows.rows[0]?.[0] ?? 0),
      cpuSecondsPerMillion: Number((cpu.totalSeconds() / (events / 1e6)).toFixed(1)),
      // Where the CPU went, per million events: the pipeline's workers, the broker, and this process
      // (the replayer and the materializer with DuckDB's threads).
      workerCpuSecondsPerMillion: Number((cpu.childSeconds([...workerPids]) / (events / 1e6)).toFixed(1)),
      brokerCpuSecondsPerMillion: Number((cpu.childSeconds([broker.pid]) / (events / 1e6)).toFixed(1)),
      replayAndWarehouseCpuSecondsPerMillion: Number((cpu.ownSeconds() / (events / 1e6)).toFixed(1)),
      peakRssMb: Math.round(rss.stop() / 2 ** 20),
    };
  } finally {
    clearInterval(sampler);
    rss.stop();
    await run?.stop().catch(() => {});
    await warehouse.close();
    await broker.stop();
  }
}

/**
 * The event-time span of one samples file. Over the files it paces, the pacer's origin is the first
 * event it sends, which is the earliest (the replayer merges files by event time), and the last is the latest.
 */
function eventSpanMs(file: string): { first: number; last: number } {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    let value: { ts?: unknown; updated_at?: unknown };
    try {
      value = JSON.parse(line) as typeof value;
    } catch {
      continue;
    }
    const at = parseEventTime(value.ts ?? value.updated_at);
    if (at === undefined) continue;
    first = Math.min(first, at);
    last = Math.max(last, at);
  }
  if (!(last > first)) throw new Error(`${file}: no event-time span`);
  return { first, last };
}

/**
 * Splits a samples folder for the latency run. Paced together, the streams' very different spans
 * would make a poor pace: customers (a changelog by `updated_at`) reach months back, shipments and
 * refunds days ahead, while orders, payments and page views happen within the same few hours. So
 * `dimensions` (the changelogs) are replayed first, at once; `paced` (the event streams that end
 * within an hour of the orders) are replayed at the measured pace; the follow-ups are left out.
 */
function splitStreams(dir: string): { dimensions: string; paced: string; span: { first: number; last: number }; lastOrder: number } {
  const manifest = JSON.parse(readFileSync(path.join(dir, 'MANIFEST.json'), 'utf8')) as { streams: { stream: string; file: string; timestampField?: string }[] };
  const out = { dimensions: path.join(dir, 'dimensions'), paced: path.join(dir, 'paced') };
  for (const folder of Object.values(out)) {
    mkdirSync(folder);
    linkSync(path.join(dir, 'MANIFEST.json'), path.join(folder, 'MANIFEST.json'));
  }
  // Each file is read once; the paced streams' span is the union of theirs.
  const spans = new Map(manifest.streams.filter((s) => s.timestampField === 'ts').map((s) => [s.file, eventSpanMs(path.join(dir, s.file))]));
  const lastOrder = spans.get('orders.ndjson')!.last;
  const span = { first: Number.POSITIVE_INFINITY, last: Number.NEGATIVE_INFINITY };
  for (const stream of manifest.streams) {
    const file = path.join(dir, stream.file);
    const own = spans.get(stream.file);
    if (own === undefined) linkSync(file, path.join(out.dimensions, stream.file));
    else if (own.last <= lastOrder + 3_600_000) {
      linkSync(file, path.join(out.paced, stream.file));
      span.first = Math.min(span.first, own.first);
      span.last = Math.max(span.last, own.last);
    }
  }
  return { ...out, span, lastOrder };
}

async function createTopics(bootstrap: string, dir: string): Promise<void> {
  const manifest = JSON.parse(readFileSync(path.join(dir, 'MANIFEST.json'), 'utf8')) as { streams: { topic: string; partitions?: number }[] };
  const admin = new Kafka({ clientId: 'bench-e2e', brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: manifest.streams.map((s) => ({ topic: s.topic, numPartitions: s.partitions ?? 4 })) });
  } finally {
    await admin.disconnect();
  }
}

async function latency(workDir: string, rate: number, seconds: number): Promise<Record<string, number>> {
  const events = Math.max(10_000, Math.round(rate * seconds));
  const dir = path.join(workDir, 'latency-data');
  await generateSamples({ events, seed: 7, out: dir });
  // The newest order: once it is visible in silver, every order is.
  const { span, lastOrder, ...streams } = splitStreams(dir);
  // The replayer sends an event at start + (eventTime - first) / speed.
  const speed = (span.last - span.first) / 1000 / seconds;
  const broker: ChildBroker = await startChildBroker({ dataDir: path.join(workDir, 'kafka-2'), partitions: 4 });
  const warehouse = await Warehouse.open({ path: path.join(workDir, 'latency.duckdb') });
  let run: PipelineRun | undefined;
  const lags: number[] = [];
  let paced: { records: number; elapsedMs: number } | undefined;
  try {
    // The pipeline starts before any event exists, as a deployed one would, so its bronze topics are
    // created first: a runner lays out its tasks by the partitions it finds.
    await createTopics(broker.bootstrap, dir);
    const materializer = await Materializer.start(warehouse, { bootstrap: broker.bootstrap, pattern: MATERIALIZED, log: () => {} });
    run = await startPipelineRun({ pipelineFile: PIPELINE, bootstrap: broker.bootstrap, fromBeginning: true, commitIntervalMs: 100, workDir: path.join(workDir, 'run-2') });
    let replayStart = Number.NaN;
    let newestSeen = Number.NEGATIVE_INFINITY;
    let polling = true;
    const poll = (async () => {
      while (polling) {
        await new Promise((r) => setTimeout(r, 50));
        if (!Number.isFinite(replayStart)) continue;
        const result = await warehouse.query('SELECT epoch_ms(max(_timestamp)) FROM orders_clean').catch((e: unknown) => { if (process.env.DEBUG_E2E) console.log(String(e)); return null; });
        const newest = Number(result?.rows[0]?.[0]);
        if (!Number.isFinite(newest) || newest <= 0) continue;
        newestSeen = newest;
        const sentAt = replayStart + (newest - span.first) / speed;
        lags.push(performance.now() - sentAt);
      }
    })();
    await replay({ source: streams.dimensions, bootstrap: broker.bootstrap, stateFile: path.join(workDir, 'replay-2-dimensions.json'), progress: false, onBadRecord: () => {} });
    replayStart = performance.now();
    paced = await replay({ source: streams.paced, bootstrap: broker.bootstrap, speed, stateFile: path.join(workDir, 'replay-2-paced.json'), progress: false, onBadRecord: () => {} });
    // Keep sampling until the newest events are visible (or a minute has passed), so the tail of
    // the lag distribution is measured rather than cut off when the replay ends.
    const tailEnds = performance.now() + 60_000;
    // An order quarantined or dropped as late never shows; five minutes of event time is 1/4 s here.
    while (performance.now() < tailEnds && !(newestSeen >= lastOrder - 300_000)) await new Promise((r) => setTimeout(r, 100));
    polling = false;
    await poll;
    await materializer.stop();
  } finally {
    await run?.stop().catch(() => {});
    await warehouse.close();
    await broker.stop();
  }
  // Samples before the first orders row is visible say nothing about lag; the steady part does.
  const sorted = lags.filter((l) => Number.isFinite(l)).sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN);
  const pacedRate = paced ? Math.round(paced.records / (paced.elapsedMs / 1000)) : Number.NaN;
  return { rate: Math.round(rate), pacedRate, events, samples: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: Math.round(sorted[sorted.length - 1] ?? Number.NaN) };
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const options = parseArgs(args);
  const work = makeTempDir('medallion-bench-e2e-');
  try {
    const data = path.join(work.path, 'data');
    const generated = performance.now();
    await generateSamples({ events: options.events, seed: 42, out: data });
    console.log(`generated ${options.events.toLocaleString()} sample events in ${((performance.now() - generated) / 1000).toFixed(1)} s`);

    const ceil = ceiling(data);
    const ceilingPerSecond = perSecond(ceil.events, ceil.ms);
    console.log(`ceiling: JSON.parse + JSON.stringify of ${ceil.events.toLocaleString()} events: ${ceilingPerSecond.toLocaleString()} events/s`);

    console.log('throughput, replay → pipeline → DuckDB:');
    const t = await throughput(data, work.path, ceil.events);
    console.log(`  CPU-s per million events: pipeline workers ${t.workerCpuSecondsPerMillion}, broker ${t.brokerCpuSecondsPerMillion}, replayer + materializer + DuckDB ${t.replayAndWarehouseCpuSecondsPerMillion}`);
    console.log(`end to end: ${t.eventsPerSecond!.toLocaleString()} events/s (target ≥ 150,000), ${(t.eventsPerSecond! / ceilingPerSecond * 100).toFixed(1)}% of the ceiling; ${t.cpuSecondsPerMillion} CPU-s per million events; peak RSS ${t.peakRssMb} MB over all processes`);

    console.log(`latency at half that rate (${Math.round(t.eventsPerSecond! / 2).toLocaleString()} events/s):`);
    const l = await latency(work.path, t.eventsPerSecond! / 2, options.latencySeconds);
    console.log(`  paced replay: ${l.pacedRate!.toLocaleString()} events/s (orders, payments and page views; customers replayed before at once)`);
    console.log(`produce → visible in silver: p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms (target p99 < 2,000 ms), max ${l.maxMs} ms over ${l.samples} samples`);
    return { ceilingEventsPerSecond: ceilingPerSecond, throughput: t, latency: l, ratioToCeiling: Number((t.eventsPerSecond! / ceilingPerSecond).toFixed(3)) };
  } finally {
    work.remove();
  }
}
