// Scale-out: the same pipeline as two and three worker processes sharing one consumer group, with
// one task per partition. One worker is killed with SIGKILL part way through; its tasks move (to
// its restarted self, or to the survivors once the group notices) with their state, restored from
// the changelog, and the output topics must hold exactly what the test driver computes per task.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startPipelineRun, type RunEvent } from '../../sandbox/runner';
import { startTestBroker, type TestBroker } from '../support/in-process-broker';
import { testKafka } from '../support/kafkajs-client';
import { SeededRandom } from '../support/seeded-random';
import { makeTempDir } from '../support/temp-dir';
import { waitFor, withTimeout } from '../support/timeouts';
import { assertExactlyOnce, KEYED_TOTALS, keyedTotalsOutcome } from './runner-harness';

const PARTITIONS = 6;
const RECORDS = 6_000;
const FIXTURE = KEYED_TOTALS.fixture;

/** Keyed events with event times that run forward with some disorder, a few of them invalid. */
async function produceEvents(broker: TestBroker): Promise<void> {
  const kafka = testKafka(broker.bootstrap);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'events', numPartitions: PARTITIONS }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  const rng = new SeededRandom(7);
  const random = (): number => rng.next();
  const start = Date.parse('2026-03-02T09:00:00Z');
  const messages = Array.from({ length: RECORDS }, (_, i) => {
    const key = `k-${Math.floor(random() * 60)}`;
    const ts = start + i * 40 - Math.floor(random() * 1_500);
    const amount = random() < 0.02 ? -1 : Math.floor(random() * 100);
    return { key, value: JSON.stringify({ key, amount, ts }), timestamp: String(ts) };
  });
  for (let i = 0; i < messages.length; i += 1_000) await producer.send({ topic: 'events', messages: messages.slice(i, i + 1_000) });
  await producer.disconnect();
}

async function runWithOneKilled(workers: number, restartWorkers: boolean): Promise<void> {
  const broker = await startTestBroker();
  const work = makeTempDir('medallion-run-');
  try {
    await produceEvents(broker);
    const run = await startPipelineRun({
      pipelineFile: FIXTURE, bootstrap: broker.bootstrap, workers, tasks: 'per-partition', fromBeginning: true,
      exitWhenCaughtUp: true, commitIntervalMs: 50, maxRecordsPerSecond: 200, workDir: work.path, restartWorkers,
    });
    const events: RunEvent[] = [];
    run.events.on('event', (e) => events.push(e));
    const assignedTo = (worker: number): number[] => {
      const last = events.filter((e) => e.type === 'worker-message' && e.message.type === 'assigned' && e.message.worker === worker).pop();
      return last?.type === 'worker-message' && last.message.type === 'assigned' ? last.message.tasks : [];
    };
    const committed = (worker: number): number => Math.max(0, ...events.flatMap((e) => (e.type === 'worker-message' && e.message.type === 'metrics' && e.message.worker === worker ? [e.message.commits] : [])));
    // The victim has tasks and has committed some of their progress before it is killed.
    const victim = workers - 1;
    await waitFor(() => assignedTo(victim).length > 0 && committed(victim) >= 2, { timeoutMs: 30_000, label: 'the last worker committing its tasks' });
    const victimTasks = assignedTo(victim);
    const done = events.flatMap((e) => (e.type === 'worker-message' && e.message.type === 'task-done' ? [e.message.task] : []));
    process.kill(run.pids()[victim]!, 'SIGKILL');
    assert.deepEqual(victimTasks.filter((t) => done.includes(t)), [], 'the kill came before the victim\'s tasks reached their end');
    await withTimeout(run.caughtUp(), 60_000, 'the run catching up after the kill');

    assert.equal(events.filter((e) => e.type === 'worker-exited' && !e.expected).length, 1, 'one worker died');
    if (!restartWorkers) {
      // The survivors took the dead worker's tasks over.
      const after = Array.from({ length: workers - 1 }, (_, w) => assignedTo(w)).flat();
      for (const task of victimTasks) assert.ok(after.includes(task), `task ${task} moved to a surviving worker`);
    }

    const { bronze, expected, actual } = await keyedTotalsOutcome(broker.bootstrap, work.path, PARTITIONS);
    assert.equal(bronze.length, RECORDS);
    assertExactlyOnce(actual, expected);
    assert.ok(expected.filter((l) => l.startsWith('totals_per_key_10s ')).length > 100, 'enough gold rows to compare');
  } finally {
    await broker.close();
    work.remove();
  }
}

test('two workers, one killed with SIGKILL and restarted: every result exactly once', { timeout: 120_000 }, async () => {
  await runWithOneKilled(2, true);
});

test('three workers, one killed with SIGKILL and not restarted: the others take its tasks over, every result exactly once', { timeout: 120_000 }, async () => {
  await runWithOneKilled(3, false);
});
