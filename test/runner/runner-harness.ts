// What the runner's end-to-end tests share: reading topics to their end with read_committed, and the
// reference the runner must match. The reference runs the same pipeline through the engine's test
// driver, feeding each task's partitions in the order RUNNER.md promises (event time, ties to the
// source declared first, then the lower partition; a record without an event time right after the
// record before it), written here independently of the runner's own merge.
import assert from 'node:assert/strict';
import path from 'node:path';
import { createTestDriver, type Pipeline } from '../../sandbox/pipeline';
import { bundlePipeline } from '../../sandbox/runner';
import { requirePipelineBundle } from '../../sandbox/runner/load-pipeline';
import { rowIdOf, type SourceNode } from '../../sandbox/engine';
import { planFacts } from '../../sandbox/runner/plan-facts';
import { partitionKey } from '../../sandbox/wire/cluster';
import { Fetcher } from '../../sandbox/wire/fetcher';

export interface ReadRecord {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  timestamp: number;
  headers: Record<string, string>;
}

/**
 * Reads every committed record of `topics` up to their current end (the last stable offset), with
 * our wire fetcher by explicit assignment. Not with kafkajs: its read_committed filter activates
 * one aborted transaction per record it looks at, so a fetch that starts inside two or more
 * aborted transactions lets the records of all but one through (test/wire/aborted-transactions
 * shows it), and a killed worker leaves exactly that: several tasks' open transactions, aborted,
 * interleaved in the same output partitions.
 */
export async function readToEnd(bootstrap: string, topics: string[], timeoutMs = 20_000): Promise<ReadRecord[]> {
  const fetcher = await Fetcher.connect({ bootstrap, headers: true, isolation: 'read_committed', maxWaitMs: 50, requestTimeoutMs: 5_000 });
  try {
    const wanted: { topic: string; partitions: number[] }[] = [];
    for (const topic of topics) wanted.push({ topic, partitions: Array.from({ length: await fetcher.partitionCount(topic) }, (_, p) => p) });
    const ends = await fetcher.endOffsetsOf(wanted);
    for (const { topic, partitions } of wanted) for (const p of partitions) fetcher.assign(topic, p, 0);
    const pending = (): string[] => fetcher.assigned().filter((a) => a.position < (ends.get(partitionKey(a.topic, a.partition)) ?? 0)).map((a) => `${a.topic}/${a.partition}`);
    const read: ReadRecord[] = [];
    const deadline = Date.now() + timeoutMs;
    while (pending().length > 0) {
      if (Date.now() > deadline) throw new Error(`reading ${topics.length} topics to their end timed out (missing: ${pending().slice(0, 5).join(', ')})`);
      for (const part of await fetcher.fetch()) {
        const end = ends.get(partitionKey(part.topic, part.partition)) ?? 0;
        for (const r of part.records) {
          if (r.offset >= end) continue;
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(r.headers ?? {})) headers[name] = Array.isArray(value) ? value[value.length - 1]! : value;
          read.push({ topic: part.topic, partition: part.partition, offset: r.offset, key: r.key, value: r.value, timestamp: r.timestamp, headers });
        }
        if (part.nextOffset >= end) fetcher.pause(part.topic, part.partition);
      }
    }
    return read;
  } finally {
    fetcher.close();
  }
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

/** Asserts the runner wrote every expected record exactly once: none twice or unexpected, none lost. */
export function assertExactlyOnce(actual: readonly OutputLine[], expected: readonly OutputLine[]): void {
  assert.deepEqual(surplus(actual, expected).slice(0, 10), [], 'records written twice or not expected');
  assert.deepEqual(surplus(expected, actual).slice(0, 10), [], 'records lost');
}

/** The keyed-totals fixture's bronze topic and the topics its run writes. */
export const KEYED_TOTALS = {
  fixture: path.join(REPO, 'test', 'runner', 'fixtures', 'keyed-totals.pipeline.ts'),
  outputs: ['events_clean', 'events_clean.quarantine', 'totals_per_key_10s', 'events.dead_letter'],
};

/**
 * After a run of the keyed-totals fixture with one task per partition of `events`: the committed
 * bronze records, the reference outputs computed from them, and what the runner wrote.
 */
export async function keyedTotalsOutcome(bootstrap: string, workDir: string, partitions: number): Promise<{ bronze: ReadRecord[]; expected: OutputLine[]; actual: OutputLine[] }> {
  const pipeline = await loadPipeline(KEYED_TOTALS.fixture, workDir);
  const bronze = await readToEnd(bootstrap, ['events']);
  const expected = referenceOutputs(pipeline, bronze, Array.from({ length: partitions }, (_, p) => ({ events: [p] })));
  const actual = runnerOutputs(await readToEnd(bootstrap, KEYED_TOTALS.outputs));
  return { bronze, expected, actual };
}
