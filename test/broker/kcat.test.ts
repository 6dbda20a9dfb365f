/**
 * librdkafka 2.0 through Debian's kcat: metadata listing, producing keyed records from a file,
 * consuming to the end in a chosen format, a balanced consumer group, and all four compression
 * codecs produced and consumed back byte for byte.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { Compression, validateBatchAt } from '../../sandbox/broker/codec/record-batch';
import { startTestBroker, type TestBroker } from '../support/in-process-broker';
import { testKafka } from '../support/kafkajs-client';
import { fetchBatches } from '../support/raw-fetch';
import { describeResult, runCommand, type CommandResult } from '../support/run-command';
import { makeTempDir, type TempDir } from '../support/temp-dir';
import { waitFor, withTimeout } from '../support/timeouts';
import { uniqueGroup, uniqueTopic } from '../support/topic-names';

let env: TestBroker;
let files: TempDir;

before(async () => {
  env = await startTestBroker();
  files = makeTempDir('medallion-kcat-');
});

after(async () => {
  await env.close();
  files.remove();
});

async function kcat(args: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<CommandResult> {
  const result = await runCommand('kcat', ['-b', env.bootstrap, '-q', ...args], {
    timeoutMs: options.timeoutMs ?? 20_000,
    input: options.input,
  });
  assert.equal(result.timedOut, false, `kcat ${args.join(' ')} timed out; stderr: ${result.stderr}`);
  assert.equal(result.code, 0, `kcat ${args.join(' ')}: ${describeResult(result)}`);
  return result;
}

interface KcatMetadata {
  controllerid: number;
  brokers: { id: number; name: string }[];
  topics: { topic: string; error?: string; partitions: { partition: number; leader: number; replicas: { id: number }[]; isrs: { id: number }[] }[] }[];
}

test('-L lists the broker, the controller and each topic with its partitions', async () => {
  const topic = uniqueTopic('kcat-meta');
  await kcat(['-P', '-t', topic], { input: 'one\n' });
  const json = await kcat(['-L', '-J']);
  const meta = JSON.parse(json.stdout) as KcatMetadata;
  assert.deepEqual(meta.brokers, [{ id: 1, name: env.bootstrap }]);
  assert.equal(meta.controllerid, 1);
  const listed = meta.topics.find((t) => t.topic === topic);
  assert.ok(listed, 'the produced-to topic is listed');
  assert.deepEqual(listed.partitions, [{ partition: 0, leader: 1, replicas: [{ id: 1 }], isrs: [{ id: 1 }] }]);

  const text = await kcat(['-L', '-t', topic]);
  assert.match(text.stdout, new RegExp(`broker 1 at ${env.bootstrap.replaceAll('.', '\\.')} \\(controller\\)`));
  assert.match(text.stdout, new RegExp(`topic "${topic}" with 1 partitions:`));
  assert.match(text.stdout, /partition 0, leader 1, replicas: 1, isrs: 1/);
});

test('-P -K: from a file, then -C -o beginning -e with a format shows keys, values and offsets', async () => {
  const topic = uniqueTopic('kcat-keys');
  const lines = Array.from({ length: 50 }, (_, i) => `key${i % 7}:value number ${i}`);
  const file = path.join(files.path, `${topic}.txt`);
  writeFileSync(file, lines.join('\n') + '\n');
  await kcat(['-P', '-t', topic, '-K:', '-l', file]);
  const out = await kcat(['-C', '-t', topic, '-o', 'beginning', '-e', '-f', '%k %s %o\n']);
  assert.deepEqual(
    out.stdout.trimEnd().split('\n'),
    lines.map((line, i) => `${line.replace(':', ' ')} ${i}`),
  );
  // Starting from an absolute offset skips what came before it.
  const tail = await kcat(['-C', '-t', topic, '-o', '45', '-e', '-f', '%o:%s\n']);
  assert.deepEqual(tail.stdout.trimEnd().split('\n'), [45, 46, 47, 48, 49].map((i) => `${i}:value number ${i}`));
});

test('-Q and -o s@ find offsets by time; -o -N counts from the end; an offset past the end resets', async () => {
  const topic = uniqueTopic('kcat-offsets');
  const before = Date.now() - 60_000;
  await kcat(['-P', '-t', topic], { input: ['v0', 'v1', 'v2', 'v3', 'v4'].join('\n') + '\n' });
  const after = Date.now() + 60_000;
  // -Q prints its answer only when not quiet, so it runs without -q.
  const query = async (ts: number) => {
    const result = await runCommand('kcat', ['-b', env.bootstrap, '-Q', '-t', `${topic}:0:${ts}`], { timeoutMs: 20_000 });
    assert.equal(result.code, 0, describeResult(result));
    return result.stdout.trim();
  };
  // Before every record: the first offset; after every record: -1, as Kafka answers.
  assert.equal(await query(before), `${topic} [0] offset 0`);
  assert.equal(await query(after), `${topic} [0] offset -1`);
  const fromTime = await kcat(['-C', '-t', topic, '-o', `s@${before}`, '-e', '-f', '%o %s\n']);
  assert.equal(fromTime.stdout, '0 v0\n1 v1\n2 v2\n3 v3\n4 v4\n');
  const lastTwo = await kcat(['-C', '-t', topic, '-o', '-2', '-e', '-f', '%o %s\n']);
  assert.equal(lastTwo.stdout, '3 v3\n4 v4\n');
  // Past the end: OFFSET_OUT_OF_RANGE, and librdkafka resets to the end (auto.offset.reset=latest).
  const past = await runCommand('kcat', ['-b', env.bootstrap, '-C', '-t', topic, '-o', '100', '-e', '-f', '%o %s\n'], { timeoutMs: 20_000 });
  assert.equal(past.code, 0, describeResult(past));
  assert.equal(past.stdout, '');
  assert.match(past.stderr, /Offset out of range/);
  assert.match(past.stderr, /Reached end of topic \S+ \[0\] at offset 5/);
});

test('-G consumes as a balanced group, commits, and a second run only sees new records', async () => {
  const topic = uniqueTopic('kcat-group');
  const group = uniqueGroup('kcat');
  await kcat(['-P', '-t', topic], { input: Array.from({ length: 30 }, (_, i) => `first-${i}`).join('\n') + '\n' });
  const groupArgs = ['-G', group, '-X', 'auto.offset.reset=earliest', '-f', '%s\n', topic];
  const first = await kcat([...groupArgs, '-c', '30'], { timeoutMs: 30_000 });
  assert.deepEqual(first.stdout.trimEnd().split('\n'), Array.from({ length: 30 }, (_, i) => `first-${i}`));

  await kcat(['-P', '-t', topic], { input: Array.from({ length: 5 }, (_, i) => `second-${i}`).join('\n') + '\n' });
  const second = await kcat([...groupArgs, '-c', '5'], { timeoutMs: 30_000 });
  assert.deepEqual(second.stdout.trimEnd().split('\n'), Array.from({ length: 5 }, (_, i) => `second-${i}`));
});

test('two kcat -G members share a topic\'s partitions and together read every record once', { timeout: 60_000 }, async () => {
  const topic = uniqueTopic('kcat-two');
  const group = uniqueGroup('kcat-two');
  const admin = testKafka(env.bootstrap, 'kcat-two-admin').admin();
  await withTimeout(admin.connect(), 10_000, 'admin connect');
  const members: ChildProcess[] = [];
  try {
    await withTimeout(admin.createTopics({ topics: [{ topic, numPartitions: 4 }] }), 10_000, 'createTopics');
    const outputs = [0, 1].map(() => ({ lines: [] as string[] }));
    for (const out of outputs) {
      const child = spawn('kcat', ['-b', env.bootstrap, '-q', '-u', '-G', group, '-X', 'auto.offset.reset=earliest', '-f', '%p %s\n', topic], { stdio: ['ignore', 'pipe', 'pipe'] });
      members.push(child);
      // A failed spawn shows up as missing output below; unhandled, it would end the test process.
      child.on('error', () => undefined);
      createInterface({ input: child.stdout! }).on('line', (line) => out.lines.push(line));
    }
    // Produce only once both are in the group, so no rebalance can hand a record to both.
    await waitFor(
      async () => {
        const { groups } = await admin.describeGroups([group]);
        return groups[0]?.state === 'Stable' && groups[0].members.length === 2;
      },
      { timeoutMs: 30_000, intervalMs: 250, label: 'both kcat members joined' },
    );
    const values = Array.from({ length: 400 }, (_, i) => `two-${i}`);
    await kcat(['-P', '-t', topic, '-K:'], { input: values.map((v, i) => `k${i}:${v}`).join('\n') + '\n' });
    await waitFor(() => outputs[0]!.lines.length + outputs[1]!.lines.length >= values.length, {
      timeoutMs: 30_000,
      label: 'both members consumed everything',
      describe: () => `${outputs[0]!.lines.length} + ${outputs[1]!.lines.length}`,
    });
    const all = [...outputs[0]!.lines, ...outputs[1]!.lines].map((l) => l.split(' ')[1]!);
    assert.deepEqual(all.sort(), [...values].sort(), 'every record read exactly once');
    const partitionsOf = (lines: string[]) => new Set(lines.map((l) => l.split(' ')[0]));
    const [a, b] = outputs.map((o) => partitionsOf(o.lines));
    assert.ok(a!.size > 0 && b!.size > 0, 'both members got partitions');
    assert.deepEqual([...a!].filter((p) => b!.has(p)), [], 'no partition was read by both');
  } finally {
    for (const m of members) m.kill('SIGKILL');
    await admin.disconnect();
  }
});

test('when one kcat -G member is killed, the other takes over its partitions after the session times out', { timeout: 60_000 }, async () => {
  const topic = uniqueTopic('kcat-takeover');
  const group = uniqueGroup('kcat-takeover');
  const admin = testKafka(env.bootstrap, 'kcat-takeover-admin').admin();
  await withTimeout(admin.connect(), 10_000, 'admin connect');
  const members: ChildProcess[] = [];
  try {
    await withTimeout(admin.createTopics({ topics: [{ topic, numPartitions: 4 }] }), 10_000, 'createTopics');
    const outputs = [0, 1].map(() => ({ lines: [] as string[] }));
    for (const out of outputs) {
      const child = spawn(
        'kcat',
        ['-b', env.bootstrap, '-q', '-u', '-G', group, '-X', 'auto.offset.reset=earliest', '-X', 'session.timeout.ms=3000', '-X', 'heartbeat.interval.ms=300', '-f', '%p %s\n', topic],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      members.push(child);
      // A failed spawn shows up as missing output below; unhandled, it would end the test process.
      child.on('error', () => undefined);
      createInterface({ input: child.stdout! }).on('line', (line) => out.lines.push(line));
    }
    const groupIs = async (members: number) => {
      const { groups } = await admin.describeGroups([group]);
      return groups[0]?.state === 'Stable' && groups[0].members.length === members;
    };
    await waitFor(() => groupIs(2), { timeoutMs: 30_000, intervalMs: 250, label: 'both kcat members joined' });
    // SIGKILL: no LeaveGroup; the broker must notice through the session timeout.
    members[1]!.kill('SIGKILL');
    await waitFor(() => groupIs(1), { timeoutMs: 30_000, intervalMs: 250, label: 'the group rebalanced down to one member' });
    const values = Array.from({ length: 200 }, (_, i) => `after-kill-${i}`);
    await kcat(['-P', '-t', topic, '-K:'], { input: values.map((v, i) => `k${i}:${v}`).join('\n') + '\n' });
    await waitFor(() => new Set(outputs[0]!.lines).size >= values.length, {
      timeoutMs: 30_000,
      label: 'the surviving member consumed everything',
      describe: () => `${outputs[0]!.lines.length} lines`,
    });
    assert.deepEqual(outputs[0]!.lines.map((l) => l.split(' ')[1]!).sort(), [...values].sort());
    assert.equal(new Set(outputs[0]!.lines.map((l) => l.split(' ')[0])).size, 4, 'the survivor reads all four partitions');
  } finally {
    for (const m of members) m.kill('SIGKILL');
    await admin.disconnect();
  }
});

const codecs = [
  ['gzip', Compression.gzip],
  ['snappy', Compression.snappy],
  ['lz4', Compression.lz4],
  ['zstd', Compression.zstd],
] as const;

for (const [name, code] of codecs) {
  test(`-z ${name}: compressed batches are stored as received and consumed back byte for byte`, async () => {
    const topic = uniqueTopic(`kcat-${name}`);
    // Compressible but not uniform, and containing every printable byte, so a codec mix-up shows.
    const lines = Array.from({ length: 2000 }, (_, i) => `${name} record ${i} ${'abcdefghij'.repeat(i % 13)} ${String.fromCharCode(33 + (i % 94))}`);
    const input = lines.join('\n') + '\n';
    await kcat(['-P', '-t', topic, '-z', name, '-X', 'linger.ms=50'], { input });
    const out = await kcat(['-C', '-t', topic, '-o', 'beginning', '-e', '-f', '%s\n']);
    assert.equal(out.stdoutBytes.length, Buffer.byteLength(input));
    assert.ok(out.stdoutBytes.equals(Buffer.from(input)), 'consumed bytes equal produced bytes');
    // Kafka serves zstd batches only to Fetch v10 and later.
    const batches = await fetchBatches(env.bootstrap, topic, 0, 0, name === 'zstd' ? 12 : 4);
    assert.ok(batches.length > 0, 'the raw fetch returns batches');
    for (const batch of batches) {
      assert.equal(batch.header.compression, code, `batch at ${batch.header.baseOffset} keeps codec ${name}`);
      // The producer's CRC still matches: the bytes are the ones librdkafka sent, not re-encoded.
      assert.doesNotThrow(() => validateBatchAt(batch.bytes, 0), `batch at ${batch.header.baseOffset} keeps its CRC`);
    }
    const stored = batches.reduce((n, b) => n + b.header.recordCount, 0);
    assert.ok(stored > 0);
  });
}
