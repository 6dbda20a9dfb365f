// One worker process: joins the pipeline's consumer group, starts the tasks the group gives it,
// feeds them in merge order, commits them on the commit interval, and reports to its supervisor as
// JSON lines on stdout. It runs the user's code, so it runs in a child process: a crash or an
// endless loop here never takes down the caller.
import path from 'node:path';
import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { OutputInfo, PipelinePlan } from '../engine';
import { Fetcher, type FetchedPartition } from '../wire/index';
import { kafkaClient } from './kafka-client';
import { layersFrom, planFacts, type PlanFacts } from './plan-facts';
import type { WorkerConfig } from './run-options';
import { bufferedIn } from './input-merge';
import { requirePipelineBundle } from './load-pipeline';
import { Task, WATERMARKS_TOPIC, type TaskEnvironment } from './task';
import { needsKafkajs } from './task-producer';
import { taskAssigner, tasksIn } from './task-assigner';
import { changelogTopicOf, makeTaskLayout, taskOfPartition, type TaskLayout } from './task-layout';
import { userLocation, type LayerCounters, type WorkerMessage } from './worker-messages';

/** Where the sandbox's own sources are, so stack frames in them are not blamed on the user. */
export const SANDBOX_DIR = path.basename(__dirname) === 'runner' ? path.resolve(__dirname, '..') : path.resolve(__dirname, '..', 'sandbox');

const LANE_PAUSE_AT = 5_000;
const LANE_RESUME_AT = 1_000;
const STEP_BUDGET = 2_000;
/**
 * Fetch sizes. Every record fetched is an object and a string or two until it is fed, and a large
 * answer (the fetcher's default is 4 MiB per partition) keeps tens of thousands of them alive
 * across young-generation collections, which then copy them to the old generation. Answers of
 * 128 KiB per partition (about 600 sample events) kept the worker's scavenges at half the time
 * with no loss of throughput: a fetch round trip is short next to feeding what it brought.
 */
const PARTITION_FETCH_BYTES = 128 * 1024;
const FETCH_BYTES = 4 * 1024 * 1024;

export function send(message: WorkerMessage): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

/** Loads the bundled pipeline file: its default export is a Pipeline, which carries the plan. */
export function loadPlan(bundleFile: string): PipelinePlan {
  const module = requirePipelineBundle(bundleFile) as { default?: unknown };
  let value = module.default;
  if (value && typeof value === 'object' && !('plan' in value) && 'default' in value) value = (value as { default: unknown }).default;
  if (!value || typeof value !== 'object' || !('plan' in value)) {
    throw new FatalRunError('the pipeline file must `export default pipeline(...)` from medallion-studio/pipeline');
  }
  return (value as { plan: PipelinePlan }).plan;
}

/** The configuration with the defaults that depend on the plan filled in. */
export type ResolvedConfig = WorkerConfig & { group: string; tasks: 'single' | 'per-partition' };

interface ChangelogWaiter {
  offset: number;
  resolve(value: string): void;
}

export class Worker {
  private readonly kafka: Kafka;
  private readonly admin: Admin;
  /**
   * The group member. With the wire client it only holds membership (join, sync, heartbeats) and
   * every partition stays paused in it; the fetcher reads the data. With TLS or SASL, which the wire
   * client does not speak, kafkajs reads the data too.
   */
  private consumer!: Consumer;
  private fetcher: Fetcher | undefined;
  private fetching: Promise<void> = Promise.resolve();
  /** Where the fetcher's last answer for each bronze partition ended (or where it was sought to). */
  private readonly fetchedTo = new Map<string, number>();
  private layout!: TaskLayout;
  private readonly facts: PlanFacts;
  private readonly tasks = new Map<number, Task>();
  private assigned: number[] = [];
  private assignmentChain: Promise<void> = Promise.resolve();
  private readonly changelogWaiters = new Map<number, ChangelogWaiter>();
  private readonly pausedLanes = new Set<string>();
  private readonly done = new Set<number>();
  private stopping = false;
  private commits = 0;
  private readonly totals = new Map<string, LayerCounters>();

  private readonly config: ResolvedConfig;
  /** The layers this run writes (a re-run from a layer); null: every output. */
  private readonly written: Set<string> | null;

  constructor(
    given: WorkerConfig,
    private readonly plan: PipelinePlan,
  ) {
    this.facts = planFacts(plan);
    this.config = {
      ...given,
      group: given.group ?? `medallion.${plan.name}${given.topicSuffix}`,
      tasks: given.tasks === 'auto' ? (this.facts.keyedOperators.length === 0 ? 'per-partition' : 'single') : given.tasks,
    };
    try {
      this.written = given.fromLayer === null ? null : layersFrom(plan, given.fromLayer);
    } catch (error) {
      throw new FatalRunError((error as Error).message);
    }
    this.kafka = kafkaClient(given.kafka, `medallion-run-${this.config.group}-${given.workerIndex}`);
    this.admin = this.kafka.admin();
  }

  private get changelog(): string {
    return changelogTopicOf(this.config.group);
  }

  async start(): Promise<void> {
    await this.admin.connect();
    const bronze = [...new Set(this.plan.nodes.flatMap((n) => (n.kind === 'source' ? [n.topic] : [])))];
    const existing = new Set(await this.admin.listTopics());
    const missing = bronze.filter((t) => !existing.has(t));
    if (missing.length > 0) throw new FatalRunError(`bronze topic(s) ${missing.join(', ')} do not exist; replay data into them first (medallion replay <folder> --bootstrap …)`);
    const metadata = await this.admin.fetchTopicMetadata({ topics: bronze });
    const partitionsOf: Record<string, number> = {};
    for (const t of metadata.topics) partitionsOf[t.name] = t.partitions.length;
    this.layout = makeTaskLayout(this.config.tasks, partitionsOf);
    await this.createTopics(existing);

    if (!needsKafkajs(this.config.kafka)) {
      this.fetcher = await Fetcher.connect({ bootstrap: this.config.kafka.brokers.join(','), clientId: `medallion-run-${this.config.group}-${this.config.workerIndex}`, maxWaitMs: 100, partitionMaxBytes: PARTITION_FETCH_BYTES, maxBytes: FETCH_BYTES });
    }
    const cpu = process.cpuUsage();
    send({
      type: 'ready', worker: this.config.workerIndex, pipeline: this.plan.name, group: this.config.group, tasks: this.layout.tasks, mode: this.layout.mode,
      outputs: this.outputs().map((o) => ({ output: o.name, layer: o.layer, kind: o.kind, topic: o.topic + this.config.topicSuffix, baseTopic: o.topic })),
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    });
    this.consumer = this.kafka.consumer({
      groupId: this.config.group,
      partitionAssigners: [taskAssigner(this.layout, this.config.group)],
      sessionTimeout: 6_000,
      rebalanceTimeout: 10_000,
      heartbeatInterval: 500,
      maxWaitTimeInMs: 100,
      readUncommitted: false,
      allowAutoTopicCreation: false,
    });
    await this.consumer.connect();
    this.consumer.on(this.consumer.events.GROUP_JOIN, (event) => {
      // The event comes before the first fetch of the new generation, so pausing here keeps kafkajs
      // from fetching anything at all.
      if (this.fetcher) this.consumer.pause([...bronze, this.changelog].map((topic) => ({ topic })));
      const tasks = tasksIn(event.payload.memberAssignment as Record<string, number[]>, this.config.group);
      this.assignmentChain = this.assignmentChain.then(() => this.onAssignment(tasks)).catch((error: unknown) => this.fail(error));
    });
    this.consumer.on(this.consumer.events.END_BATCH_PROCESS, (event) => {
      if (this.fetcher) return;
      const { topic, partition, firstOffset, lastOffset } = event.payload;
      const task = this.tasks.get(taskOfPartition(this.layout, partition));
      if (task === undefined || topic === this.changelog) return;
      const lane = task.merge.lane(topic, partition);
      if (lane !== undefined && Number(firstOffset) <= lane.accepted) task.merge.skipTo(topic, partition, Number(lastOffset) + 1);
    });
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      if (!event.payload.restart) this.fail(event.payload.error);
    });
    for (const topic of [...bronze, this.changelog]) await this.consumer.subscribe({ topic, fromBeginning: this.config.fromBeginning });
    await this.consumer.run({ autoCommit: false, eachBatchAutoResolve: true, eachBatch: (payload) => this.onBatch(payload) });
    if (this.fetcher) this.fetching = this.fetchLoop(this.fetcher).catch((error: unknown) => this.fail(error));
  }

  /** The wire data path: fetches every assigned, unpaused bronze partition and buffers what comes in its task's merge. */
  private async fetchLoop(fetcher: Fetcher): Promise<void> {
    while (!this.stopping) {
      if (fetcher.assigned().every((a) => a.paused)) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        continue;
      }
      for (const part of await fetcher.fetch()) this.offer(part);
    }
  }

  /** Wakes the processing loop when it waits for records and some arrive. */
  private wake: (() => void) | null = null;

  /** Waits up to `ms`, or until records are fetched. */
  private idle(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }

  private offer(part: FetchedPartition): void {
    const task = this.tasks.get(taskOfPartition(this.layout, part.partition));
    if (task === undefined) return;
    const lane = task.merge.lane(part.topic, part.partition);
    if (lane === undefined) return;
    // The fetcher's answers for a partition follow each other without gaps, except across a seek:
    // an answer that starts neither inside what the lane accepted nor where the previous one ended
    // was fetched from before the seek and is dropped.
    const key = `${part.topic}\u0000${part.partition}`;
    if (part.fetchOffset > lane.accepted && part.fetchOffset !== this.fetchedTo.get(key)) return;
    this.fetchedTo.set(key, part.nextOffset);
    task.merge.offer(part.topic, part.partition, part.fetchOffset, part.records, part.highWatermark);
    // Markers and aborted records leave gaps the merge must not wait for. The merge takes a skip only
    // once the lane's queue is empty; a later answer (empty, after the long poll) repeats it.
    task.merge.skipTo(part.topic, part.partition, part.nextOffset);
    this.pauseIfFull(task, part.topic, part.partition);
    this.wake?.();
  }

  private pauseIfFull(task: Task, topic: string, partition: number): void {
    const lane = task.merge.lane(topic, partition);
    if (lane && bufferedIn(lane) > LANE_PAUSE_AT) {
      this.pausedLanes.add(`${lane.topic}\u0000${lane.partition}`);
      if (this.fetcher) this.fetcher.pause(lane.topic, lane.partition);
      else this.consumer.pause([{ topic: lane.topic, partitions: [lane.partition] }]);
    }
  }

  /** Stops fetching a task's partitions: it closed, moved or failed. */
  private release(task: Task): void {
    for (const lane of task.merge.lanes) {
      this.fetcher?.unassign(lane.topic, lane.partition);
      this.pausedLanes.delete(`${lane.topic}\u0000${lane.partition}`);
    }
  }

  private async createTopics(existing: Set<string>): Promise<void> {
    const outputs = [...new Set(this.outputs().map((o) => o.topic + this.config.topicSuffix))];
    const partitions = this.config.outputPartitions ?? Math.max(...Object.values(this.layout.partitionsOf), 1);
    const wanted = [
      // The changelog holds whole-job snapshots, which can be large: up to 64 MiB per batch. Kafka
      // compacts it to the latest checkpoint per task; the sandbox, which treats compact as delete,
      // keeps at most 1 GiB per partition, far more than the two newest segments the latest
      // checkpoint can be in.
      {
        topic: this.changelog, numPartitions: this.layout.tasks,
        configEntries: [
          { name: 'cleanup.policy', value: 'compact' },
          { name: 'max.message.bytes', value: String(64 * 1024 * 1024) },
          { name: 'retention.bytes', value: String(1024 * 1024 * 1024) },
        ],
      },
      { topic: WATERMARKS_TOPIC, numPartitions: 1 },
      ...outputs.map((topic) => ({ topic, numPartitions: partitions })),
    ].filter((t) => !existing.has(t.topic));
    if (wanted.length > 0) {
      // Several workers may race to create the same topics; "already exists" is fine.
      await this.admin.createTopics({ topics: wanted, waitForLeaders: true }).catch((error: unknown) => {
        if (!/already exists/i.test(String((error as Error).message))) throw error;
      });
    }
    const [changelog] = (await this.admin.fetchTopicMetadata({ topics: [this.changelog] })).topics;
    if ((changelog?.partitions.length ?? 0) < this.layout.tasks) {
      throw new FatalRunError(`changelog topic ${this.changelog} has ${changelog?.partitions.length ?? 0} partitions but the run needs ${this.layout.tasks} (one per task); use a new --group`);
    }
  }

  private async onAssignment(tasks: number[]): Promise<void> {
    this.assigned = tasks;
    send({ type: 'assigned', worker: this.config.workerIndex, tasks });
    for (const [id, task] of this.tasks) {
      if (!tasks.includes(id)) {
        this.tasks.delete(id);
        this.release(task);
        await task.close();
      }
    }
    // Our own checkpoints come back through the changelog partitions; they are read only to restore.
    if (!this.fetcher) this.consumer.pause([{ topic: this.changelog, partitions: tasks }]);
    for (const id of tasks) {
      if (this.tasks.has(id) || this.stopping) continue;
      const task = await Task.start(id, this.environment());
      if (!this.assigned.includes(id)) {
        this.release(task);
        await task.close();
        continue;
      }
      this.tasks.set(id, task);
    }
  }

  /** The outputs this run writes, as the engine declares them (layer outputs, side outputs, source dead letters). */
  private outputs(): OutputInfo[] {
    const all: OutputInfo[] = [];
    for (const n of this.plan.nodes) {
      if (n.kind === 'source' && this.written === null) all.push({ name: `${n.name}.dead_letter`, topic: `${n.topic}.dead_letter`, layer: n.name, kind: 'dead_letter' });
      if (n.kind === 'layer' && (this.written === null || this.written.has(n.name))) {
        all.push({ name: n.name, topic: n.topic, layer: n.name, kind: 'layer' });
        for (const kind of ['late', 'quarantine', 'dead_letter'] as const) all.push({ name: `${n.name}.${kind}`, topic: `${n.topic}.${kind}`, layer: n.name, kind });
      }
    }
    return all;
  }

  private environment(): TaskEnvironment {
    const base = { kafka: this.kafka, admin: this.admin, config: this.config, plan: this.plan, facts: this.facts, layout: this.layout, written: this.written,
      outputTopics: [...new Set(this.outputs().map((o) => o.topic + this.config.topicSuffix))],
    };
    const fetcher = this.fetcher;
    if (fetcher) {
      return {
        ...base,
        seek: (topic, partition, offset) => {
          fetcher.assign(topic, partition, offset);
          this.fetchedTo.set(`${topic}\u0000${partition}`, offset);
          fetcher.resume(topic, partition);
          this.pausedLanes.delete(`${topic}\u0000${partition}`);
        },
        readChangelog: async (task, offset) => {
          const record = await fetcher.readAt(this.changelog, task, offset);
          if (record === null) throw new Error(`no committed checkpoint of task ${task} at ${this.changelog} offset ${offset}`);
          return record.value ?? '';
        },
      };
    }
    return {
      ...base,
      seek: (topic, partition, offset) => this.consumer.seek({ topic, partition, offset: String(offset) }),
      readChangelog: (task, offset) => new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.changelogWaiters.delete(task);
          reject(new Error(`timed out reading the checkpoint of task ${task} at ${this.changelog} offset ${offset}`));
        }, 30_000);
        this.changelogWaiters.set(task, { offset, resolve: (value) => { clearTimeout(timer); resolve(value); } });
        this.consumer.resume([{ topic: this.changelog, partitions: [task] }]);
        this.consumer.seek({ topic: this.changelog, partition: task, offset: String(offset) });
      }),
    };
  }

  private async onBatch({ batch }: EachBatchPayload): Promise<void> {
    // With the wire fetcher kafkajs holds membership only; a batch it fetched before pausing is dropped.
    if (this.fetcher) return;
    if (batch.topic === this.changelog) {
      const waiter = this.changelogWaiters.get(batch.partition);
      const found = waiter && batch.messages.find((m) => Number(m.offset) === waiter.offset);
      if (waiter && found) {
        this.changelogWaiters.delete(batch.partition);
        this.consumer.pause([{ topic: this.changelog, partitions: [batch.partition] }]);
        waiter.resolve(found.value?.toString('utf8') ?? '');
      }
      return;
    }
    const task = this.tasks.get(taskOfPartition(this.layout, batch.partition));
    if (task === undefined) return;
    task.merge.offer(
      batch.topic, batch.partition, Number(batch.firstOffset() ?? batch.highWatermark),
      batch.messages.map((m) => ({ offset: Number(m.offset), key: m.key?.toString('utf8'), value: m.value === null ? null : m.value.toString('utf8'), timestamp: Number(m.timestamp) })),
      Number(batch.highWatermark),
    );
    this.pauseIfFull(task, batch.topic, batch.partition);
  }

  /** The processing loop: feeds every task, commits the ones that are due, until stopped. */
  async loop(): Promise<void> {
    const rate = this.config.maxRecordsPerSecond;
    // A token bucket holding at most a tenth of a second's worth: time spent waiting (for the group,
    // for records) must not turn into a burst past the rate.
    let tokens = 0;
    let refilled = Date.now();
    while (!this.stopping) {
      let fed = 0;
      for (const task of [...this.tasks.values()]) {
        if (this.stopping) break;
        if (rate > 0) {
          const now = Date.now();
          tokens = Math.min(Math.max(1, rate / 10), tokens + ((now - refilled) * rate) / 1000);
          refilled = now;
        }
        const budget = rate > 0 ? Math.min(STEP_BUDGET, Math.floor(tokens)) : STEP_BUDGET;
        try {
          const step = task.finished ? { fed: 0, caughtUp: true } : budget === 0 ? { fed: 0, caughtUp: false } : task.step(budget);
          if (rate > 0) tokens -= step.fed;
          fed += step.fed;
          this.resumeLanes(task);
          if (step.caughtUp && this.config.exitWhenCaughtUp) task.finish();
          const mustCommit = task.finished ? task.commitDue(Number.POSITIVE_INFINITY) : task.commitDue(Date.now());
          // The commit travels while the loop goes on feeding: waiting for the broker's answers
          // would leave the worker idle for a few round trips per commit interval.
          if (mustCommit) {
            task.commit().then(
              () => this.commits++,
              (error: unknown) => this.dropTask(task, error),
            );
          }
          if (task.finished && task.settled && !this.done.has(task.id)) {
            this.done.add(task.id);
            send({ type: 'task-done', worker: this.config.workerIndex, task: task.id });
          }
        } catch (error) {
          await this.dropTask(task, error);
        }
      }
      // With nothing fed the merge waits for a partition's records: the loop sleeps until a fetch
      // brings some (or 10 ms, for the kafkajs path and the commit timer) rather than polling.
      if (fed > 0) await new Promise((resolve) => setImmediate(resolve));
      else await this.idle(10);
    }
  }

  /** A task whose commit failed may have been fenced by a new owner; it restarts from its last checkpoint if it is still ours. */
  private async dropTask(task: Task, error: unknown): Promise<void> {
    if (isUserFailure(error)) this.fail(error);
    // A commit that failed after its task was closed (revoked, or dropped already) concerns no one.
    if (this.tasks.get(task.id) !== task) return;
    this.tasks.delete(task.id);
    this.release(task);
    await task.close();
    send({ type: 'warning', worker: this.config.workerIndex, message: `task ${task.id} stopped (${(error as Error).message}); it restarts from its last checkpoint` });
    // A fenced task usually moved to another worker in a rebalance this worker has not seen yet;
    // waiting a little lets that assignment arrive instead of fencing the new owner right back.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    this.assignmentChain = this.assignmentChain.then(() => this.onAssignment(this.assigned)).catch((e: unknown) => this.fail(e));
  }

  private resumeLanes(task: Task): void {
    for (const lane of task.merge.lanes) {
      const key = `${lane.topic}\u0000${lane.partition}`;
      if (bufferedIn(lane) >= LANE_RESUME_AT || !this.pausedLanes.delete(key)) continue;
      if (this.fetcher) this.fetcher.resume(lane.topic, lane.partition);
      else this.consumer.resume([{ topic: lane.topic, partitions: [lane.partition] }]);
    }
  }

  /** Totals per layer since this worker started: records in per source, out per layer and side output. */
  metrics(): WorkerMessage {
    const layers: Record<string, LayerCounters> = {};
    const at = (name: string): LayerCounters => (layers[name] ??= { in: 0, out: 0, late: 0, quarantined: 0, deadLetters: 0 });
    for (const task of this.tasks.values()) {
      for (const [source, n] of Object.entries(task.counters.in)) at(source).in += n;
      for (const [output, n] of Object.entries(task.counters.out)) {
        const dot = output.lastIndexOf('.');
        const kind = dot === -1 ? 'layer' : output.slice(dot + 1);
        const layer = kind === 'layer' ? output : output.slice(0, dot);
        const c = at(layer);
        if (kind === 'late') c.late += n;
        else if (kind === 'quarantine') c.quarantined += n;
        else if (kind === 'dead_letter') c.deadLetters += n;
        else c.out += n;
      }
    }
    for (const [name, c] of Object.entries(layers)) {
      const prev = this.totals.get(name);
      if (prev) for (const k of Object.keys(c) as (keyof LayerCounters)[]) c[k] = Math.max(c[k], prev[k]);
      this.totals.set(name, c);
    }
    const cpu = process.cpuUsage();
    return { type: 'metrics', worker: this.config.workerIndex, at: Date.now(), tasks: [...this.tasks.keys()], commits: this.commits, layers, cpuMs: Math.round((cpu.user + cpu.system) / 1000) };
  }

  /** Commits what the tasks hold, leaves the group and disconnects. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const task of this.tasks.values()) {
      try {
        await task.committed();
        if (task.commitDue(Number.POSITIVE_INFINITY)) await task.commit();
      } catch {
        // The task's last checkpoint stands; its next owner continues from there.
      }
      await task.close();
    }
    await this.fetching;
    this.fetcher?.close();
    await this.consumer?.disconnect().catch(() => {});
    await this.admin.disconnect().catch(() => {});
  }

  fail(error: unknown): never {
    reportError(error, this.config.workerIndex);
    process.exit(1);
  }
}

/** A layer with onError 'fail' threw: restarting would only fail again at the same record. */
function isUserFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'PipelineFailure';
}

/** An error no restart can mend: the run must stop and say why. */
export class FatalRunError extends Error {
  override readonly name = 'FatalRunError';
}

/**
 * Reports an error to the supervisor with the user's file:line: from its own stack, or from its
 * cause's (a PipelineFailure wraps the error the user's transform threw).
 */
export function reportError(error: unknown, worker: number): void {
  const err = error instanceof Error ? error : new Error(String(error));
  const cause = err.cause instanceof Error ? err.cause : null;
  const location = userLocation(err.stack, SANDBOX_DIR) ?? userLocation(cause?.stack, SANDBOX_DIR);
  const stack = cause?.stack ? `${err.stack ?? err.message}\nCaused by: ${cause.stack}` : (err.stack ?? null);
  send({ type: 'error', worker, message: err.message, stack, location, fatal: isUserFailure(err) || err instanceof FatalRunError });
}
