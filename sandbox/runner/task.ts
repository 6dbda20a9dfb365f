// One task: an engine job over a fixed set of bronze partitions, its transactional producer and its
// checkpoints. Every commit is one Kafka transaction holding the outputs drained from the job, the
// job's snapshot (to the task's changelog partition) and the consumed positions (as the group's
// offsets, the changelog's one pointing at that snapshot), so outputs, state and positions become
// visible together or not at all. The stable transactional id fences a predecessor: starting the
// task aborts whatever a killed or stale owner left open, and its later commits fail.
import type { Admin, Kafka } from 'kafkajs';
import { compile, ManualClock, type Job, type JobSnapshot, type OutputInfo, type PipelinePlan } from '../engine';
import { InputMerge } from './input-merge';
import { eventTimeReader, MergedFeed } from './merged-feed';
import { OutputEncoder, type OutputMessage } from './output-records';
import { outputTopic, type PlanFacts } from './plan-facts';
import type { ResolvedConfig } from './worker';
import { changelogTopicOf, partitionsOfTask, transactionalIdOf, type TaskLayout } from './task-layout';
import { connectTaskProducer, type TaskProducer } from './task-producer';

export const WATERMARKS_TOPIC = '_medallion.watermarks';

/** Bronze records a task may take while its commit travels; then it waits for the commit. */
const MAX_FED_WHILE_COMMITTING = 20_000;
/**
 * Output records the job may hold before they are written into the transaction, within a step. A
 * step of two thousand bronze records can emit thousands of outputs and take longer than the young
 * generation takes to fill: outputs held that long are copied by the collector twice, and on the
 * samples' orders that copying cost about a quarter of the engine's time.
 */
const OUTPUTS_PER_WRITE = 256;

/** What the changelog holds per commit. */
interface TaskCheckpoint {
  readonly format: 'medallion-runner/1';
  readonly task: number;
  readonly clock: number;
  /** The timestamp of the first record fed: processing time counts from it. */
  readonly origin: number | null;
  readonly lanes: { topic: string; partition: number; position: number; lastTime: number | null }[];
  readonly finished: boolean;
  readonly job: JobSnapshot;
}

/** Counters of one task since it started in this process. */
export interface TaskCounters {
  in: Record<string, number>;
  out: Record<string, number>;
  commits: number;
}

/** What a task needs from its worker: the group consumer is shared, so seeks and changelog reads go through it. */
export interface TaskEnvironment {
  kafka: Kafka;
  admin: Admin;
  config: ResolvedConfig;
  plan: PipelinePlan;
  facts: PlanFacts;
  layout: TaskLayout;
  /** The layers written (a re-run from a layer); outputs of other layers are computed and dropped. */
  written: ReadonlySet<string> | null;
  /** Every topic a commit may write outputs to (the changelog aside). */
  outputTopics: string[];
  seek(topic: string, partition: number, offset: number): void;
  /** Reads the committed changelog record at `offset` of the task's partition. */
  readChangelog(task: number, offset: number): Promise<string>;
}

export class Task {
  readonly counters: TaskCounters;
  finished = false;
  private dirty = false;
  private committing: Promise<void> | null = null;
  private fedWhileCommitting = 0;
  private lastCommit = Date.now();
  private stopped = false;
  private readonly feed: MergedFeed;
  private readonly encoder: OutputEncoder;
  private readonly writeOutputsNow = (): void => this.writeOutputs();

  private constructor(
    readonly id: number,
    private readonly env: TaskEnvironment,
    private readonly job: Job,
    private readonly clock: ManualClock,
    private readonly producer: TaskProducer,
    readonly merge: InputMerge,
    origin: number | null,
    private readonly sourceOfTopic: Map<string, string>,
  ) {
    this.feed = new MergedFeed(job, clock, merge, origin);
    this.encoder = new OutputEncoder(env.facts);
    const feed = this.feed;
    this.counters = {
      get in() {
        return feed.fed();
      },
      out: {},
      commits: 0,
    };
  }

  /** Fences the previous owner, restores the last committed checkpoint and seeks the inputs to it. */
  static async start(id: number, env: TaskEnvironment): Promise<Task> {
    const { config, admin } = env;
    const changelog = changelogTopicOf(config.group);
    // Connecting sends InitProducerId: from here on no earlier owner of this task can commit.
    const producer = await connectTaskProducer({
      connection: config.kafka, kafka: env.kafka, transactionalId: transactionalIdOf(config.group, id), group: config.group, changelog, topics: [...env.outputTopics, WATERMARKS_TOPIC],
    });
    try {
      const committed = await admin.fetchOffsets({ groupId: config.group, topics: [changelog] });
      const pointer = Number(committed[0]?.partitions.find((p) => p.partition === id)?.offset ?? -1);
      const checkpoint = pointer >= 0 ? (JSON.parse(await env.readChangelog(id, pointer)) as TaskCheckpoint) : null;
      if (checkpoint !== null && (checkpoint.format !== 'medallion-runner/1' || checkpoint.task !== id)) {
        throw new Error(`changelog ${changelog} partition ${id} offset ${pointer} is not a checkpoint of task ${id}`);
      }

      const clock = new ManualClock(checkpoint?.clock ?? 0);
      const job = compile(env.plan, { clock, lineage: config.lineage === 0 ? false : config.lineage });
      const owned = partitionsOfTask(env.layout, id);
      const sourceOfTopic = new Map<string, string>();
      const lanes: { source: string; topic: string; partition: number; position: number; end: number; lastTime: number }[] = [];
      for (const source of job.sources) {
        const topic = job.topicOf(source);
        sourceOfTopic.set(topic, source);
        const partitions = owned[topic] ?? [];
        job.assignPartitions(source, partitions);
        const offsets = await admin.fetchTopicOffsets(topic);
        for (const partition of partitions) {
          const known = offsets.find((o) => o.partition === partition);
          const saved = checkpoint?.lanes.find((l) => l.topic === topic && l.partition === partition);
          const start = saved?.position ?? Number(config.fromBeginning ? (known?.low ?? 0) : (known?.high ?? 0));
          lanes.push({ source, topic, partition, position: start, end: Number(known?.high ?? 0), lastTime: saved?.lastTime ?? Number.NEGATIVE_INFINITY });
        }
      }
      if (checkpoint !== null) job.restore(checkpoint.job);
      const merge = new InputMerge(lanes, config.exitWhenCaughtUp, eventTimeReader(env.plan));
      const task = new Task(id, env, job, clock, producer, merge, checkpoint?.origin ?? null, sourceOfTopic);
      task.finished = checkpoint?.finished ?? false;
      for (const lane of task.merge.lanes) env.seek(lane.topic, lane.partition, lane.position);
      return task;
    } catch (error) {
      await producer.close().catch(() => {});
      throw error;
    }
  }

  /** Feeds buffered records in merge order, at most `budget` of them; returns how many it fed. */
  step(budget: number): { fed: number; caughtUp: boolean } {
    if (this.stopped) return { fed: 0, caughtUp: false };
    // What is written while a commit travels waits in memory for the next transaction: a commit
    // that takes long (a slow broker) holds the task back instead of letting that grow.
    if (this.committing !== null) {
      budget = Math.min(budget, MAX_FED_WHILE_COMMITTING - this.fedWhileCommitting);
      if (budget <= 0) return { fed: 0, caughtUp: false };
    }
    const step = this.feed.step(budget, OUTPUTS_PER_WRITE, this.writeOutputsNow);
    if (step.fed > 0) {
      this.dirty = true;
      if (this.committing !== null) this.fedWhileCommitting += step.fed;
      this.writeOutputs();
    }
    return step;
  }

  /** Closes every window of a bounded input; the next commit carries the results. */
  finish(): void {
    if (this.finished) return;
    this.job.finish();
    this.writeOutputs();
    this.finished = true;
    this.dirty = true;
  }

  /**
   * Drains the job and writes its outputs into the open transaction, after every step rather than
   * at the commit: the records then live for one step instead of a whole commit interval, and the
   * garbage collector does not have to copy them out of the young generation. Each record carries
   * its layer's watermark as of this write.
   */
  private writeOutputs(): void {
    const { config } = this.env;
    const drained = this.job.drain();
    for (const output of this.job.outputs) {
      const records = drained[output.name];
      if (records === undefined || (this.env.written !== null && !this.env.written.has(output.layer))) continue;
      const topic = outputTopic(output, config.topicSuffix);
      this.encoder.encode(records, output, this.watermarkOf(output.layer), (message) => this.producer.write(topic, message));
      this.counters.out[output.name] = (this.counters.out[output.name] ?? 0) + records.length;
    }
  }

  /** A layer's input watermark: the lowest of its bronze sources' that are not idle; null while one has none. */
  private watermarkOf(layer: string): number | null {
    let low: number | null = null;
    for (const source of this.env.facts.sourcesOf.get(layer) ?? [layer]) {
      const wm = this.job.watermark(source);
      if (wm === null) return null;
      if (wm.kind === 'idle') continue;
      low = low === null ? wm.at : Math.min(low, wm.at);
    }
    return low;
  }

  commitDue(now: number): boolean {
    return this.dirty && this.committing === null && now - this.lastCommit >= this.env.config.commitIntervalMs;
  }

  /** True when everything fed is committed: nothing new since the last commit, none on its way, and none failed. */
  get settled(): boolean {
    return !this.stopped && !this.dirty && this.committing === null;
  }

  /** Resolves when the commit on its way (if any) is done; rejects if it failed. */
  committed(): Promise<void> {
    return this.committing ?? Promise.resolve();
  }

  /**
   * Commits outputs, checkpoint and positions in one transaction. Everything the transaction holds
   * is taken before the first await, so the task may be fed again while the commit travels (what it
   * writes meanwhile goes into the next transaction); only one commit is on its way at a time. A
   * failure leaves the task unusable: its worker must restart it.
   */
  commit(): Promise<void> {
    if (this.committing !== null) return Promise.reject(new Error(`task ${this.id} is already committing`));
    this.fedWhileCommitting = 0;
    const commit = this.commitNow().finally(() => {
      this.committing = null;
    });
    this.committing = commit;
    return commit;
  }

  private async commitNow(): Promise<void> {
    if (this.stopped) throw new Error(`task ${this.id} is stopped`);
    const { config, plan } = this.env;
    this.writeOutputs();
    const byTopic = new Map<string, OutputMessage[]>();
    const at = Date.now();
    const marks: OutputMessage[] = this.layersAndSources().filter((layer) => this.env.written === null || this.env.written.has(layer)).map((layer) => ({
      key: `${config.group}/${layer}/${this.id}`,
      value: JSON.stringify({ pipeline: plan.name, group: config.group, layer, task: this.id, watermark: this.watermarkOf(layer), at }),
      timestamp: undefined,
      headers: {},
    }));
    byTopic.set(WATERMARKS_TOPIC, marks);
    // The job's snapshot is spliced in as text: serializing it once is the largest cost of a commit.
    const checkpoint: Omit<TaskCheckpoint, 'job'> = {
      format: 'medallion-runner/1', task: this.id, clock: this.clock.now(), origin: this.feed.origin, finished: this.finished,
      lanes: this.merge.lanes.map((l) => ({ topic: l.topic, partition: l.partition, position: l.position, lastTime: Number.isFinite(l.lastTime) ? l.lastTime : null })),
    };
    const checkpointJson = `${JSON.stringify(checkpoint).slice(0, -1)},"job":${this.job.snapshotJson()}}`;
    const positions = this.merge.lanes.map((l) => ({ topic: l.topic, partition: l.partition, offset: l.position }));
    this.dirty = false;
    try {
      await this.producer.commit({
        group: config.group,
        changelog: { topic: changelogTopicOf(config.group), partition: this.id, key: `task-${this.id}`, value: checkpointJson },
        outputs: byTopic,
        positions,
      });
    } catch (error) {
      this.stopped = true;
      throw error;
    }
    this.lastCommit = Date.now();
    this.counters.commits++;
  }

  private layersAndSources(): string[] {
    return [...new Set(this.job.outputs.filter((o: OutputInfo) => o.kind === 'layer').map((o) => o.layer))];
  }

  metrics(): ReturnType<Job['metrics']> {
    return this.job.metrics();
  }

  async close(): Promise<void> {
    this.stopped = true;
    await this.committed().catch(() => {});
    await this.producer.close().catch(() => {});
  }

  sourceFor(topic: string): string | undefined {
    return this.sourceOfTopic.get(topic);
  }
}
