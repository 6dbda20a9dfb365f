/**
 * `npm run bench -- replay [--events N] [--baseline-events N] [--source DIR]`
 *
 * Replays generated samples (default 1,000,000 events, seed 42, as `medallion samples generate`
 * makes them) into the sandbox broker running as its own process, and in the same run measures:
 * 1. the replayer with its wire producer: the figure (records/s into the broker, acks=all);
 * 2. the replayer with kafkajs at its default settings on a smaller sample set of the same shape
 *    (default 100,000 events; kafkajs is slow enough that a full run would dominate the bench):
 *    the baseline the figure is compared with;
 * 3. kcat producing the same files (acks=all, librdkafka's batching): what a C client reaches;
 * 4. a plain loopback TCP write of the same number of bytes to another process: the ceiling;
 * 5. the replayer's own CPU per million records without a broker (a sink that only encodes the
 *    batches), beside two in-process baselines over the same files: reading them and splitting
 *    lines, and reading them and JSON.parse of every line (what a replayer that looks inside
 *    each record must at least do). Each is the best of three passes.
 * Rates are records per wall-clock second; CPU-seconds of this process and of the broker are
 * reported beside them, since the machine is shared and wall-clock rates swing with its load.
 */
import { readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateSamples } from '../sandbox/replay/generate/generate';
import { readFileSync } from 'node:fs';
import type { OutgoingRecord } from '../sandbox/replay/produce/outgoing-record';
import { replay, type ReplayResult } from '../sandbox/replay/produce/replay';
import type { RecordSink } from '../sandbox/replay/produce/record-sink';
import { encodeBatch } from '../sandbox/replay/produce/wire/batch-encoder';
import { startChildBroker } from '../test/support/child-broker';
import { describeResult, runCommand } from '../test/support/run-command';
import { makeTempDir } from '../test/support/temp-dir';
import { measureLoopbackCeiling } from './support/loopback-ceiling';

interface Args {
  events: number;
  baselineEvents: number;
  source: string | undefined;
}

function parseArgs(args: string[]): Args {
  const options: Args = { events: 1_000_000, baselineEvents: 100_000, source: undefined };
  for (let i = 0; i < args.length; i++) {
    const name = args[i];
    const value = args[++i];
    if (name === '--source' && value) options.source = value;
    else if ((name === '--events' || name === '--baseline-events') && value && Number.isInteger(Number(value)) && Number(value) > 0) {
      options[name === '--events' ? 'events' : 'baselineEvents'] = Number(value);
    } else throw new Error(`unknown or incomplete option ${name}; known: --events N, --baseline-events N, --source DIR`);
  }
  return options;
}

const perSecond = (n: number, ms: number) => Math.round(n / (ms / 1000));

function ndjsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ndjson'))
    .sort()
    .map((f) => path.join(dir, f));
}

async function timedReplay(source: string, bootstrap: string, client: 'wire' | 'kafkajs', topicPrefix: string, stateDir: string): Promise<{ result: ReplayResult; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const result = await replay({ source, bootstrap, client, topicPrefix, stateFile: path.join(stateDir, `${topicPrefix}state.json`), progress: false, onBadRecord: () => {} });
  const used = process.cpuUsage(cpu);
  return { result, cpuMs: (used.user + used.system) / 1000 };
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const options = parseArgs(args);
  const temp = makeTempDir('medallion-bench-replay-');
  const broker = await startChildBroker({ dataDir: path.join(temp.path, 'kafka') });
  try {
    const source = options.source ?? path.join(temp.path, 'samples');
    if (!options.source) await generateSamples({ events: options.events, seed: 42, out: source });
    const baselineSource = path.join(temp.path, 'baseline');
    await generateSamples({ events: options.baselineEvents, seed: 42, out: baselineSource });
    const files = ndjsonFiles(source);
    const bytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
    const brokerCpu = () => broker.stats()?.cpuSeconds ?? 0;

    const figures: Record<string, { records: number; recordsPerSecond: number; recordsPerCpuSecond?: number; cpuSeconds?: number; brokerCpuSeconds?: number }> = {};
    const report = (name: string, records: number, wallMs: number, cpuMs?: number, brokerSeconds?: number) => {
      figures[name] = {
        records,
        recordsPerSecond: perSecond(records, wallMs),
        ...(cpuMs !== undefined ? { recordsPerCpuSecond: perSecond(records, cpuMs), cpuSeconds: Number((cpuMs / 1000).toFixed(2)) } : {}),
        ...(brokerSeconds !== undefined ? { brokerCpuSeconds: Number(brokerSeconds.toFixed(2)) } : {}),
      };
      const extra = cpuMs !== undefined ? `, ${perSecond(records, cpuMs).toLocaleString()} per CPU-second here, ${brokerSeconds?.toFixed(2)} CPU-s in the broker` : '';
      console.log(`${name.padEnd(22)} ${figures[name]!.recordsPerSecond.toLocaleString().padStart(9)} records/s (${records.toLocaleString()} records${extra})`);
    };

    let brokerBefore = brokerCpu();
    const wire = await timedReplay(source, broker.bootstrap, 'wire', 'wire.', temp.path);
    const wireBrokerSeconds = brokerCpu() - brokerBefore;
    report('replayWire', wire.result.records, wire.result.elapsedMs, wire.cpuMs, wireBrokerSeconds);

    brokerBefore = brokerCpu();
    const baseline = await timedReplay(baselineSource, broker.bootstrap, 'kafkajs', 'kafkajs.', temp.path);
    report('replayKafkajsBaseline', baseline.result.records, baseline.result.elapsedMs, baseline.cpuMs, brokerCpu() - brokerBefore);

    // kcat reads each file as lines, one record per line, without keys or headers: it moves the
    // same values with less work per record than the replayer, so it is a ceiling, not a peer.
    const kcatStarted = performance.now();
    for (const file of files) {
      const topic = `kcat.${path.basename(file, '.ndjson')}`;
      const produced = await runCommand('kcat', ['-b', broker.bootstrap, '-q', '-P', '-t', topic, '-l', file, '-X', 'acks=all', '-X', 'linger.ms=5', '-X', 'batch.num.messages=10000', '-X', 'enable.idempotence=true'], { timeoutMs: 600_000 });
      if (produced.code !== 0) throw new Error(`kcat produce failed: ${describeResult(produced)}`);
    }
    report('kcatCeiling', wire.result.records, performance.now() - kcatStarted);

    const loopback = await measureLoopbackCeiling(bytes);
    report('loopbackWriteCeiling', wire.result.records, loopback.seconds * 1000);

    const perRecord = {
      ...(await measurePerRecordCpu(source, files, temp.path)),
      replayerWithBroker: round2(wire.cpuMs / 1000 / (wire.result.records / 1e6)),
      brokerWithReplayer: round2(wireBrokerSeconds / (wire.result.records / 1e6)),
    };
    console.log(
      `CPU-s per million records, best of 3: replayer without a broker ${perRecord.replayerNullSink}, ` +
        `reading + splitting lines ${perRecord.readLinesBaseline}, reading + JSON.parse per line ${perRecord.jsonParseBaseline}; ` +
        `with the broker: replayer ${perRecord.replayerWithBroker} (this process), broker ${perRecord.brokerWithReplayer}`,
    );

    const ratio = (a: string, b: string) => Number((figures[a]!.recordsPerSecond / figures[b]!.recordsPerSecond).toFixed(2));
    const ratios = {
      wireOverKafkajs: ratio('replayWire', 'replayKafkajsBaseline'),
      wireOverKafkajsPerCpuSecond: Number((figures.replayWire!.recordsPerCpuSecond! / figures.replayKafkajsBaseline!.recordsPerCpuSecond!).toFixed(2)),
      wireOverKcat: ratio('replayWire', 'kcatCeiling'),
      wireOverLoopback: ratio('replayWire', 'loopbackWriteCeiling'),
    };
    console.log(`wire/kafkajs ${ratios.wireOverKafkajs}x (${ratios.wireOverKafkajsPerCpuSecond}x per CPU-second), wire/kcat ${ratios.wireOverKcat}, wire/loopback ${ratios.wireOverLoopback}`);
    return {
      events: options.events,
      bytes,
      averageRecordBytes: Math.round(bytes / wire.result.records),
      loadAverageAtEnd: Number(os.loadavg()[0]?.toFixed(1)),
      cores: os.cpus().length,
      figures,
      ratios,
      cpuSecondsPerMillion: perRecord,
    };
  } finally {
    await broker.stop();
    temp.remove();
  }
}

const round2 = (v: number) => Math.round(v * 100) / 100;

/** CPU seconds of this process while `work` runs, the best of `passes` runs. */
async function bestCpuSeconds(passes: number, work: (pass: number) => Promise<number>): Promise<{ seconds: number; records: number }> {
  let best = Infinity;
  let records = 0;
  for (let pass = 0; pass < passes; pass++) {
    const before = process.cpuUsage();
    records = await work(pass);
    const used = process.cpuUsage(before);
    best = Math.min(best, (used.user + used.system) / 1e6);
  }
  return { seconds: best, records };
}

/**
 * The replayer's CPU per million records with a sink that encodes every batch as the wire
 * producer does and sends nothing, and the two baselines, over the same files in this process.
 */
async function measurePerRecordCpu(source: string, files: string[], workDir: string): Promise<{ replayerNullSink: number; readLinesBaseline: number; jsonParseBaseline: number }> {
  const encodingSink: RecordSink = {
    maxInFlight: 4,
    partitionsFor: async (_topic, createWith) => createWith ?? 1,
    send: async (records: OutgoingRecord[]) => {
      const byPartition = new Map<string, OutgoingRecord[]>();
      for (const r of records) {
        const key = `${r.topic}\u0000${r.partition}`;
        let list = byPartition.get(key);
        if (!list) byPartition.set(key, (list = []));
        list.push(r);
      }
      for (const list of byPartition.values()) encodeBatch(list, { producerId: 1, producerEpoch: 0, baseSequence: 0 }, Date.now());
    },
    close: async () => {},
  };
  const replayer = await bestCpuSeconds(3, async (pass) => {
    const result = await replay({ source, sink: encodingSink, stateFile: path.join(workDir, `null-sink-${pass}.json`), progress: false, onBadRecord: () => {} });
    return result.records;
  });
  const lines = (parse: boolean) => async () => {
    let n = 0;
    for (const file of files) {
      const data = readFileSync(file);
      const text = data.toString('latin1');
      let from = 0;
      for (let nl = data.indexOf(10, from); nl !== -1; nl = data.indexOf(10, from)) {
        if (parse) {
          try {
            JSON.parse(text.slice(from, nl));
          } catch {
            // Poison lines are part of the input; parsing them is the work.
          }
        }
        from = nl + 1;
        n++;
      }
    }
    return n;
  };
  const readLines = await bestCpuSeconds(3, lines(false));
  const parsed = await bestCpuSeconds(3, lines(true));
  const perMillion = (r: { seconds: number; records: number }) => round2(r.seconds / (r.records / 1e6));
  return { replayerNullSink: perMillion(replayer), readLinesBaseline: perMillion(readLines), jsonParseBaseline: perMillion(parsed) };
}
