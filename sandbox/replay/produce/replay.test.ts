// The replay loop against an in-memory sink: batching, resume, offsets and pacing, without Kafka.
// The black-box tests against the real broker are in replay-broker.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { OutgoingRecord } from './outgoing-record';
import type { RecordSink } from './record-sink';
import { replay, type ReplayOptions } from './replay';
import type { WallClock } from './pacer';

/** Keeps what it is sent; can refuse the nth batch like a broker going away. */
class MemorySink implements RecordSink {
  readonly batches: OutgoingRecord[][] = [];
  readonly created = new Map<string, number>();
  constructor(private readonly failOnBatch = Infinity, private readonly onBatch?: (n: number) => void) {}
  async partitionsFor(topic: string, createWith: number | undefined): Promise<number> {
    if (!this.created.has(topic)) this.created.set(topic, createWith ?? 1);
    return this.created.get(topic)!;
  }
  async send(records: OutgoingRecord[]): Promise<void> {
    if (this.batches.length + 1 === this.failOnBatch) throw new Error('broker unavailable');
    this.batches.push([...records]);
    this.onBatch?.(this.batches.length);
  }
  async close(): Promise<void> {}
  get records(): OutgoingRecord[] {
    return this.batches.flat();
  }
}

async function workspace(files: Record<string, string>): Promise<{ dir: string; data: string; stateFile: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'medallion-replay-'));
  const data = path.join(dir, 'data');
  await import('node:fs/promises').then((fs) => fs.mkdir(data));
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(data, name), content);
  return { dir, data, stateFile: path.join(dir, '.medallion', 'replay-state.json') };
}

const base = (sink: RecordSink, source: string, stateFile: string): ReplayOptions => ({ source, sink, stateFile, progress: false, onBadRecord: () => {} });

function ndjson(n: number, t0 = Date.UTC(2026, 2, 2, 9), step = 1000): string {
  return Array.from({ length: n }, (_, i) => JSON.stringify({ order_id: `O-${i + 1}`, ts: new Date(t0 + i * step).toISOString() })).join('\n') + '\n';
}

const ids = (records: OutgoingRecord[]): string[] => records.map((r) => `${r.topic}:${r.value.toString()}`);

test('records carry key, event time, headers; poison lines go raw with no key and a reason', async () => {
  const { data, stateFile } = await workspace({ 'orders.ndjson': '{"order_id":"O-1","ts":1772442000000}\n{oops\n{"order_id":"O-2","ts":"2026-03-02T09:00:01Z"}\n' });
  const sink = new MemorySink();
  const bad: string[] = [];
  const result = await replay({ ...base(sink, data, stateFile), onBadRecord: (r) => bad.push(`${path.basename(r.file)}:${r.line}`), partitions: 3 });
  assert.equal(result.records, 3);
  assert.equal(result.badRecords, 1);
  assert.deepEqual(bad, ['orders.ndjson:2']);
  const [first, poison, second] = sink.records;
  assert.equal(first!.key!.toString(), 'O-1');
  assert.equal(first!.timestamp, 1772442000000);
  assert.deepEqual(first!.headers, { 'source-file': 'orders.ndjson', 'source-line': '1', 'content-type': 'application/json' });
  assert.equal(poison!.key, null);
  assert.equal(poison!.value.toString(), '{oops');
  assert.equal(poison!.partition, first!.partition, 'a keyless record goes beside the record before it');
  assert.match(poison!.headers['medallion-suspect']!, /^invalid JSON/);
  assert.equal(second!.timestamp, Date.UTC(2026, 2, 2, 9, 0, 1));
  assert.equal(sink.created.get('orders'), 3);
});

test('records go in batches of at most batchRecords, merged across files by event time', async () => {
  const t0 = Date.UTC(2026, 2, 2, 9);
  const { data, stateFile } = await workspace({ 'a.ndjson': ndjson(25, t0, 2000), 'b.ndjson': ndjson(25, t0 + 1000, 2000) });
  const sink = new MemorySink();
  await replay({ ...base(sink, data, stateFile), batchRecords: 10 });
  assert.deepEqual(sink.batches.map((b) => b.length), [10, 10, 10, 10, 10]);
  assert.deepEqual(sink.records.slice(0, 4).map((r) => r.topic), ['a', 'b', 'a', 'b']);
  const times = sink.records.map((r) => r.timestamp!);
  assert.deepEqual(times, [...times].sort((x, y) => x - y));
});

test('an interrupted replay resumed with resume: true produces every record exactly once', async () => {
  const { data, stateFile } = await workspace({ 'a.ndjson': ndjson(95), 'b.json': `[${Array.from({ length: 40 }, (_, i) => `{"id":${i},"ts":${1772442000 + i}}`).join(',\n')}]`, 'c.csv': `id,ts\n${Array.from({ length: 30 }, (_, i) => `${i},${1772442000000 + i * 500}`).join('\n')}\n` });
  const controller = new AbortController();
  const first = new MemorySink(Infinity, (n) => n === 4 && controller.abort());
  const interrupted = await replay({ ...base(first, data, stateFile), batchRecords: 7, signal: controller.signal });
  assert.equal(interrupted.interrupted, true);
  assert.ok(first.records.length < 165);
  const second = new MemorySink();
  await replay({ ...base(second, data, stateFile), batchRecords: 7, resume: true });
  const together = [...ids(first.records), ...ids(second.records)];
  assert.equal(new Set(together).size, together.length, 'no duplicates');
  const everything = new MemorySink();
  await replay({ ...base(everything, data, stateFile), batchRecords: 50 });
  assert.deepEqual([...together].sort(), ids(everything.records).sort(), 'no gaps');
});

test('a failed send leaves the state at the last acknowledged batch', async () => {
  const { data, stateFile } = await workspace({ 'a.ndjson': ndjson(50) });
  const failing = new MemorySink(3);
  await assert.rejects(replay({ ...base(failing, data, stateFile), batchRecords: 10 }), /broker unavailable/);
  assert.equal(failing.records.length, 20);
  const rest = new MemorySink();
  await replay({ ...base(rest, data, stateFile), batchRecords: 10, resume: true });
  assert.deepEqual(ids([...failing.records, ...rest.records]), ids((await (async () => { const s = new MemorySink(); await replay({ ...base(s, data, stateFile) }); return s; })()).records));
});

test('without resume a replay starts over; a changed file refuses to resume', async () => {
  const { data, stateFile } = await workspace({ 'a.ndjson': ndjson(10) });
  await replay({ ...base(new MemorySink(), data, stateFile) });
  const again = new MemorySink();
  await replay({ ...base(again, data, stateFile) });
  assert.equal(again.records.length, 10);
  const resumed = new MemorySink();
  await replay({ ...base(resumed, data, stateFile), resume: true });
  assert.equal(resumed.records.length, 0, 'a finished replay resumes to nothing');
  await writeFile(path.join(data, 'a.ndjson'), ndjson(12));
  await assert.rejects(replay({ ...base(new MemorySink(), data, stateFile), resume: true }), /changed since the interrupted replay/);
});

test('fromOffset skips records and fromTime starts at the first record at or after the time', async () => {
  const t0 = Date.UTC(2026, 2, 2, 9);
  const { data, stateFile } = await workspace({ 'a.ndjson': ndjson(10, t0) });
  const offset = new MemorySink();
  await replay({ ...base(offset, data, stateFile), fromOffset: 7 });
  assert.deepEqual(offset.records.map((r) => r.key!.toString()), ['O-8', 'O-9', 'O-10']);
  const time = new MemorySink();
  await replay({ ...base(time, data, stateFile), fromTime: new Date(t0 + 5500).toISOString() });
  assert.deepEqual(time.records.map((r) => r.key!.toString()), ['O-7', 'O-8', 'O-9', 'O-10']);
});

test('passes replay the files again with a loop header; speed paces by event time on the clock', async () => {
  const { data, stateFile } = await workspace({ 'a.ndjson': ndjson(5, Date.UTC(2026, 2, 2, 9), 10_000) });
  let now = 0;
  const slept: number[] = [];
  const clock: WallClock = { now: () => now, sleep: async (ms) => { slept.push(ms); now += ms; } };
  const sink = new MemorySink();
  const result = await replay({ ...base(sink, data, stateFile), passes: 2, speed: 10, clock });
  assert.equal(result.passes, 2);
  assert.equal(sink.records.length, 10);
  assert.equal(sink.records[7]!.headers['replay-loop'], '1');
  assert.equal(sink.records[2]!.headers['replay-loop'], undefined);
  assert.deepEqual(slept, [1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000], 'ten seconds of events at 10x are one second apart, and each pass starts at once');
  assert.equal(sink.batches.length, 10, 'a paced replay sends what is due before it waits');
});
