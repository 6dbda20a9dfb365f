/**
 * `npm run bench -- broker [--records N] [--size B] [--stored N] [--profile] [--cost-records N] [--costs-only]`
 *
 * First, the broker's CPU per million records on each path of the end-to-end flow (produce,
 * transactional produce, fetch read_uncommitted and read_committed), driven by the project's own
 * wire clients, each beside a baseline process that moves the same bytes between a socket and a
 * file (support/broker-costs.ts); `--cost-records` (default 500,000) sets how many records, and
 * `--costs-only` stops there.
 *
 * kcat produces N records of B bytes (default 1,000,000 of 100) into the sandbox broker running as
 * its own process, then consumes them all; the broker's CPU time and memory come from /proc, so they
 * are its own and not the clients'. In the same run a plain loopback socket between two processes
 * moves the same bytes, as the ceiling. Then more records are produced until `--stored` (default
 * 5,000,000) are kept, and the broker's memory is read again. `--profile` runs the broker under
 * `node --cpu-prof` and lists where its time went (the profiler slows it, so its figures are not
 * comparable with an unprofiled run).
 */
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { startChildBroker } from '../test/support/child-broker';
import { readProcStats, sampleRss } from '../test/support/proc-stats';
import { runCommand, describeResult } from '../test/support/run-command';
import { makeTempDir } from '../test/support/temp-dir';
import { topSelfTime, type HotFunction } from './support/cpu-profile';
import { measureBrokerCosts, type BrokerCosts, type PhaseCost } from './support/broker-costs';
import { measureLoopbackCeiling } from './support/loopback-ceiling';
import { writeRecordsFile } from './support/records-file';

const TARGETS = { produceRecordsPerSecond: 400_000, consumeRecordsPerSecond: 1_000_000, rssMegabytesAtStored: 300 };

/** librdkafka producer settings: batches of up to 10,000 records, a short linger, acks from the leader (as Kafka's perf test). */
const PRODUCER_SETTINGS = ['linger.ms=5', 'batch.num.messages=10000', 'batch.size=1000000', 'acks=1', 'queue.buffering.max.messages=2000000', 'compression.codec=none'];
/**
 * A throughput-minded consumer: 16 MB fetches instead of librdkafka's 1 MB per partition, a local
 * queue big enough not to pause fetching, and a short wait on the last, empty fetch that tells kcat
 * it reached the end (librdkafka's 500 ms default would be half a second of idling in the figure).
 * The run also consumes once with librdkafka's defaults, reported beside it.
 */
const CONSUMER_SETTINGS = ['fetch.message.max.bytes=16777216', 'fetch.max.bytes=67108864', 'queued.min.messages=1000000', 'queued.max.messages.kbytes=1048576', 'fetch.wait.max.ms=10'];

interface Options {
  costRecords: number;
  costsOnly: boolean;
  records: number;
  size: number;
  stored: number;
  profile: boolean;
}

function parseArgs(args: string[]): Options {
  const options: Options = { costRecords: 500_000, costsOnly: false, records: 1_000_000, size: 100, stored: 5_000_000, profile: false };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    const value = () => {
      const v = Number(args[++i]);
      if (!Number.isInteger(v) || v <= 0) throw new Error(`${flag} needs a positive integer`);
      return v;
    };
    if (flag === '--records') options.records = value();
    else if (flag === '--size') options.size = value();
    else if (flag === '--stored') options.stored = value();
    else if (flag === '--profile') options.profile = true;
    else if (flag === '--cost-records') options.costRecords = value();
    else if (flag === '--costs-only') options.costsOnly = true;
    else throw new Error(`unknown option ${flag}; known: --records N, --size B, --stored N, --profile, --cost-records N, --costs-only`);
  }
  if (options.stored < options.records) options.stored = options.records;
  return options;
}

const MB = 1024 * 1024;
const kcatSettings = (settings: string[]) => settings.flatMap((s) => ['-X', s]);

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const options = parseArgs(args);
  const costs = await runCosts(options);
  if (options.costsOnly) return { costs };
  const work = makeTempDir('medallion-bench-broker-');
  const dataDir = path.join(work.path, 'data');
  const profileDir = path.join(work.path, 'profile');
  mkdirSync(profileDir);
  const input = path.join(work.path, 'records.txt');
  const inputBytes = writeRecordsFile(input, options.records, options.size);
  const payloadBytes = options.records * options.size;
  const topic = 'bench';

  const broker = await startChildBroker({
    dataDir,
    nodeArgs: options.profile ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [],
  });
  const rss = sampleRss(broker.pid, 100);
  try {
    const cpu = () => readProcStats(broker.pid)?.cpuSeconds ?? Number.NaN;

    const cpuBeforeProduce = cpu();
    const produced = await runCommand('kcat', ['-b', broker.bootstrap, '-q', '-P', '-t', topic, '-l', input, ...kcatSettings(PRODUCER_SETTINGS)], {
      timeoutMs: 600_000,
    });
    if (produced.code !== 0) throw new Error(`kcat produce failed: ${describeResult(produced)}`);
    const produceCpu = cpu() - cpuBeforeProduce;
    const produceSeconds = produced.elapsedMs / 1000;

    const consumeAll = async (settings: string[]) => {
      const before = cpu();
      const consumed = await runCommand('kcat', ['-b', broker.bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', ...kcatSettings(settings)], {
        timeoutMs: 600_000,
        discardStdout: true,
      });
      if (consumed.code !== 0) throw new Error(`kcat consume failed: ${describeResult(consumed)}`);
      const end = /Reached end of topic \S+ \[0\] at offset (\d+)/.exec(consumed.stderr);
      const consumedRecords = end ? Number(end[1]) : Number.NaN;
      if (consumedRecords !== options.records) {
        throw new Error(`the consumer reached offset ${consumedRecords}, expected ${options.records}; stderr: ${consumed.stderr.slice(-500)}`);
      }
      const seconds = consumed.elapsedMs / 1000;
      return {
        seconds: round(seconds, 3),
        recordsPerSecond: Math.round(options.records / seconds),
        megabytesPerSecond: round(payloadBytes / 1e6 / seconds, 1),
        brokerCpuSecondsPerMillion: round((cpu() - before) / (options.records / 1e6), 2),
      };
    };
    const consumeDefaults = await consumeAll([]);
    const consume = await consumeAll(CONSUMER_SETTINGS);

    const ceiling = await measureLoopbackCeiling(payloadBytes);

    // Fill the log up to `stored` records by producing the same file again, then read the memory at rest.
    let stored = options.records;
    while (stored < options.stored) {
      const again = await runCommand('kcat', ['-b', broker.bootstrap, '-q', '-P', '-t', topic, '-l', input, ...kcatSettings(PRODUCER_SETTINGS)], { timeoutMs: 600_000 });
      if (again.code !== 0) throw new Error(`kcat produce (retention fill) failed: ${describeResult(again)}`);
      stored += options.records;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const atRest = readProcStats(broker.pid);
    const peakSampled = rss.stop();
    const logBytes = directoryBytes(dataDir);

    const figures = {
      records: options.records,
      recordBytes: options.size,
      producerSettings: PRODUCER_SETTINGS,
      consumerSettings: CONSUMER_SETTINGS,
      profiled: options.profile,
      produce: {
        seconds: round(produceSeconds, 3),
        recordsPerSecond: Math.round(options.records / produceSeconds),
        megabytesPerSecond: round(payloadBytes / 1e6 / produceSeconds, 1),
        brokerCpuSecondsPerMillion: round(produceCpu / (options.records / 1e6), 2),
      },
      consume,
      consumeWithLibrdkafkaDefaults: consumeDefaults,
      loopbackCeiling: {
        bytes: ceiling.bytes,
        seconds: round(ceiling.seconds, 3),
        megabytesPerSecond: round(ceiling.megabytesPerSecond, 1),
        recordsPerSecondEquivalent: Math.round(options.records / ceiling.seconds),
      },
      memory: {
        storedRecords: stored,
        storedLogMegabytes: round(logBytes / MB, 1),
        rssAtRestMegabytes: round((atRest?.rssBytes ?? Number.NaN) / MB, 1),
        peakRssSampledMegabytes: round(peakSampled / MB, 1),
        vmHwmMegabytes: round((atRest?.peakRssBytes ?? Number.NaN) / MB, 1),
      },
      inputFileBytes: inputBytes,
    };
    const peakMb = Math.max(figures.memory.vmHwmMegabytes, figures.memory.peakRssSampledMegabytes);
    const verdicts = {
      produce: figures.produce.recordsPerSecond >= TARGETS.produceRecordsPerSecond,
      consume: figures.consume.recordsPerSecond >= TARGETS.consumeRecordsPerSecond,
      rss: peakMb < TARGETS.rssMegabytesAtStored,
    };
    printTable(figures, verdicts, peakMb);

    await broker.stop(30_000);
    const hot = options.profile ? printProfile(profileDir, 'broker CPU profile') : [];
    return { costs, ...figures, targets: TARGETS, pass: verdicts, ...(options.profile ? { profileTop: hot } : {}) };
  } finally {
    rss.stop();
    await broker.stop(30_000);
    work.remove();
  }
}

function printTable(
  f: {
    records: number;
    produce: { recordsPerSecond: number; megabytesPerSecond: number; brokerCpuSecondsPerMillion: number; seconds: number };
    consume: { recordsPerSecond: number; megabytesPerSecond: number; brokerCpuSecondsPerMillion: number; seconds: number };
    consumeWithLibrdkafkaDefaults: { recordsPerSecond: number; megabytesPerSecond: number; brokerCpuSecondsPerMillion: number; seconds: number };
    loopbackCeiling: { recordsPerSecondEquivalent: number; megabytesPerSecond: number; seconds: number };
    memory: { storedRecords: number; rssAtRestMegabytes: number; vmHwmMegabytes: number; peakRssSampledMegabytes: number; storedLogMegabytes: number };
  },
  verdicts: { produce: boolean; consume: boolean; rss: boolean },
  peakMb: number,
): void {
  const n = (v: number) => v.toLocaleString('en-US');
  const row = (cells: string[]) => console.log(cells.map((c, i) => (i === 0 ? c.padEnd(26) : c.padStart(14))).join(''));
  console.log(`${n(f.records)} records; producer: ${PRODUCER_SETTINGS.join(' ')}; consumer: ${CONSUMER_SETTINGS.join(' ')}`);
  row(['phase', 'seconds', 'records/s', 'MB/s', 'CPU s/1M rec']);
  row(['kcat -P (produce)', f.produce.seconds.toFixed(2), n(f.produce.recordsPerSecond), f.produce.megabytesPerSecond.toFixed(1), f.produce.brokerCpuSecondsPerMillion.toFixed(2)]);
  const d = f.consumeWithLibrdkafkaDefaults;
  row(['kcat -C -e (defaults)', d.seconds.toFixed(2), n(d.recordsPerSecond), d.megabytesPerSecond.toFixed(1), d.brokerCpuSecondsPerMillion.toFixed(2)]);
  row(['kcat -C -e (consume)', f.consume.seconds.toFixed(2), n(f.consume.recordsPerSecond), f.consume.megabytesPerSecond.toFixed(1), f.consume.brokerCpuSecondsPerMillion.toFixed(2)]);
  row(['loopback socket ceiling', f.loopbackCeiling.seconds.toFixed(2), n(f.loopbackCeiling.recordsPerSecondEquivalent), f.loopbackCeiling.megabytesPerSecond.toFixed(1), '-']);
  console.log(
    `memory with ${n(f.memory.storedRecords)} records stored (${f.memory.storedLogMegabytes} MB of log): RSS at rest ${f.memory.rssAtRestMegabytes} MB, ` +
      `peak sampled ${f.memory.peakRssSampledMegabytes} MB, VmHWM ${f.memory.vmHwmMegabytes} MB`,
  );
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
  console.log('targets:');
  console.log(`  produce >= ${n(TARGETS.produceRecordsPerSecond)} records/s: ${n(f.produce.recordsPerSecond)}  ${verdict(verdicts.produce)}`);
  console.log(`  consume >= ${n(TARGETS.consumeRecordsPerSecond)} records/s: ${n(f.consume.recordsPerSecond)}  ${verdict(verdicts.consume)}`);
  console.log(`  peak RSS < ${TARGETS.rssMegabytesAtStored} MB with ${n(f.memory.storedRecords)} stored: ${peakMb} MB  ${verdict(verdicts.rss)}`);
}

/** The per-path costs on a broker of their own, with 4 partitions per topic as the pipeline uses. */
async function runCosts(options: Options): Promise<BrokerCosts> {
  const work = makeTempDir('medallion-bench-broker-costs-');
  const dataDir = path.join(work.path, 'data');
  const profileDir = path.join(work.path, 'profile');
  mkdirSync(profileDir);
  const broker = await startChildBroker({ dataDir, partitions: 4, nodeArgs: options.profile ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [] });
  try {
    const costs = await measureBrokerCosts({ bootstrap: broker.bootstrap, brokerPid: broker.pid, records: options.costRecords, recordBytes: 200, partitions: 4, workDir: dataDir });
    const row = (cells: string[]) => console.log(cells.map((c, i) => (i === 0 ? c.padEnd(28) : c.padStart(14))).join(''));
    console.log(`broker CPU per path, ${options.costRecords.toLocaleString('en-US')} records of 200 bytes, 4 partitions`);
    row(['path', 'records/s', 'MB stored', 'CPU s/1M rec', 'baseline s/1M', 'x baseline']);
    for (const [name, c] of Object.entries(costs) as [string, PhaseCost][]) {
      row([name, Math.round(c.records / c.seconds).toLocaleString('en-US'), (c.bytes / MB).toFixed(1), c.brokerCpuSecondsPerMillion.toFixed(2), c.baselineCpuSecondsPerMillion.toFixed(2), c.overBaseline.toFixed(1)]);
    }
    await broker.stop(30_000);
    if (options.profile) printProfile(profileDir, 'broker CPU profile of the per-path costs');
    return costs;
  } finally {
    await broker.stop(30_000);
    work.remove();
  }
}

function printProfile(profileDir: string, title: string): HotFunction[] {
  const profile = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
  if (!profile) {
    console.log(`\n${title}: no CPU profile was written (the broker did not exit cleanly)`);
    return [];
  }
  const hot = topSelfTime(path.join(profileDir, profile), 20);
  console.log(`\n${title}, top functions by self time:`);
  for (const f of hot) console.log(`  ${String(f.selfPercent).padStart(5)}%  ${String(f.selfMs).padStart(7)} ms  ${f.name}  ${f.where}`);
  return hot;
}

function directoryBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? directoryBytes(full) : statSync(full).size;
  }
  return total;
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
