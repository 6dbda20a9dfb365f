// One task: an engine job over a fixed set of bronze partitions, its transactional producer and its
// checkpoints. Every commit is one Kafka transaction holding the outputs drained from the job, the
// job's snapshot (to the task's changelog partition) and the consumed positions (as the group's
// offsets, the changelog's one pointing at that snapshot), so outputs, state and positions become
// visible together or not at all. The stable transactional id fences a predecessor: starting the
// task aborts whatever a killed or stale owner left open, and its later commits fail.
import type { Admin, Kafka } from 'kafkajs';
import { compile, ManualClock, type Job, type JobSnapshot, type OutputInfo, type PipelinePlan, type SourceNode } from '../engine';
import { InputMerge, type BufferedRecord, type EventTimeReader, type Lane } from './input-merge';
import { toMessage, type OutputMessage } from './output-records';
import { outputTopic, type PlanFacts } from './plan-facts';
import type { ResolvedConfig } from './worker';
import { changelogTopicOf, partitionsOfTask, transactionalIdOf, type TaskLayout } from './task-layout';
import { connectTaskProducer, type TaskProducer } from './task-producer';

export const WATERMARKS_TOPIC = '_medallion.watermarks';

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
  readonly counters: TaskCounters = { in: {}, out: {}, commits: 0 };
  finished = false;
  private dirty = false;
  private lastCommit = Date.now();
  private stopped = false;
  private origin: number | null = null;
  /** The engine takes records in arrays; one reused array spares an allocation per record fed. */
  private readonly one: BufferedRecord[] = [];

  private constructor(
    readonly id: number,
    private readonly env: TaskEnvironment,
    private readonly job: Job,
    private readonly clock: ManualClock,
    private readonly producer: TaskProducer,
    readonly merge: InputMerge,
    private readonly sourceOfTopic: Map<string, string>,
  ) {}

  /** Fences the previous owner, restores the last committed checkpoint and seeks the inputs to it. */
  static async start(id: number, env: TaskEnvironment): Promise<Task> {
    const { config, admin } = env;
    const changelog = changelogTopicOf(config.group);
    // Connecting sends InitProducerId: from here on no earlier owner of this task can commit.
    const producer = await connectTaskProducer({
      connection: config.kafka, kafka: env.kafka, transactionalId: transactionalIdOf(config.group, id), changelog, topics: [...env.outputTopics, WATERMARKS_TOPIC],
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
      const task = new Task(id, env, job, clock, producer, new InputMerge(lanes, config.exitWhenCaughtUp, eventTimeReader(env.plan)), sourceOfTopic);
      task.finished = checkpoint?.finished ?? false;
      task.origin = checkpoint?.origin ?? null;
      for (const lane of task.merge.lanes) env.seek(lane.topic, lane.partition, lane.position);
      return task;
    } catch (error) {
      await producer.close().catch(() => {});
      throw error;
    }
  }

  /** Feeds buffered records in merge order, at most `budget` of them; returns how many it fed. */
  step(budget: number): { fed: number; caughtUp: boolean } {
    let fed = 0;
    while (fed < budget) {
      const next = this.merge.next();
      if (next.kind === 'wait') return { fed, caughtUp: false };
      if (next.kind === 'caught-up') return { fed, caughtUp: true };
      this.feed(next.lane, next.record);
      fed++;
    }
    return { fed, caughtUp: false };
  }

  private feed(lane: Lane, record: BufferedRecord): void {
    // Processing time follows the records' timestamps, so idleness is decided by the data and a
    // re-run or a restart decides it the same way. It counts from the first record rather than from
    // the epoch: partitions are declared at time 0, and a clock that jumped from 0 to today would make
    // every one of them idle at once.
    if (this.origin === null && Number.isFinite(record.time)) this.origin = record.time;
    const now = this.origin === null ? 0 : record.time - this.origin;
    if (now > this.clock.now()) {
      this.clock.set(now);
      this.job.tick();
    }
    // A pushed record is the engine's only during the push (engine invariant 6), so the array is reused.
    this.one[0] = record;
    this.job.push(lane.source, lane.partition, this.one);
    this.counters.in[lane.source] = (this.counters.in[lane.source] ?? 0) + 1;
    this.dirty = true;
  }

  /** Closes every window of a bounded input; the next commit carries the results. */
  finish(): void {
    if (this.finished) return;
    this.job.finish();
    this.finished = true;
    this.dirty = true;
  }

  commitDue(now: number): boolean {
    return this.dirty && now - this.lastCommit >= this.env.config.commitIntervalMs;
  }

  /** Commits outputs, checkpoint and positions in one transaction. A failure leaves the task unusable: its worker must restart it. */
  async commit(): Promise<void> {
    if (this.stopped) throw new Error(`task ${this.id} is stopped`);
    const { config, facts, plan } = this.env;
    const drained = this.job.drain();
    const watermarkOf = (layer: string): number | null => {
      let low: number | null = null;
      for (const source of facts.sourcesOf.get(layer) ?? [layer]) {
        const wm = this.job.watermark(source);
        if (wm === null) return null;
        if (wm.kind === 'idle') continue;
        low = low === null ? wm.at : Math.min(low, wm.at);
      }
      return low;
    };
    const byTopic = new Map<string, OutputMessage[]>();
    for (const output of this.job.outputs) {
      const records = drained[output.name];
      if (records === undefined || (this.env.written !== null && !this.env.written.has(output.layer))) continue;
      const wm = watermarkOf(output.layer);
      const topic = outputTopic(output, config.topicSuffix);
      const messages = byTopic.get(topic) ?? [];
      for (const r of records) messages.push(toMessage(r, output, facts, wm));
      byTopic.set(topic, messages);
      this.counters.out[output.name] = (this.counters.out[output.name] ?? 0) + records.length;
    }
    const at = Date.now();
    const marks: OutputMessage[] = this.layersAndSources().filter((layer) => this.env.written === null || this.env.written.has(layer)).map((layer) => ({
      key: `${config.group}/${layer}/${this.id}`,
      value: JSON.stringify({ pipeline: plan.name, group: config.group, layer, task: this.id, watermark: watermarkOf(layer), at }),
      timestamp: undefined,
      headers: {},
    }));
    byTopic.set(WATERMARKS_TOPIC, [...(byTopic.get(WATERMARKS_TOPIC) ?? []), ...marks]);
    const checkpoint: TaskCheckpoint = {
      format: 'medallion-runner/1', task: this.id, clock: this.clock.now(), origin: this.origin, finished: this.finished,
      lanes: this.merge.lanes.map((l) => ({ topic: l.topic, partition: l.partition, position: l.position, lastTime: Number.isFinite(l.lastTime) ? l.lastTime : null })),
      job: this.job.snapshot(),
    };
    try {
      await this.producer.commit({
        group: config.group,
        changelog: { topic: changelogTopicOf(config.group), partition: this.id, key: `task-${this.id}`, value: JSON.stringify(checkpoint) },
        outputs: byTopic,
        positions: this.merge.lanes.map((l) => ({ topic: l.topic, partition: l.partition, offset: l.position })),
      });
    } catch (error) {
      this.stopped = true;
      throw error;
    }
    this.dirty = false;
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
    await this.producer.close().catch(() => {});
  }

  sourceFor(topic: string): string | undefined {
    return this.sourceOfTopic.get(topic);
  }
}

/**
 * The merge's event-time reader: decodes with the source's codec and applies its event-time
 * function, as the engine will. A record either cannot handle gets null (it sorts with the record
 * before it) and goes to the engine as fetched, which dead-letters it with the real error.
 */
function eventTimeReader(plan: PipelinePlan): EventTimeReader {
  const sources = new Map<string, SourceNode>();
  for (const n of plan.nodes) if (n.kind === 'source') sources.set(n.name, n);
  return (name, record, partition) => {
    const source = sources.get(name)!;
    if (source.eventTime === 'timestamp') return { time: Number.isFinite(record.timestamp) ? record.timestamp : null, value: record.value };
    let value: unknown;
    try {
      value = source.decode === null ? record.value : source.decode(record.value);
    } catch {
      return { time: null, value: record.value };
    }
    try {
      const time = source.eventTime(value, { partition, offset: record.offset, timestamp: record.timestamp });
      return { time: typeof time === 'number' && Number.isFinite(time) ? time : null, value };
    } catch {
      return { time: null, value };
    }
  };
}
