/**
 * The broker's CPU per million records on each path the end-to-end data flow uses, with the
 * project's own clients driving it as the pipeline does:
 * - produce: the replayer's idempotent wire producer (acks=all, several requests in flight);
 * - transactional produce: the worker's transactional producer, one transaction per 10,000 records,
 *   every tenth transaction aborted (so read_committed has aborted transactions to skip);
 * - fetch read_uncommitted and read_committed: the materializer's fetcher reading it all back.
 * The broker runs as its own process and its CPU comes from /proc. In the same run a baseline
 * process does the least any broker must do with the same bytes: for produce it receives them over
 * a loopback socket and appends them to a file; for fetch it reads that file and writes it to a
 * socket. The ratio broker / baseline is what the broker adds on top of moving the bytes.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import path from 'node:path';
import type { OutgoingRecord } from '../../sandbox/replay/produce/outgoing-record';
import { connectWireSink } from '../../sandbox/replay/produce/wire/wire-sink';
import { Fetcher } from '../../sandbox/wire/fetcher';
import { TransactionalProducer } from '../../sandbox/wire/transactional-producer';
import { readProcStats } from '../../test/support/proc-stats';

export interface CostOptions {
  bootstrap: string;
  brokerPid: number;
  records: number;
  recordBytes: number;
  partitions: number;
  workDir: string;
}

export interface PhaseCost {
  records: number;
  bytes: number;
  seconds: number;
  brokerCpuSecondsPerMillion: number;
  baselineCpuSecondsPerMillion: number;
  /** Broker CPU over baseline CPU for the same bytes. */
  overBaseline: number;
}

export interface BrokerCosts {
  produce: PhaseCost;
  transactionalProduce: PhaseCost;
  fetchReadUncommitted: PhaseCost;
  fetchReadCommitted: PhaseCost;
}

const RECORDS_PER_SEND = 10_000;
const RECORDS_PER_TRANSACTION = 10_000;
const ABORT_EVERY = 10;

/** A JSON-looking value of `size` bytes, different for every record so nothing compresses by accident. */
function valueOf(i: number, size: number): Buffer {
  const head = `{"id":"r${i}","at":${1_700_000_000_000 + i},"pad":"`;
  const tail = '"}';
  return Buffer.from(head + 'x'.repeat(Math.max(0, size - head.length - tail.length)) + tail);
}

export async function measureBrokerCosts(options: CostOptions): Promise<BrokerCosts> {
  const cpu = () => readProcStats(options.brokerPid)?.cpuSeconds ?? Number.NaN;
  const perMillion = (seconds: number, records: number) => round(seconds / (records / 1e6), 3);
  const values = Array.from({ length: 1000 }, (_, i) => valueOf(i, options.recordBytes));

  // Produce, as the replayer does.
  const plainTopic = 'costs.plain';
  const sink = await connectWireSink({ bootstrap: options.bootstrap });
  await sink.partitionsFor(plainTopic, options.partitions);
  let produced = 0;
  let cpuBefore = cpu();
  let started = performance.now();
  const inFlight: Promise<void>[] = [];
  while (produced < options.records) {
    const n = Math.min(RECORDS_PER_SEND, options.records - produced);
    const records: OutgoingRecord[] = [];
    for (let i = 0; i < n; i++) {
      const at = produced + i;
      records.push({
        topic: plainTopic,
        partition: at % options.partitions,
        key: Buffer.from(`k${at % 9973}`),
        value: values[at % values.length]!,
        headers: { 'source-file': 'orders.ndjson', 'source-line': String(at + 1), 'content-type': 'application/json' },
        timestamp: 1_700_000_000_000 + at,
        source: { file: 'orders.ndjson', position: at + 1, byteEnd: 0, line: at + 1 },
      });
    }
    inFlight.push(sink.send(records));
    if (inFlight.length >= (sink.maxInFlight ?? 1)) await inFlight.shift();
    produced += n;
  }
  await Promise.all(inFlight);
  const produceSeconds = (performance.now() - started) / 1000;
  const produceCpu = cpu() - cpuBefore;
  await sink.close();

  // Transactional produce, as the worker does.
  const txnTopic = 'costs.txn';
  const producer = await TransactionalProducer.connect({ bootstrap: options.bootstrap, transactionalId: 'costs-bench' });
  // The topic is made by the first produce (auto-create); make it now with the same partitions.
  const admin = await connectWireSink({ bootstrap: options.bootstrap });
  await admin.partitionsFor(txnTopic, options.partitions);
  await admin.close();
  let written = 0;
  let committed = 0;
  let transactions = 0;
  cpuBefore = cpu();
  started = performance.now();
  while (written < options.records) {
    const n = Math.min(RECORDS_PER_TRANSACTION, options.records - written);
    producer.begin();
    for (let i = 0; i < n; i++) {
      const at = written + i;
      producer.append(txnTopic, { key: `k${at % 9973}`, value: values[at % values.length]!, timestamp: 1_700_000_000_000 + at, headers: { 'medallion-id': `orders/0/${at}` } }, at % options.partitions);
    }
    await producer.flush();
    transactions++;
    if (transactions % ABORT_EVERY === 0) await producer.abort();
    else {
      await producer.commit();
      committed += n;
    }
    written += n;
  }
  const txnSeconds = (performance.now() - started) / 1000;
  const txnCpu = cpu() - cpuBefore;
  producer.close();

  const fetchAll = async (topic: string, isolation: 'read_committed' | 'read_uncommitted', expected: number) => {
    const fetcher = await Fetcher.connectForBuffers({ bootstrap: options.bootstrap, isolation, maxWaitMs: 0, checkCrc: false });
    for (let p = 0; p < options.partitions; p++) fetcher.assign(topic, p, 0);
    const before = cpu();
    const t0 = performance.now();
    let got = 0;
    let idle = 0;
    while (got < expected && idle < 50) {
      const answer = await fetcher.fetch();
      let n = 0;
      for (const p of answer) n += p.records.length;
      got += n;
      idle = n === 0 ? idle + 1 : 0;
    }
    const seconds = (performance.now() - t0) / 1000;
    const used = cpu() - before;
    fetcher.close();
    if (got !== expected) throw new Error(`fetching ${topic} (${isolation}) returned ${got} records, expected ${expected}`);
    return { seconds, used };
  };
  const uncommitted = await fetchAll(plainTopic, 'read_uncommitted', options.records);
  const readCommitted = await fetchAll(txnTopic, 'read_committed', committed);

  const plainBytes = await topicBytes(options.workDir, plainTopic);
  const txnBytes = await topicBytes(options.workDir, txnTopic);
  const baseline = await measureBaseline(Math.max(plainBytes, 1), path.join(options.workDir, '..', 'baseline.bin'));
  const txnBaseline = { write: baseline.writeCpu * (txnBytes / plainBytes), read: baseline.readCpu * (txnBytes / plainBytes) };

  const phase = (records: number, bytes: number, seconds: number, brokerCpu: number, baselineCpu: number): PhaseCost => ({
    records,
    bytes,
    seconds: round(seconds, 3),
    brokerCpuSecondsPerMillion: perMillion(brokerCpu, records),
    baselineCpuSecondsPerMillion: perMillion(baselineCpu, records),
    overBaseline: round(brokerCpu / Math.max(baselineCpu, 1e-3), 1),
  });
  return {
    produce: phase(options.records, plainBytes, produceSeconds, produceCpu, baseline.writeCpu),
    transactionalProduce: phase(options.records, txnBytes, txnSeconds, txnCpu, txnBaseline.write),
    fetchReadUncommitted: phase(options.records, plainBytes, uncommitted.seconds, uncommitted.used, baseline.readCpu),
    fetchReadCommitted: phase(committed, txnBytes, readCommitted.seconds, readCommitted.used, txnBaseline.read * (committed / options.records)),
  };
}

/** Bytes of a topic's segment files, all partitions: what the broker stored and serves back. */
async function topicBytes(dataDir: string, topic: string): Promise<number> {
  const { readdirSync, statSync, existsSync } = await import('node:fs');
  let total = 0;
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.name.endsWith('.log') && full.includes(`${path.sep}${topic}${path.sep}`)) total += statSync(full).size;
    }
  };
  if (existsSync(dataDir)) visit(dataDir);
  return total;
}

/**
 * The baseline process: `write <file>` receives bytes from a socket and appends each chunk to the
 * file with one write call; `read <file>` reads the file in 1 MB pieces and writes them to the socket.
 * It stays alive until killed, so its CPU time can still be read from /proc when it is done.
 */
const BASELINE = `
const net = require('node:net');
const fs = require('node:fs');
const [mode, file, total] = process.argv.slice(1);
const expected = Number(total);
const server = net.createServer((socket) => {
  if (mode === 'write') {
    const fd = fs.openSync(file, 'w');
    let got = 0;
    socket.on('data', (chunk) => {
      fs.writeSync(fd, chunk, 0, chunk.length, got);
      got += chunk.length;
      if (got >= expected) { fs.closeSync(fd); socket.end('done'); }
    });
  } else {
    const fd = fs.openSync(file, 'r');
    let at = 0;
    const pump = () => {
      while (at < expected) {
        const buf = Buffer.allocUnsafe(Math.min(1 << 20, expected - at));
        const n = fs.readSync(fd, buf, 0, buf.length, at);
        at += n;
        if (!socket.write(buf.subarray(0, n))) return void socket.once('drain', pump);
      }
      fs.closeSync(fd); socket.end();
    };
    pump();
  }
});
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
`;

async function measureBaseline(bytes: number, file: string): Promise<{ writeCpu: number; readCpu: number }> {
  const runOne = async (mode: 'write' | 'read'): Promise<number> => {
    const child = spawn(process.execPath, ['-e', BASELINE, mode, file, String(bytes)], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const [first] = (await once(child.stdout!, 'data')) as [Buffer];
      const before = readProcStats(child.pid!)?.cpuSeconds ?? 0;
      const socket = connect({ host: '127.0.0.1', port: Number(first.toString().trim()) });
      await once(socket, 'connect');
      if (mode === 'write') {
        const chunk = Buffer.alloc(1 << 20, 0x61);
        const done = once(socket, 'data');
        for (let sent = 0; sent < bytes; ) {
          const n = Math.min(chunk.length, bytes - sent);
          if (!socket.write(chunk.subarray(0, n))) await once(socket, 'drain');
          sent += n;
        }
        await done;
      } else {
        socket.resume();
        await once(socket, 'end');
      }
      const used = (readProcStats(child.pid!)?.cpuSeconds ?? 0) - before;
      socket.destroy();
      return used;
    } finally {
      child.kill('SIGKILL');
    }
  };
  const writeCpu = await runOne('write');
  const readCpu = await runOne('read');
  return { writeCpu, readCpu };
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
