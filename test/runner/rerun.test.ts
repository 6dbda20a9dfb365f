// Re-run: a pipeline runs once, its silver transform is edited, and `rerun --from-layer` runs the
// edited layer and everything downstream from bronze into `<topic>.run-1`, reporting per output
// the rows added, removed and changed by record id. The expected counts come from the input.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { rerunPipeline, startPipelineRun } from '../../sandbox/runner';
import { startTestBroker } from '../support/in-process-broker';
import { testKafka } from '../support/kafkajs-client';
import { makeTempDir } from '../support/temp-dir';
import { withTimeout } from '../support/timeouts';

const START = Date.parse('2026-03-02T09:00:00Z');

function pipelineSource(factorForK1: number): string {
  return [
    "import { count, json, pipeline, sum, tumbling } from 'medallion-studio/pipeline';",
    "export default pipeline('edits', (p) => {",
    "  const events = p.bronze('events', { value: json<{ key: string; amount: number; ts: number }>(), key: (e) => e.key, eventTime: (e) => e.ts });",
    `  const clean = p.silver('events_clean', events.map((e) => ({ ...e, cents: e.amount * (e.key === 'k-1' ? ${factorForK1} : 100) })));`,
    "  p.gold('totals', clean.keyBy((e) => e.key).window(tumbling('10s')).aggregate({ n: count(), cents: sum((e) => e.cents) }));",
    '});',
    '',
  ].join('\n');
}

test('a re-run from an edited layer writes fresh topics and reports exactly the rows the edit changed', { timeout: 120_000 }, async () => {
  const broker = await startTestBroker();
  const dir = makeTempDir('medallion-rerun-');
  try {
    const events = Array.from({ length: 400 }, (_, i) => ({ key: `k-${i % 5}`, amount: (i * 7) % 4, ts: START + i * 100 }));
    const kafka = testKafka(broker.bootstrap);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'events', messages: events.map((e) => ({ key: e.key, value: JSON.stringify(e) })) });
    await producer.disconnect();

    const file = path.join(dir.path, 'edits.pipeline.ts');
    writeFileSync(file, pipelineSource(100));
    const first = await startPipelineRun({ pipelineFile: file, bootstrap: broker.bootstrap, fromBeginning: true, exitWhenCaughtUp: true, workDir: dir.path });
    await withTimeout(first.caughtUp(), 60_000, 'the first run');

    writeFileSync(file, pipelineSource(1_000));
    const report = await withTimeout(rerunPipeline({ pipelineFile: file, bootstrap: broker.bootstrap, fromLayer: 'events_clean', workDir: dir.path }), 60_000, 'the re-run');

    assert.equal(report.run, 1);
    const byTopic = new Map(report.outputs.map((o) => [o.topic, o]));
    assert.ok(!byTopic.has('events.dead_letter.run-1'), 'bronze, upstream of the edit, is not written again');
    const k1 = events.filter((e) => e.key === 'k-1');
    const silver = byTopic.get('events_clean.run-1');
    assert.equal(silver?.previousTopic, 'events_clean');
    assert.deepEqual([silver?.added, silver?.removed, silver?.changed, silver?.unchanged], [0, 0, k1.filter((e) => e.amount !== 0).length, events.length - k1.filter((e) => e.amount !== 0).length]);
    const windows = new Map<number, number>();
    for (const e of k1) windows.set(Math.floor((e.ts - START) / 10_000), (windows.get(Math.floor((e.ts - START) / 10_000)) ?? 0) + e.amount);
    const gold = byTopic.get('totals.run-1');
    assert.equal(gold?.changed, [...windows.values()].filter((sum) => sum !== 0).length);
    assert.deepEqual([gold?.added, gold?.removed], [0, 0]);
    assert.ok((gold?.unchanged ?? 0) > 0);
  } finally {
    await broker.close();
    dir.remove();
  }
});
