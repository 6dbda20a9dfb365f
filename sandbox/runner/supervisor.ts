// startPipelineRun(): the library entry of `medallion run`. It bundles the user's pipeline, starts N
// worker processes (node --enable-source-maps), watches their heartbeats, restarts a worker that
// crashed or hung and reports where in the user's code it happened, and sums their metrics. Nothing
// a worker does can take the caller down: it only ever sees messages and exits.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { bundlePipeline } from './bundle-pipeline';
import type { KafkaConnection, WorkerConfig } from './run-options';
import { parseWorkerMessage, userLocation, type LayerCounters, type WorkerMessage } from './worker-messages';

/** Options of startPipelineRun(). */
export interface PipelineRunOptions {
  /**
   * The pipeline file (TypeScript or JavaScript) whose default export is `pipeline(...)`.
   * @example 'samples/shop.pipeline.ts'
   */
  pipelineFile: string;
  /**
   * Bootstrap servers, comma-separated or as a list.
   * @example '127.0.0.1:9092'
   */
  bootstrap: string | string[];
  /** @default 1 */
  workers?: number;
  /**
   * The consumer group (also names the changelog topic and the transactional ids).
   * @default `medallion.<pipeline name>`
   * @example 'medallion.shop.test-3'
   */
  group?: string;
  /**
   * With no checkpoint yet, read bronze from the earliest offsets rather than from the end.
   * @default false
   */
  fromBeginning?: boolean;
  sasl?: KafkaConnection['sasl'];
  /**
   * The client on the data path (see KafkaConnection.client).
   * @default 'wire'
   */
  client?: KafkaConnection['client'];
  /** @default false */
  tls?: KafkaConnection['tls'];
  /**
   * How often each task commits a transaction (outputs, checkpoint, positions).
   * @default 200
   */
  commitIntervalMs?: number;
  /**
   * Treat bronze as bounded: every task stops at the end offsets it saw at start, closes its windows
   * and commits; the run then stops by itself.
   * @default false
   */
  exitWhenCaughtUp?: boolean;
  /**
   * 'per-partition' runs one task per partition number (only right when keys stay inside their
   * partitions); 'single' one task for the whole pipeline; 'auto' picks per-partition only for plans
   * without keyed operators.
   * @default 'auto'
   */
  tasks?: WorkerConfig['tasks'];
  /** @default 100 */
  lineage?: number;
  /**
   * A worker that sends no heartbeat for this long is killed and restarted. 0 never kills one: a
   * worker paused at a breakpoint sends no heartbeats either, so debugging needs it.
   * @default 15000
   */
  hangTimeoutMs?: number;
  /**
   * Restarts of one worker before the run gives up.
   * @default 5
   */
  maxRestarts?: number;
  /**
   * Where the bundled pipeline goes.
   * @default `<tmpdir>/medallion-run`
   */
  workDir?: string;
  /**
   * Appended to every output topic (and the default group): re-runs write to `<topic>.run-<n>`.
   * @default ''
   */
  topicSuffix?: string;
  /**
   * Write only this layer and the layers downstream of it (re-runs).
   * @default every output
   */
  fromLayer?: string;
  /**
   * Pace each worker at most this many bronze records per second, to watch a run or to kill one mid-way.
   * @default 0 (as fast as it can)
   */
  maxRecordsPerSecond?: number;
  /**
   * Extra flags for each worker's node, for profiling or debugging.
   * @default []
   * @example ['--cpu-prof', '--cpu-prof-dir=.medallion/profiles']
   */
  nodeArgs?: string[];
  /**
   * Restart a worker that crashed or hung. Without restarts the others take over its tasks once the
   * group notices it is gone; the run fails only when no worker is left.
   * @default true
   */
  restartWorkers?: boolean;
}

/** The run's state, summed over its workers. */
export interface RunMetrics {
  at: number;
  workers: number;
  tasksDone: number;
  tasks: number | null;
  commits: number;
  layers: Record<string, LayerCounters>;
  /** Bronze records read per second over the last report interval. */
  recordsPerSecond: number;
}

export type RunEvent =
  | { type: 'worker-message'; message: WorkerMessage }
  | { type: 'worker-started'; worker: number; pid: number }
  | { type: 'worker-exited'; worker: number; code: number | null; signal: string | null; expected: boolean; reason: string | null; location: string | null }
  | { type: 'metrics'; metrics: RunMetrics }
  | { type: 'caught-up' }
  | { type: 'failed'; error: string };

export interface PipelineRun {
  readonly events: EventEmitter<{ event: [RunEvent] }>;
  /** Resolves once every task reached the end of bronze (only with exitWhenCaughtUp); rejects if the run fails. */
  caughtUp(): Promise<void>;
  /** Resolves once every worker has exited. */
  readonly finished: Promise<void>;
  metrics(): RunMetrics;
  /** The worker processes' ids, by worker index (undefined while one restarts). */
  pids(): (number | undefined)[];
  /** Kills one worker as `kill -9` would; it is restarted like any crashed worker. For tests and demos of fail-over. */
  kill(worker: number, signal?: NodeJS.Signals): void;
  stop(): Promise<void>;
}

interface WorkerSlot {
  index: number;
  child: ChildProcess | null;
  lastBeat: number;
  /** Whether a heartbeat came since the last start: until then the (longer) start-up timeout applies. */
  beating: boolean;
  restarts: number;
  stderr: string;
  lastError: { message: string; location: string | null; fatal: boolean } | null;
  metrics: Extract<WorkerMessage, { type: 'metrics' }> | null;
  exited: Promise<void>;
}

const SANDBOX_DIR = path.basename(__dirname) === 'runner' ? path.resolve(__dirname, '..') : path.resolve(__dirname, '..', 'sandbox');

/**
 * V8 flags of every worker. A worker allocates a few objects per record that die within a step,
 * next to pipeline state that lives for minutes; a young generation of 32 MiB semi-spaces rather
 * than 16 lets more of the former die before a collection and took a quarter off the time spent in
 * scavenges on the samples pipeline, for at most 32 MiB more memory.
 */
const WORKER_V8_FLAGS = ['--max-semi-space-size=32'];

/** The worker entry: the bundled one next to the CLI bundle, else the TypeScript source through tsx. */
function workerEntry(): string[] {
  const bundled = path.join(__dirname, 'runner-worker.js');
  if (path.basename(__dirname) !== 'runner' && existsSync(bundled)) return [bundled];
  // Resolved here, not by the worker: its working folder is the user's, which has no tsx.
  return ['--require', require.resolve('tsx/cjs'), path.join(SANDBOX_DIR, 'runner', 'worker-main.ts')];
}

export async function startPipelineRun(options: PipelineRunOptions): Promise<PipelineRun> {
  const workers = options.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`workers must be a positive integer, not ${workers}`);
  const bundleFile = await bundlePipeline(options.pipelineFile, options.workDir ?? path.join(tmpdir(), 'medallion-run'));
  const brokers = (Array.isArray(options.bootstrap) ? options.bootstrap : options.bootstrap.split(',')).map((b) => b.trim()).filter(Boolean);
  if (brokers.length === 0) throw new Error('no bootstrap servers given');
  const base: Omit<WorkerConfig, 'workerIndex'> = {
    bundleFile,
    pipelineFile: options.pipelineFile,
    kafka: { brokers, ...(options.sasl ? { sasl: options.sasl } : {}), ...(options.tls ? { tls: options.tls } : {}), ...(options.client ? { client: options.client } : {}) },
    group: options.group ?? null,
    fromBeginning: options.fromBeginning ?? false,
    commitIntervalMs: options.commitIntervalMs ?? 200,
    exitWhenCaughtUp: options.exitWhenCaughtUp ?? false,
    tasks: options.tasks ?? 'auto',
    lineage: options.lineage ?? 100,
    topicSuffix: options.topicSuffix ?? '',
    fromLayer: options.fromLayer ?? null,
    maxRecordsPerSecond: options.maxRecordsPerSecond ?? 0,
  };
  const restartWorkers = options.restartWorkers ?? true;
  const hangTimeoutMs = options.hangTimeoutMs ?? 15_000;
  const maxRestarts = options.maxRestarts ?? 5;
  const events = new EventEmitter<{ event: [RunEvent] }>();
  const emit = (event: RunEvent): void => {
    events.emit('event', event);
  };
  const slots: WorkerSlot[] = [];
  const done = new Set<number>();
  let totalTasks: number | null = null;
  let stopping = false;
  let lastIn = 0;
  let lastAt = Date.now();
  let rate = 0;

  let resolveCaughtUp!: () => void;
  let rejectCaughtUp!: (error: Error) => void;
  const caughtUp = new Promise<void>((resolve, reject) => {
    resolveCaughtUp = resolve;
    rejectCaughtUp = reject;
  });
  // A run that fails before anyone asked must not crash the caller with an unhandled rejection.
  caughtUp.catch(() => {});

  const metrics = (): RunMetrics => {
    const layers: Record<string, LayerCounters> = {};
    let commits = 0;
    for (const slot of slots) {
      if (!slot.metrics) continue;
      commits += slot.metrics.commits;
      for (const [name, c] of Object.entries(slot.metrics.layers)) {
        const into = (layers[name] ??= { in: 0, out: 0, late: 0, quarantined: 0, deadLetters: 0 });
        for (const k of Object.keys(c) as (keyof LayerCounters)[]) into[k] += c[k];
      }
    }
    return { at: Date.now(), workers: slots.filter((s) => s.child !== null).length, tasksDone: done.size, tasks: totalTasks, commits, layers, recordsPerSecond: rate };
  };

  const fail = (error: string): void => {
    emit({ type: 'failed', error });
    rejectCaughtUp(new Error(error));
    void stop();
  };

  const onMessage = (slot: WorkerSlot, message: WorkerMessage): void => {
    if (message.type === 'heartbeat') {
      slot.lastBeat = Date.now();
      slot.beating = true;
      return;
    }
    emit({ type: 'worker-message', message });
    if (message.type === 'ready') totalTasks = message.tasks;
    else if (message.type === 'error') slot.lastError = { message: message.message, location: message.location ?? userLocation(message.stack, SANDBOX_DIR), fatal: message.fatal };
    else if (message.type === 'metrics') {
      slot.metrics = message;
      const m = metrics();
      const records = Object.values(m.layers).reduce((n, c) => n + c.in, 0);
      const now = Date.now();
      if (now > lastAt) rate = Math.max(0, Math.round(((records - lastIn) * 1000) / (now - lastAt)));
      lastIn = records;
      lastAt = now;
      emit({ type: 'metrics', metrics: { ...m, recordsPerSecond: rate } });
    } else if (message.type === 'task-done') {
      done.add(message.task);
      if (totalTasks !== null && done.size >= totalTasks && base.exitWhenCaughtUp) {
        emit({ type: 'caught-up' });
        void stop().then(() => resolveCaughtUp());
      }
    }
  };

  const launch = (slot: WorkerSlot): void => {
    const config: WorkerConfig = { ...base, workerIndex: slot.index };
    const child = spawn(process.execPath, ['--enable-source-maps', ...WORKER_V8_FLAGS, ...(options.nodeArgs ?? []), ...workerEntry()], {
      env: { ...process.env, MEDALLION_WORKER_CONFIG: JSON.stringify(config) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    slot.child = child;
    slot.lastBeat = Date.now();
    slot.beating = false;
    slot.stderr = '';
    slot.lastError = null;
    emit({ type: 'worker-started', worker: slot.index, pid: child.pid ?? -1 });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const message = parseWorkerMessage(line);
      if (message) onMessage(slot, message);
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      // Only the tail is kept: enough for the last stack trace, bounded whatever the worker prints.
      slot.stderr = (slot.stderr + chunk.toString('utf8')).slice(-16 * 1024);
    });
    // A worker that exits must not leave a write to its stdin failing with EPIPE in the caller.
    child.stdin!.on('error', () => {});
    slot.exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        slot.child = null;
        const expected = stopping;
        const location = slot.lastError?.location ?? userLocation(slot.stderr, SANDBOX_DIR);
        const reason = expected ? null : (slot.lastError?.message ?? (signal ? `killed by ${signal}` : `exited with code ${code}`) + (slot.stderr.trim() ? `: ${slot.stderr.trim().split('\n').slice(-5).join(' | ')}` : ''));
        emit({ type: 'worker-exited', worker: slot.index, code, signal, expected, reason, location });
        resolve();
        if (expected) return;
        if (slot.lastError?.fatal) {
          fail(`${slot.lastError.message}${location ? ` at ${location}` : ''}`);
        } else if (!restartWorkers) {
          if (slots.every((s) => s.child === null)) fail(`every worker has exited; last: ${reason}${location ? ` at ${location}` : ''}`);
        } else if (slot.restarts >= maxRestarts) {
          fail(`worker ${slot.index} failed ${slot.restarts + 1} times; last: ${reason}${location ? ` at ${location}` : ''}`);
        } else {
          slot.restarts++;
          // Not unref'd: while the worker is down this timer may be all that keeps the CLI's process alive.
          setTimeout(() => {
            if (!stopping) launch(slot);
          }, 300 * slot.restarts);
        }
      });
    });
  };

  for (let index = 0; index < workers; index++) {
    const slot: WorkerSlot = { index, child: null, lastBeat: Date.now(), beating: false, restarts: 0, stderr: '', lastError: null, metrics: null, exited: Promise.resolve() };
    slots.push(slot);
  }
  // Workers start on the next turn of the event loop, so the caller can listen to every event.
  setImmediate(() => {
    for (const slot of slots) if (!stopping) launch(slot);
  });

  const watchdog = setInterval(() => {
    for (const slot of slots) {
      // Loading node, tsx and the bundle on a busy machine can take a while: before the first
      // heartbeat a worker gets a minute, after it the hang timeout.
      if (hangTimeoutMs > 0 && slot.child && Date.now() - slot.lastBeat > (slot.beating ? hangTimeoutMs : Math.max(hangTimeoutMs, 60_000))) {
        slot.lastError = { message: `no heartbeat for ${Math.round((Date.now() - slot.lastBeat) / 1000)} s: the pipeline's code may be stuck in a loop`, location: null, fatal: false };
        slot.child.kill('SIGKILL');
      }
    }
  }, 1_000);
  watchdog.unref();

  let resolveFinished!: () => void;
  const finished = new Promise<void>((resolve) => (resolveFinished = resolve));
  let stopped: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      stopping = true;
      clearInterval(watchdog);
      await Promise.all(slots.map(async (slot) => {
        const child = slot.child;
        if (!child) return slot.exited;
        child.stdin!.write('stop\n');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await slot.exited;
        clearTimeout(timer);
      }));
      resolveFinished();
    })();
    return stopped;
  };

  return {
    events,
    caughtUp: () => caughtUp,
    finished,
    metrics,
    pids: () => slots.map((s) => s.child?.pid),
    kill(worker, signal = 'SIGKILL') {
      slots[worker]?.child?.kill(signal);
    },
    stop,
  };
}
