/**
 * Runs the broker as a separate process through the real CLI (`medallion sandbox start`), so tests
 * can kill it with SIGKILL mid-write and the benchmark can measure its CPU and memory alone.
 *
 * The CLI's TypeScript entry is loaded through tsx, as bin/medallion.js does when no bundle exists.
 * bin/medallion.js itself prefers dist/cli.js when present, and a bundle left from an earlier build
 * would make tests and benchmarks measure stale code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { readProcStats, type ProcStats } from './proc-stats';

const repoRoot = path.resolve(__dirname, '..', '..');
const cli = path.join(repoRoot, 'sandbox', 'cli', 'main.ts');

export interface ChildBroker {
  readonly pid: number;
  readonly bootstrap: string;
  readonly port: number;
  /** Everything the process wrote to stdout and stderr so far, for failure messages. */
  output(): string;
  stats(): ProcStats | null;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL: no chance to flush anything, as in a power cut of the process. */
  kill9(): Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface ChildBrokerOptions {
  dataDir: string;
  /** 0 picks a free port; restarts can pass the old port so clients reconnect to the same address. */
  port?: number;
  partitions?: number;
  /** Extra flags for `sandbox start`, such as `--tls-cert FILE`. */
  brokerArgs?: string[];
  /** Extra flags for node itself, such as `--cpu-prof`. */
  nodeArgs?: string[];
  startTimeoutMs?: number;
}

export async function startChildBroker(options: ChildBrokerOptions): Promise<ChildBroker> {
  const args = [
    ...(options.nodeArgs ?? []),
    '--require',
    'tsx/cjs',
    cli,
    'sandbox',
    'start',
    '--port',
    String(options.port ?? 0),
    '--data-dir',
    options.dataDir,
    '--partitions',
    String(options.partitions ?? 1),
    ...(options.brokerArgs ?? []),
  ];
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const append = (chunk: Buffer) => {
    // Only the tail matters for diagnosis; keeping all of it could grow without bound.
    output = (output + chunk.toString('utf8')).slice(-64 * 1024);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const port = await waitForBootstrap(child, () => output, exited, options.startTimeoutMs ?? 30_000);
  const pid = child.pid!;
  const stopWith = async (signal: NodeJS.Signals, graceMs: number) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return {
    pid,
    port,
    bootstrap: `127.0.0.1:${port}`,
    output: () => output,
    stats: () => readProcStats(pid),
    stop: (graceMs = 10_000) => stopWith('SIGTERM', graceMs),
    kill9: () => stopWith('SIGKILL', 0),
    exited,
  };
}

async function waitForBootstrap(
  child: ChildProcess,
  output: () => string,
  exited: Promise<unknown>,
  timeoutMs: number,
): Promise<number> {
  const pattern = /bootstrap 127\.0\.0\.1:(\d+)/;
  return new Promise<number>((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(output());
      if (!match) return;
      cleanup();
      resolve(Number(match[1]));
    };
    const timer = setTimeout(() => {
      cleanup();
      child.kill('SIGKILL');
      reject(new Error(`broker did not print its bootstrap line within ${timeoutMs} ms; output: ${output()}`));
    }, timeoutMs);
    const onExit = () => {
      cleanup();
      reject(new Error(`broker exited before it was ready; output: ${output()}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout!.off('data', check);
      child.stderr!.off('data', check);
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    void exited.then(onExit);
  });
}
