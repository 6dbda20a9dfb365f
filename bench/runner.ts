// `npm run bench -- runner`: `medallion run` end to end against the sandbox broker (in this
// process), on N keyed events in 4 partitions through the keyed-totals test pipeline (silver map
// and expectation, gold tumbling window). Figures are records per second of wall time from start
// to caught up (worker start-up included), against two ceilings measured in the same run: reading
// the same topic with kafkajs and nothing else, and the engine alone in-process on the same records.
// Flags: --events=N (default 200,000), --commit-interval-ms=N (default 200).
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { compile } from '../sandbox/engine';
import { startBroker } from '../sandbox/broker';
import { startPipelineRun, type PipelineRunOptions } from '../sandbox/runner';
import { readTopicToEnd } from '../sandbox/runner/topic-reader';
import { makeTempDir } from '../test/support/temp-dir';
import { loadPipeline } from '../test/runner/runner-harness';

const PARTITIONS = 4;
const FIXTURE = path.join(__dirname, '..', 'test', 'runner', 'fixtures', 'keyed-totals.pipeline.ts');

function flag(args: string[], name: string, fallback: number): number {
  const found = args.find((a) => a.startsWith(`--${name}=`));
  return found ? Number(found.split('=')[1]) : fallback;
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const events = flag(args, 'events', 200_000);
  const commitIntervalMs = flag(args, 'commit-interval-ms', 200);
  const dir = makeTempDir('medallion-bench-runner-');
  const broker = await startBroker({ port: 0, dataDir: path.join(dir.path, 'kafka'), groupInitialRebalanceDelayMs: 0, logger: { info: () => {}, warn: () => {}, error: () => {} } });
  try {
    const kafka = new Kafka({ clientId: 'bench', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'events', numPartitions: PARTITIONS }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    const start = Date.parse('2026-03-02T09:00:00Z');
    const values: { key: string; value: string }[] = [];
    for (let i = 0; i < events; i++) {
      const key = `k-${i % 500}`;
      values.push({ key, value: JSON.stringify({ key, amount: i % 97, ts: start + i * 5 - (i % 7) * 300 }) });
    }
    for (let i = 0; i < values.length; i += 5_000) await producer.send({ topic: 'events', messages: values.slice(i, i + 5_000) });
    await producer.disconnect();

    let t = Date.now();
    const read = await readTopicToEnd(kafka, 'events', 300_000);
    const consumeOnlyMs = Date.now() - t;

    // The engine alone: each partition's records through its own job, as per-partition tasks run them.
    const pipeline = await loadPipeline(FIXTURE, dir.path);
    t = Date.now();
    for (let p = 0; p < PARTITIONS; p++) {
      const job = compile(pipeline.plan, { lineage: 100 });
      job.assignPartitions('events', [p]);
      const mine = read.filter((r) => r.partition === p).sort((a, b) => a.offset - b.offset);
      job.push('events', p, mine.map((r) => ({ offset: r.offset, value: r.value })));
      job.finish();
      job.drain();
    }
    const engineMs = Date.now() - t;

    const runOnce = async (label: string, options: Partial<PipelineRunOptions>): Promise<number> => {
      const began = Date.now();
      const nodeArgs = process.env.BENCH_RUNNER_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_RUNNER_PROFILE}`] : [];
      const handle = await startPipelineRun({ nodeArgs, pipelineFile: FIXTURE, bootstrap: broker.bootstrap, fromBeginning: true, exitWhenCaughtUp: true, commitIntervalMs, workDir: dir.path, group: `bench-${label}`, topicSuffix: `.${label}`, ...options });
      await handle.caughtUp();
      return Date.now() - began;
    };
    const singleMs = await runOnce('one-worker', { workers: 1, tasks: 'per-partition' });
    const twoMs = await runOnce('two-workers', { workers: 2, tasks: 'per-partition' });

    const rate = (ms: number): number => Math.round((events * 1000) / ms);
    const figures = {
      events, partitions: PARTITIONS, commitIntervalMs,
      consumeOnlyRecordsPerSec: rate(consumeOnlyMs),
      engineOnlyRecordsPerSec: rate(engineMs),
      runnerOneWorkerRecordsPerSec: rate(singleMs),
      runnerTwoWorkersRecordsPerSec: rate(twoMs),
      oneWorkerVsConsumeOnly: +(consumeOnlyMs / singleMs).toFixed(3),
      oneWorkerVsEngineOnly: +(engineMs / singleMs).toFixed(3),
      twoWorkersVsOneWorker: +(singleMs / twoMs).toFixed(3),
    };
    console.log(figures);
    return figures;
  } finally {
    await broker.close();
    dir.remove();
  }
}
