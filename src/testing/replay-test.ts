/**
 * Turns a replayed session into a node:test file for the user's pipeline: it feeds the replayed
 * files through the engine's test driver and checks that each layer emits as many records as the
 * layer's topic held after the session. A later change to the pipeline that changes what a layer
 * emits on that input makes the test fail, which is what a regression test from a session is for.
 */
import path from 'node:path';
import type { LayerLocation } from '../pipelines/pipeline-file';

export interface ReplaySessionTest {
  /** Absolute path of the pipeline file. */
  pipelineFile: string;
  /** Absolute paths of the files replayed, each producing the topic named like the file. */
  replayedFiles: string[];
  layers: LayerLocation[];
  /** Records per topic in Kafka after the session. */
  topicRecords: Record<string, number>;
  /** When the session was recorded, for the test's name. */
  at: Date;
}

export function replaySessionTestSource(session: ReplaySessionTest, testFile: string): string {
  const dir = path.dirname(testFile);
  const rel = (file: string) => {
    const r = path.relative(dir, file).split(path.sep).join('/');
    return r.startsWith('.') ? r : `./${r}`;
  };
  const sources = Object.fromEntries(
    session.replayedFiles
      .map((file) => [path.basename(file).replace(/\.(ndjson|jsonl)$/, ''), rel(file)] as const)
      .filter(([topic]) => session.layers.some((l) => l.tier === 'bronze' && l.topic === topic)),
  );
  const expected = Object.fromEntries(
    session.layers.filter((l) => l.tier !== 'bronze' && session.topicRecords[l.topic] !== undefined).map((l) => [l.name, session.topicRecords[l.topic]!]),
  );
  const stamp = session.at.toISOString();
  return `// Made by Medallion Studio from the replayed session of ${stamp}: the replayed files go through
// the pipeline in the test driver, and each layer must emit as many records as its topic held after
// the session. Edit the expectations when a change to the pipeline is meant to change them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { createTestDriver } from 'medallion-studio/pipeline';
import pipeline from '${rel(session.pipelineFile).replace(/\.ts$/, '')}';

/** Bronze source → the file replayed into it, relative to this test. */
const REPLAYED: Record<string, string> = ${JSON.stringify(sources, null, 2)};

/** Layer → records its topic held after the session. */
const EXPECTED: Record<string, number> = ${JSON.stringify(expected, null, 2)};

test('replayed session of ${stamp} gives each layer the records it had', () => {
  const driver = createTestDriver(pipeline, { lineage: false });
  for (const [source, file] of Object.entries(REPLAYED)) {
    const lines = readFileSync(path.join(__dirname, file), 'utf8').split('\\n').filter((line) => line.trim() !== '');
    for (const line of lines) driver.input(source).send(line);
  }
  driver.finish();
  const actual: Record<string, number> = {};
  for (const layer of Object.keys(EXPECTED)) actual[layer] = driver.output(layer).readAll().length;
  assert.deepEqual(actual, EXPECTED);
});
`;
}
