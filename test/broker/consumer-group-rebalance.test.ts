/**
 * Consumer groups of two and three kafkajs members on a six-partition topic while records are
 * produced continuously. Members leave cleanly or are killed without leaving; the group rebalances
 * and the survivors take over from the committed offsets. Every produced record must be processed,
 * and no record whose offset was committed is ever delivered again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Consumer, Kafka } from 'kafkajs';
import { startTestBroker } from '../support/in-process-broker';
import { testKafka } from '../support/kafkajs-client';
import { waitFor, withTimeout } from '../support/timeouts';
import { uniqueGroup, uniqueTopic } from '../support/topic-names';
import { startCommittingMember, type MemberEvent } from './fixtures/committing-member';

const PARTITIONS = 6;

/** What the members reported: every delivery, and the records covered by a successful commit. */
class Ledger {
  readonly deliveredTo = new Map<string, Set<string>>();
  readonly committedTimes = new Map<string, number>();
  /** Per member, the partitions it was delivered records from, with the delivery's sequence number. */
  readonly deliveries = new Map<string, { partition: number; seq: number }[]>();
  seq = 0;
  committed = 0;
  commitFailures = 0;

  record(event: MemberEvent): void {
    if (event.type === 'delivered') {
      const members = this.deliveredTo.get(event.value) ?? new Set<string>();
      members.add(event.member);
      this.deliveredTo.set(event.value, members);
      const list = this.deliveries.get(event.member) ?? [];
      list.push({ partition: event.partition, seq: this.seq++ });
      this.deliveries.set(event.member, list);
    } else if (event.type === 'committed') {
      for (const value of event.values) this.committedTimes.set(value, (this.committedTimes.get(value) ?? 0) + 1);
      this.committed += event.values.length;
    } else {
      this.commitFailures++;
    }
  }

  /** How many distinct partitions `member` got records from after delivery number `since`. */
  partitionsOf(member: string, since = 0): number {
    return new Set((this.deliveries.get(member) ?? []).filter((d) => d.seq >= since).map((d) => d.partition)).size;
  }
}

/** Produces small keyed batches until stopped; `acked` holds every value the broker acknowledged. */
function produceInBackground(kafka: Kafka, topic: string) {
  const producer = kafka.producer();
  const acked = new Set<string>();
  let stopping = false;
  let sendErrors = 0;
  const loop = (async () => {
    await producer.connect();
    for (let seq = 0; !stopping; seq++) {
      const messages = Array.from({ length: 10 }, (_, i) => ({ key: `key-${(seq * 10 + i) % 37}`, value: `v-${seq}-${i}` }));
      try {
        await producer.send({ topic, acks: -1, messages });
        for (const m of messages) acked.add(m.value);
      } catch {
        // An unacknowledged send may or may not be stored; only acknowledged values are checked.
        sendErrors++;
      }
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    await producer.disconnect();
  })();
  return {
    acked,
    get sendErrors() {
      return sendErrors;
    },
    async stop() {
      stopping = true;
      await withTimeout(loop, 20_000, 'background producer to stop');
    },
  };
}

/** Starts a member in a child process that the test can SIGKILL. */
function spawnMember(bootstrap: string, topic: string, groupId: string, name: string, ledger: Ledger) {
  const script = path.join(__dirname, 'fixtures', 'group-member-process.ts');
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script, bootstrap, topic, groupId, name, '3000'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let running = false;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const event = JSON.parse(line) as MemberEvent | { type: 'running' };
    if (event.type === 'running') running = true;
    else ledger.record(event);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    get running() {
      return running;
    },
    stderr: () => stderr,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

async function allCommitted(kafka: Kafka, topic: string, groupId: string): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const high = await admin.fetchTopicOffsets(topic);
    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    const byPartition = new Map(committed[0]?.partitions.map((p) => [p.partition, p.offset]));
    return high.every((p) => byPartition.get(p.partition) === p.high);
  } finally {
    await admin.disconnect();
  }
}

function assertNoLossNoDuplicates(ledger: Ledger, acked: Set<string>): void {
  const missing = [...acked].filter((v) => !ledger.deliveredTo.has(v));
  assert.deepEqual(missing.slice(0, 20), [], `${missing.length} acknowledged records were never delivered`);
  const twice = [...ledger.committedTimes].filter(([, n]) => n > 1);
  assert.deepEqual(twice.slice(0, 20), [], `${twice.length} records were committed by more than one delivery`);
}

async function createTopic(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await withTimeout(admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] }), 10_000, 'createTopics');
  } finally {
    await admin.disconnect();
  }
}

test('two members: one leaves cleanly, the other takes over every partition without loss or repeats', { timeout: 90_000 }, async () => {
  const env = await startTestBroker();
  const consumers: Consumer[] = [];
  try {
    const kafka = testKafka(env.bootstrap, 'rebalance-2');
    const topic = uniqueTopic('rebalance-2');
    const groupId = uniqueGroup('rebalance-2');
    await createTopic(kafka, topic);
    const ledger = new Ledger();
    const producer = produceInBackground(kafka, topic);
    const memberOptions = { topic, groupId, sessionTimeout: 6_000, onEvent: (e: MemberEvent) => ledger.record(e) };
    const a = await startCommittingMember(kafka, { ...memberOptions, name: 'a' });
    consumers.push(a);
    const b = await startCommittingMember(kafka, { ...memberOptions, name: 'b' });
    consumers.push(b);
    await waitFor(() => ledger.partitionsOf('a') > 0 && ledger.partitionsOf('b') > 0 && ledger.committed > 300, {
      timeoutMs: 30_000,
      label: 'both members processing',
      describe: () => `committed ${ledger.committed}, partitions a=${ledger.partitionsOf('a')} b=${ledger.partitionsOf('b')}`,
    });

    await withTimeout(b.disconnect(), 15_000, 'member b leaving');
    const afterLeave = ledger.committed;
    const leaveMark = ledger.seq;
    await waitFor(() => ledger.committed > afterLeave + 300, { timeoutMs: 30_000, label: 'progress after b left' });
    await producer.stop();
    await waitFor(() => allCommitted(kafka, topic, groupId), { timeoutMs: 30_000, intervalMs: 500, label: 'every record committed' });

    assert.equal(ledger.partitionsOf('a', leaveMark), PARTITIONS, 'after b left, a got records from every partition');
    assert.ok(producer.acked.size > 600);
    assertNoLossNoDuplicates(ledger, producer.acked);
  } finally {
    for (const c of consumers) await withTimeout(c.disconnect(), 15_000, 'consumer disconnect').catch(() => undefined);
    await env.close();
  }
});

test('three members: one leaves cleanly, one is killed and times out; survivors finish without loss or repeats', { timeout: 120_000 }, async () => {
  const env = await startTestBroker();
  const consumers: Consumer[] = [];
  let child: ReturnType<typeof spawnMember> | undefined;
  try {
    const kafka = testKafka(env.bootstrap, 'rebalance-3');
    const topic = uniqueTopic('rebalance-3');
    const groupId = uniqueGroup('rebalance-3');
    await createTopic(kafka, topic);
    const ledger = new Ledger();
    const producer = produceInBackground(kafka, topic);
    const memberOptions = { topic, groupId, sessionTimeout: 6_000, onEvent: (e: MemberEvent) => ledger.record(e) };
    const a = await startCommittingMember(kafka, { ...memberOptions, name: 'a' });
    consumers.push(a);
    const b = await startCommittingMember(kafka, { ...memberOptions, name: 'b' });
    consumers.push(b);
    child = spawnMember(env.bootstrap, topic, groupId, 'c', ledger);
    const c = child;
    await waitFor(() => ['a', 'b', 'c'].every((m) => ledger.partitionsOf(m) > 0), {
      timeoutMs: 45_000,
      label: 'all three members processing',
      describe: () => `partitions a=${ledger.partitionsOf('a')} b=${ledger.partitionsOf('b')} c=${ledger.partitionsOf('c')}; c stderr: ${c.stderr()}`,
    });

    await withTimeout(b.disconnect(), 15_000, 'member b leaving');
    const afterLeave = ledger.committed;
    await waitFor(() => ledger.committed > afterLeave + 200, { timeoutMs: 30_000, label: 'progress after b left' });

    // SIGKILL: c sends no LeaveGroup; the broker must expire its session (3 s) and rebalance.
    await child.kill();
    const afterKill = ledger.committed;
    const killMark = ledger.seq;
    await waitFor(() => ledger.committed > afterKill + 300, { timeoutMs: 40_000, label: 'progress after c was killed' });
    await producer.stop();
    await waitFor(() => allCommitted(kafka, topic, groupId), { timeoutMs: 40_000, intervalMs: 500, label: 'every record committed' });

    assert.equal(ledger.partitionsOf('a', killMark), PARTITIONS, 'after c died, a got records from every partition');
    assert.ok(producer.acked.size > 600);
    assertNoLossNoDuplicates(ledger, producer.acked);
  } finally {
    await child?.kill();
    for (const c of consumers) await withTimeout(c.disconnect(), 15_000, 'consumer disconnect').catch(() => undefined);
    await env.close();
  }
});
