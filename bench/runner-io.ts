/**
 * `npm run bench -- runner-io [--records N] [--txn-inputs T]`
 *
 * The pipeline runner's Kafka I/O without the engine, with kafkajs and with our wire client
 * (sandbox/wire) in the same run, against the sandbox broker in its own process: read N records
 * (default 200,000, ~200-byte JSON events) from 4 partitions read_committed, and for every T
 * inputs read (default 2,000) commit one transaction holding ~1.7 output records per input (each
 * input once, as a silver layer would, plus a small aggregate for 7 in 10, as gold and side outputs
 * would), keyed, with the runner's lineage headers, and the consumed offsets (sendOffsets).
 *
 * Reported per client: input records/s, output records/s, and this process's CPU seconds per
 * million input records (the broker's CPU is its own process's and not counted); then the ratio.
 */
import path from 'node:path';
import { Kafka, logLevel, type Message } from 'kafkajs';
import { Fetcher, TransactionalProducer } from '../sandbox/wire/index';
import { startChildBroker, type ChildBroker } from '../test/support/child-broker';
import { makeTempDir } from '../test/support/temp-dir';

const PARTITIONS = 4;
const INPUT = 'bench-in';

interface Args {
  records: number;
  txnInputs: number;
}

function parseArgs(args: string[]): Args {
  const out: Args = { records: 200_000, txnInputs: 2_000 };
  for (let i = 0; i < args.length; i++) {
    const [name, value] = [args[i], Number(args[i + 1])];
    i++;
    if (name === '--records' && Number.isInteger(value) && value > 0) out.records = value;
    else if (name === '--txn-inputs' && Number.isInteger(value) && value > 0) out.txnInputs = value;
    else throw new Error(`unknown or incomplete option ${name}; known: --records N, --txn-inputs T`);
  }
  return out;
}

interface Input {
  partition: number;
  offset: number;
  key: string | null;
  value: string;
  timestamp: number;
}

interface Output {
  key: string;
  value: string;
  timestamp: number;
  headers: Record<string, string>;
}

/** The outputs of one input, built the same way for both clients so only the I/O differs. */
function outputsOf(input: Input, out: Output[]): void {
  const id = `${input.partition}/${input.offset}`;
  const headers = { 'medallion.layer': 'silver', 'medallion.output': 'orders_clean', 'medallion.id': id, 'medallion.lineage': `[{"t":"${INPUT}","p":${input.partition},"o":${input.offset}}]`, 'medallion.watermark': String(input.timestamp - 5_000) };
  out.push({ key: id, value: input.value, timestamp: input.timestamp, headers });
  if (input.offset % 10 < 7) {
    out.push({ key: `agg-${input.key}`, value: `{"key":"${input.key}","count":${input.offset},"window":${input.timestamp - (input.timestamp % 60_000)}}`, timestamp: input.timestamp, headers: { 'medallion.layer': 'gold', 'medallion.output': 'per_minute', 'medallion.id': `agg-${id}` } });
  }
}

function eventValue(i: number): string {
  return JSON.stringify({ orderId: `o-${i}`, customerId: `c-${i % 5_000}`, region: ['eu', 'us', 'apac'][i % 3], amount: (i % 997) * 1.25, currency: 'EUR', items: i % 7, ts: new Date(1_700_000_000_000 + i * 10).toISOString(), channel: 'web' });
}

async function seed(bootstrap: string, records: number): Promise<void> {
  const producer = await TransactionalProducer.connect({ bootstrap, transactionalId: 'bench-seed' });
  try {
    await producer.prepareTopics([INPUT]);
    for (let start = 0; start < records; start += 20_000) {
      producer.begin();
      for (let i = start; i < Math.min(records, start + 20_000); i++) producer.append(INPUT, { key: `c-${i % 5_000}`, value: eventValue(i), timestamp: 1_700_000_000_000 + i * 10 });
      await producer.commit();
    }
  } finally {
    producer.close();
  }
}

interface Figures {
  inputsPerSecond: number;
  outputsPerSecond: number;
  cpuSecondsPerMillion: number;
  outputs: number;
  transactions: number;
}

function figures(inputs: number, outputs: number, transactions: number, ms: number, cpu: NodeJS.CpuUsage): Figures {
  return {
    inputsPerSecond: Math.round(inputs / (ms / 1000)),
    outputsPerSecond: Math.round(outputs / (ms / 1000)),
    cpuSecondsPerMillion: Number((((cpu.user + cpu.system) / 1e6) * (1_000_000 / inputs)).toFixed(2)),
    outputs,
    transactions,
  };
}

async function withKafkajs(bootstrap: string, args: Args, run: number): Promise<Figures> {
  const kafka = new Kafka({ clientId: 'bench-kafkajs', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ transactionalId: `bench-kafkajs-${run}`, idempotent: true, maxInFlightRequests: 1 });
  const consumer = kafka.consumer({ groupId: `bench-kafkajs-${run}`, readUncommitted: false, maxWaitTimeInMs: 100, maxBytesPerPartition: 4 * 1024 * 1024, maxBytes: 16 * 1024 * 1024 });
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topic: `${INPUT}`, fromBeginning: true });
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  let consumed = 0;
  let produced = 0;
  let transactions = 0;
  let pending: Input[] = [];
  const positions = new Map<number, number>();
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const commit = async (): Promise<void> => {
    const outputs: Output[] = [];
    for (const input of pending) outputsOf(input, outputs);
    pending = [];
    const messages: Message[] = outputs.map((o) => ({ key: o.key, value: o.value, timestamp: String(o.timestamp), headers: o.headers }));
    const txn = await producer.transaction();
    await txn.send({ topic: `bench-out-kafkajs-${run}`, messages });
    await txn.sendOffsets({ consumerGroupId: `bench-kafkajs-${run}`, topics: [{ topic: INPUT, partitions: [...positions].map(([partition, offset]) => ({ partition, offset: String(offset) })) }] });
    await txn.commit();
    produced += outputs.length;
    transactions++;
  };
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) {
        pending.push({ partition: batch.partition, offset: Number(m.offset), key: m.key?.toString('utf8') ?? null, value: m.value!.toString('utf8'), timestamp: Number(m.timestamp) });
        positions.set(batch.partition, Number(m.offset) + 1);
        consumed++;
        if (pending.length >= args.txnInputs) await commit();
      }
      if (consumed >= args.records) {
        if (pending.length > 0) await commit();
        done();
      }
    },
  });
  await finished;
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuStart);
  await consumer.disconnect();
  await producer.disconnect();
  return figures(consumed, produced, transactions, ms, cpu);
}

async function withWire(bootstrap: string, args: Args, run: number): Promise<Figures> {
  const producer = await TransactionalProducer.connect({ bootstrap, transactionalId: `bench-wire-${run}` });
  const fetcher = await Fetcher.connect({ bootstrap });
  const out = `bench-out-wire-${run}`;
  await producer.prepareTopics([out]);
  for (let p = 0; p < PARTITIONS; p++) fetcher.assign(INPUT, p, 0);
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  let consumed = 0;
  let produced = 0;
  let transactions = 0;
  let pending: Input[] = [];
  const outputs: Output[] = [];
  const positions = new Map<number, number>();
  const commit = async (): Promise<void> => {
    outputs.length = 0;
    for (const input of pending) outputsOf(input, outputs);
    pending = [];
    producer.begin({ offsetsFor: `bench-wire-${run}` });
    for (const o of outputs) producer.append(out, o);
    await producer.sendOffsets(`bench-wire-${run}`, [...positions].map(([partition, offset]) => ({ topic: INPUT, partition, offset })));
    await producer.commit();
    produced += outputs.length;
    transactions++;
  };
  try {
    while (consumed < args.records) {
      for (const part of await fetcher.fetch()) {
        for (const r of part.records) {
          pending.push({ partition: part.partition, offset: r.offset, key: r.key, value: r.value!, timestamp: r.timestamp });
          positions.set(part.partition, r.offset + 1);
          consumed++;
          if (pending.length >= args.txnInputs) await commit();
        }
      }
      if (consumed >= args.records && pending.length > 0) await commit();
    }
  } finally {
    fetcher.close();
    producer.close();
  }
  const ms = performance.now() - started;
  return figures(consumed, produced, transactions, ms, process.cpuUsage(cpuStart));
}

export async function run(argv: string[]): Promise<Record<string, unknown>> {
  const args = parseArgs(argv);
  const temp = makeTempDir('medallion-bench-runner-io-');
  let broker: ChildBroker | undefined;
  try {
    broker = await startChildBroker({ dataDir: path.join(temp.path, 'kafka'), partitions: PARTITIONS });
    const admin = new Kafka({ clientId: 'bench-admin', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [INPUT, 'bench-out-kafkajs-1', 'bench-out-wire-1', 'bench-out-kafkajs-2', 'bench-out-wire-2'].map((topic) => ({ topic, numPartitions: PARTITIONS })), waitForLeaders: true });
    await admin.disconnect();
    console.log(`  seeding ${args.records.toLocaleString()} records into ${PARTITIONS} partitions`);
    await seed(broker.bootstrap, args.records);
    // Each client runs twice, alternating, and the better run counts: the machine is shared.
    const results: { kafkajs: Figures[]; wire: Figures[] } = { kafkajs: [], wire: [] };
    for (const round of [1, 2]) {
      results.kafkajs.push(await withKafkajs(broker.bootstrap, args, round));
      results.wire.push(await withWire(broker.bootstrap, args, round));
    }
    const best = (list: Figures[]) => list.reduce((a, b) => (b.inputsPerSecond > a.inputsPerSecond ? b : a));
    const kafkajs = best(results.kafkajs);
    const wire = best(results.wire);
    for (const [name, f] of [['kafkajs', kafkajs], ['wire', wire]] as const) {
      console.log(`  ${name.padEnd(8)} ${f.inputsPerSecond.toLocaleString().padStart(9)} inputs/s  ${f.outputsPerSecond.toLocaleString().padStart(9)} outputs/s  ${f.cpuSecondsPerMillion.toFixed(2).padStart(6)} CPU-s per million inputs  (${f.outputs.toLocaleString()} outputs in ${f.transactions} transactions)`);
    }
    const speedup = Number((wire.inputsPerSecond / kafkajs.inputsPerSecond).toFixed(2));
    const cpuRatio = Number((kafkajs.cpuSecondsPerMillion / wire.cpuSecondsPerMillion).toFixed(2));
    console.log(`  wire vs kafkajs: ${speedup}x the records/s, ${cpuRatio}x less CPU per record`);
    return { records: args.records, txnInputs: args.txnInputs, kafkajs, wire, speedup, cpuRatio, runs: results };
  } finally {
    await broker?.stop();
    temp.remove();
  }
}
