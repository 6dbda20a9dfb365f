// What the runner's end-to-end tests share: reading topics to their end with read_committed, and the
// reference the runner must match. The reference runs the same pipeline through the engine's test
// driver, feeding each task's partitions in the order RUNNER.md promises (event time, ties to the
// source declared first, then the lower partition; a record without an event time right after the
// record before it), written here independently of the runner's own merge.
import type { Kafka } from 'kafkajs';
import path from 'node:path';
import { createTestDriver, type Pipeline } from '../../sandbox/pipeline';
import { bundlePipeline } from '../../sandbox/runner';
import { requirePipelineBundle } from '../../sandbox/runner/load-pipeline';
import { rowIdOf, type SourceNode } from '../../sandbox/engine';
import { planFacts } from '../../sandbox/runner/plan-facts';
import { withTimeout } from '../support/timeouts';

export interface ReadRecord {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  timestamp: number;
  headers: Record<string, string>;
}

/** Reads every committed record of `topics` up to their current end, with a fresh group. */
export async function readToEnd(kafka: Kafka, topics: string[], timeoutMs = 20_000): Promise<ReadRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<string, number>();
  try {
    for (const topic of topics) for (const p of await admin.fetchTopicOffsets(topic)) ends.set(`${topic}/${p.partition}`, Number(p.high));
  } finally {
    await admin.disconnect();
  }
  const reached = new Map<string, number>();
  const pending = (): string[] => [...ends].filter(([k, end]) => (reached.get(k) ?? 0) < end).map(([k]) => k);
  // Keyed by position: a rebalance of the reading group re-delivers what it read since its last
  // commit, and those copies are the reader's, not duplicates in the topic.
  const read = new Map<string, ReadRecord>();
  if (pending().length === 0) return [];
  const consumer = kafka.consumer({ groupId: `read-${Date.now()}-${Math.random()}`, readUncommitted: false, maxWaitTimeInMs: 100, sessionTimeout: 10_000, heartbeatInterval: 500 });
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  try {
    await consumer.connect();
    for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: true });
    // Transaction markers are never delivered, so progress is taken from the batches' last offsets.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      const k = `${payload.topic}/${payload.partition}`;
      reached.set(k, Math.max(reached.get(k) ?? 0, Number(payload.lastOffset) + 1));
      if (pending().length === 0) done();
    });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        if (Number(message.offset) >= (ends.get(`${topic}/${partition}`) ?? 0)) return;
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
        read.set(`${topic}/${partition}/${message.offset}`, { topic, partition, offset: Number(message.offset), key: message.key?.toString('utf8') ?? null, value: message.value?.toString('utf8') ?? null, timestamp: Number(message.timestamp), headers });
      },
    });
    await withTimeout(finished, timeoutMs, `reading ${topics.length} topics to their end (missing: ${pending().slice(0, 5).join(', ')})`);
  } finally {
    await consumer.disconnect().catch(() => {});
  }
  return [...read.values()];
}

/** Loads a pipeline file the way the runner does (esbuild, `medallion-studio/pipeline` aliased). */
export async function loadPipeline(file: string, workDir: string): Promise<Pipeline> {
  const bundle = await bundlePipeline(file, workDir);
  return (requirePipelineBundle(bundle) as { default: Pipeline }).default;
}

/** One output record as the comparison sees it: the topic, the id, the change kind and the value's JSON. */
export type OutputLine = string;

/**
 * The reference: every task's records through the test driver, in the promised order, then finish().
 * `tasks` lists, per task, the partitions of each bronze topic it owns.
 */
export function referenceOutputs(pipeline: Pipeline, bronze: readonly ReadRecord[], tasks: readonly Record<string, number[]>[]): OutputLine[] {
  const lines: OutputLine[] = [];
  const updatingLayers = planFacts(pipeline.plan).updating;
  for (const owned of tasks) {
    const driver = createTestDriver(pipeline, { lineage: false });
    const sources = pipeline.plan.nodes.filter((n): n is SourceNode => n.kind === 'source');
    const lanes: { source: SourceNode; records: (ReadRecord & { time: number })[] }[] = [];
    for (const source of sources) {
      const partitions = owned[source.topic] ?? [];
      driver.job.assignPartitions(source.name, partitions);
      for (const partition of partitions) {
        let previous = Number.NEGATIVE_INFINITY;
        const records = bronze
          .filter((r) => r.topic === source.topic && r.partition === partition)
          .sort((a, b) => a.offset - b.offset)
          .map((r) => {
            const time = eventTimeOf(source, r) ?? previous;
            previous = time;
            return { ...r, time };
          });
        lanes.push({ source, records });
      }
    }
    const heads = lanes.map(() => 0);
    let origin: number | null = null;
    let now = 0;
    for (;;) {
      let best = -1;
      for (let i = 0; i < lanes.length; i++) {
        const head = lanes[i]!.records[heads[i]!];
        if (head && (best === -1 || head.time < lanes[best]!.records[heads[best]!]!.time)) best = i;
      }
      if (best === -1) break;
      const lane = lanes[best]!;
      const r = lane.records[heads[best]!++]!;
      if (origin === null && Number.isFinite(r.time)) origin = r.time;
      const at = origin === null ? 0 : r.time - origin;
      if (at > now) {
        driver.advanceTime(at - now);
        now = at;
      }
      driver.input(lane.source.name).send(r.value, { partition: r.partition, offset: r.offset, key: r.key ?? undefined, timestamp: r.timestamp });
    }
    driver.finish();
    for (const output of driver.job.outputs) {
      // LINEAGE.md: an update-mode output names the row (the id without its change number) and the change.
      const updating = output.kind === 'layer' && updatingLayers.has(output.layer);
      for (const record of driver.job.drainOutput(output.name)) lines.push(line(output.topic, updating ? rowIdOf(record.id) : record.id, record.kind, JSON.stringify(record.value)));
    }
  }
  return lines.sort();
}

function eventTimeOf(source: SourceNode, r: ReadRecord): number | null {
  if (source.eventTime === 'timestamp') return r.timestamp;
  try {
    const value = source.decode === null ? r.value : source.decode(r.value);
    const t = source.eventTime(value, { partition: r.partition, offset: r.offset, timestamp: r.timestamp });
    return Number.isFinite(t) ? t : null;
  } catch {
    return null;
  }
}

/** The runner's outputs in the same form, from the records read back. */
export function runnerOutputs(records: readonly ReadRecord[]): OutputLine[] {
  return records.map((r) => line(r.topic, r.headers['medallion.id'] ?? '?', r.headers['medallion.change'] ?? 'insert', r.value ?? 'null')).sort();
}

function line(topic: string, id: string, kind: string, value: string): OutputLine {
  return `${topic} ${id} ${kind} ${portable(value)}`;
}

/**
 * A dead letter names the frame that threw. When that frame is not the user's code (a value the
 * codec could not decode throws inside the sandbox or node) it differs between the runner and the test driver, which call the engine
 * from different places; frames in the user's files must match and are kept.
 */
function portable(value: string): string {
  if (!value.includes('"location"')) return value;
  const parsed = JSON.parse(value) as { location?: unknown };
  const user = [path.join(REPO, 'samples'), path.join(REPO, 'test', 'runner', 'fixtures')];
  if (typeof parsed.location === 'string' && !user.some((dir) => (parsed.location as string).startsWith(dir))) parsed.location = '<not user code>';
  return JSON.stringify(parsed);
}

/** The records of `lines` that are not in `other` (as a multiset): what one side has too many of. */
export function surplus(lines: readonly OutputLine[], other: readonly OutputLine[]): OutputLine[] {
  const counts = new Map<string, number>();
  for (const l of other) counts.set(l, (counts.get(l) ?? 0) + 1);
  const out: OutputLine[] = [];
  for (const l of lines) {
    const n = counts.get(l) ?? 0;
    if (n > 0) counts.set(l, n - 1);
    else out.push(l);
  }
  return out;
}

export const REPO = path.resolve(__dirname, '..', '..');
