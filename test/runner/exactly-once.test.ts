// Exactly once through kill -9: the samples pipeline runs on samples/data (replayed into a real
// broker over TCP), its worker is killed with SIGKILL part way through and restarted by the
// supervisor, and every output topic read with read_committed must hold exactly what the engine's
// test driver computes over the same bronze records: nothing lost, nothing twice.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { replay } from '../../sandbox/replay';
import { startPipelineRun, WATERMARKS_TOPIC, type RunEvent } from '../../sandbox/runner';
import { startTestBroker } from '../support/in-process-broker';
import { makeTempDir } from '../support/temp-dir';
import { waitFor, withTimeout } from '../support/timeouts';
import { assertExactlyOnce, loadPipeline, readToEnd, referenceOutputs, REPO, runnerOutputs } from './runner-harness';

test('the samples pipeline killed with SIGKILL mid-run and restarted writes every result exactly once', { timeout: 90_000 }, async () => {
  const broker = await startTestBroker();
  const work = makeTempDir('medallion-run-');
  try {
    await replay({ source: path.join(REPO, 'samples', 'data'), bootstrap: broker.bootstrap, progress: false, stateFile: path.join(work.path, 'replay.json'), onBadRecord: () => {} });
    const file = path.join(REPO, 'samples', 'shop.pipeline.ts');
    const run = await startPipelineRun({
      pipelineFile: file, bootstrap: broker.bootstrap, fromBeginning: true, exitWhenCaughtUp: true,
      commitIntervalMs: 50, maxRecordsPerSecond: 1_500, workDir: work.path,
    });
    const events: RunEvent[] = [];
    run.events.on('event', (e) => events.push(e));
    const commitsSeen = (): number => Math.max(0, ...events.flatMap((e) => (e.type === 'worker-message' && e.message.type === 'metrics' ? [e.message.commits] : [])));
    // Kill only once the worker has committed, so the restart really resumes from a checkpoint.
    await waitFor(() => commitsSeen() >= 3, { timeoutMs: 20_000, label: 'first commits' });
    const victim = run.pids()[0];
    assert.ok(victim !== undefined);
    process.kill(victim, 'SIGKILL');
    await withTimeout(run.caughtUp(), 60_000, 'the restarted run catching up');

    const exits = events.filter((e) => e.type === 'worker-exited' && !e.expected);
    assert.equal(exits.length, 1, 'exactly one worker died (the one killed)');
    assert.equal(events.filter((e) => e.type === 'worker-started').length, 2, 'and it was restarted');

    const pipeline = await loadPipeline(file, work.path);
    const bronzeTopics = pipeline.plan.nodes.flatMap((n) => (n.kind === 'source' ? [n.topic] : []));
    const bronze = await readToEnd(broker.bootstrap, bronzeTopics);
    const partitions: Record<string, number[]> = {};
    for (const t of bronzeTopics) partitions[t] = [...new Set(bronze.filter((r) => r.topic === t).map((r) => r.partition))].sort();
    const expected = referenceOutputs(pipeline, bronze, [partitions]);

    const driverTopics = [...new Set(expected.map((l) => l.split(' ')[0]!))];
    const written = await readToEnd(broker.bootstrap, driverTopics);
    const actual = runnerOutputs(written);
    assertExactlyOnce(actual, expected);
    assert.equal(actual.length, expected.length);
    assert.ok(expected.some((l) => l.startsWith('revenue_per_region_per_minute ')), 'gold rows exist to compare');

    // The lineage contract: a gold row names its layer, output, id and the silver rows behind it.
    const gold = written.find((r) => r.topic === 'revenue_per_region_per_minute')!;
    assert.equal(gold.headers['medallion.layer'], 'gold');
    assert.equal(gold.headers['medallion.output'], 'revenue_per_region_per_minute');
    const lineage = JSON.parse(gold.headers['medallion.lineage']!) as { t: string; p: number; o: number }[];
    assert.ok(lineage.length > 0 && lineage.every((pos) => pos.t === 'orders' || pos.t === 'payments' || pos.t === 'customers'));
    assert.match(gold.headers['medallion.watermark'] ?? '', /^\d+$/);
    const marks = await readToEnd(broker.bootstrap, [WATERMARKS_TOPIC]);
    assert.ok(marks.some((m) => (JSON.parse(m.value!) as { layer: string }).layer === 'revenue_per_region_per_minute'));
  } finally {
    await broker.close();
    work.remove();
  }
});
