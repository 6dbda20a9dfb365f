// Black-box tests: replay the committed samples into the project's broker on an ephemeral port and
// read every record back with a kafkajs consumer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startBroker, type RunningBroker } from '../../broker/index';
import { parseEventTime } from '../event-time';
import type { SamplesManifest } from '../generate/generate';
import { partitionForKey } from '../murmur2';
import { connectKafkaSink } from './kafka-sink';
import { readBack, type ReadBack } from './read-back.test-support';
import { replay } from './replay';

const SAMPLES = path.join(__dirname, '..', '..', '..', 'samples', 'data');

let broker: RunningBroker;
let dir: string;

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'medallion-replay-broker-'));
  broker = await startBroker({ port: 0, dataDir: path.join(dir, 'kafka'), groupInitialRebalanceDelayMs: 0, logger: { info: () => {}, warn: () => {}, error: () => {} } });
});

after(async () => {
  await broker.close();
  await rm(dir, { recursive: true, force: true });
});

function readAll(topics: string[], expected: number, group: string): Promise<ReadBack[]> {
  return readBack(broker.bootstrap, topics, expected, group);
}

async function sourceLines(file: string): Promise<string[]> {
  return (await readFile(path.join(SAMPLES, file), 'utf8')).split('\n');
}

test('the samples replay into bronze with keys, event-time timestamps, headers and poison lines as they are', async () => {
  const manifest = JSON.parse(await readFile(path.join(SAMPLES, 'MANIFEST.json'), 'utf8')) as SamplesManifest;
  const prefix = 'full.';
  const result = await replay({ source: SAMPLES, bootstrap: broker.bootstrap, topicPrefix: prefix, stateFile: path.join(dir, 'state-full.json'), progress: false, onBadRecord: () => {} });
  const total = manifest.streams.reduce((sum, s) => sum + s.lines, 0);
  assert.equal(result.records, total);
  const records = await readAll(manifest.streams.map((s) => prefix + s.topic), total, 'full');
  assert.equal(records.length, total, 'no more records than lines');

  for (const stream of manifest.streams) {
    const lines = await sourceLines(stream.file);
    const mine = records.filter((r) => r.topic === prefix + stream.topic);
    assert.equal(mine.length, stream.lines, `${stream.topic}: one record per line`);
    const perPartition = new Array<number>(stream.partitions).fill(0);
    const seenLines = new Set<number>();
    for (const { partition, message } of mine) {
      perPartition[partition]!++;
      const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
      assert.equal(headers['source-file'], stream.file);
      const line = Number(headers['source-line']);
      seenLines.add(line);
      const original = lines[line - 1]!;
      assert.equal(message.value!.toString('utf8'), original, `${stream.file}:${line} arrives byte for byte`);
      let parsed: Record<string, unknown> | undefined;
      try {
        parsed = JSON.parse(original) as Record<string, unknown>;
      } catch {
        parsed = undefined;
      }
      if (parsed === undefined) {
        assert.equal(message.key, null, 'a poison line has no key');
        assert.match(headers['medallion-suspect']!, /^invalid JSON/);
        assert.equal(headers['content-type'], 'application/octet-stream');
        continue;
      }
      assert.equal(message.key!.toString(), String(parsed[stream.keyField]));
      assert.equal(partition, partitionForKey(String(parsed[stream.keyField]), stream.partitions));
      assert.equal(Number(message.timestamp), parseEventTime(parsed[stream.timestampField]));
      assert.equal(headers['content-type'], 'application/json');
    }
    assert.equal(seenLines.size, stream.lines, `${stream.topic}: every line once`);
    assert.deepEqual(perPartition, stream.linesPerPartition, `${stream.topic}: partitions as the manifest says`);
  }
});

test('a replay interrupted mid-way and resumed puts every line in bronze exactly once', async () => {
  const manifest = JSON.parse(await readFile(path.join(SAMPLES, 'MANIFEST.json'), 'utf8')) as SamplesManifest;
  const prefix = 'resume.';
  const stateFile = path.join(dir, 'state-resume.json');
  const controller = new AbortController();
  const real = await connectKafkaSink({ bootstrap: broker.bootstrap });
  let sent = 0;
  const interrupting = { ...real, send: async (records: Parameters<typeof real.send>[0]) => { await real.send(records); if (++sent === 3) controller.abort(); } };
  const first = await replay({ source: SAMPLES, bootstrap: broker.bootstrap, topicPrefix: prefix, stateFile, batchRecords: 250, sink: interrupting, signal: controller.signal, progress: false, onBadRecord: () => {} });
  await real.close();
  assert.equal(first.interrupted, true);
  assert.equal(first.records, 750);
  const second = await replay({ source: SAMPLES, bootstrap: broker.bootstrap, topicPrefix: prefix, stateFile, batchRecords: 250, resume: true, progress: false, onBadRecord: () => {} });
  const total = manifest.streams.reduce((sum, s) => sum + s.lines, 0);
  assert.equal(first.records + second.records, total);
  const records = await readAll(manifest.streams.map((s) => prefix + s.topic), total, 'resume');
  assert.equal(records.length, total);
  const identities = records.map((r) => `${r.topic}:${String(r.message.headers!['source-line'])}`);
  assert.equal(new Set(identities).size, total, 'no line twice, none missing');
});
