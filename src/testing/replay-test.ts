/**
 * Turns a replayed session into a node:test file for the user's pipeline. The test feeds the
 * replayed files through the engine's test driver and compares every output's record count and
 * content digest with a snapshot beside it. The snapshot is written by running the test once with
 * MEDALLION_UPDATE_SNAPSHOTS=1 (the extension does so right after making the file); without a
 * snapshot the test fails, so it can never pass by having nothing to compare.
 *
 * The live session's counts per layer are kept in the file for reference, not asserted: a live run
 * interleaves topics as Kafka delivers them, so its joins may pair differently from the driver's
 * deterministic order.
 */
import path from 'node:path';
import type { LayerLocation } from '../pipelines/pipeline-file';

export const UPDATE_SNAPSHOTS_ENV = 'MEDALLION_UPDATE_SNAPSHOTS';

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
      .filter(([topic]) => session.layers.some((l) => l.tier === 'bronze' && l.topic === topic))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  const live = Object.fromEntries(
    session.layers.filter((l) => session.topicRecords[l.topic] !== undefined).map((l) => [l.name, session.topicRecords[l.topic]!]),
  );
  const stamp = session.at.toISOString();
  const snapshotName = `${path.basename(testFile).replace(/\.test\.ts$/, '')}.snapshot.json`;
  return `// Made by Medallion Studio from the replayed session of ${stamp}. The replayed files go through
// the pipeline in the test driver; every output must match ${snapshotName}. After a change
// that is meant to change the outputs, run once with ${UPDATE_SNAPSHOTS_ENV}=1 to update it.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { createTestDriver } from 'medallion-studio/pipeline';
import pipeline from '${rel(session.pipelineFile).replace(/\.ts$/, '')}';

/** Bronze source → the file replayed into it, relative to this test. */
const REPLAYED: Record<string, string> = ${JSON.stringify(sources, null, 2)};

/** For reference: records per layer topic in Kafka after the live session. */
export const LIVE_SESSION_RECORDS: Record<string, number> = ${JSON.stringify(live, null, 2)};

const SNAPSHOT = path.join(__dirname, '${snapshotName}');

test('replayed session of ${stamp} gives the outputs of its snapshot', () => {
  const driver = createTestDriver(pipeline, { lineage: false });
  for (const [source, file] of Object.entries(REPLAYED)) {
    const lines = readFileSync(path.join(__dirname, file), 'utf8').split('\\n').filter((line) => line.trim() !== '');
    for (const line of lines) driver.input(source).send(line);
  }
  driver.finish();
  const actual: Record<string, { records: number; sha256: string }> = {};
  for (const output of driver.job.outputs) {
    const values = driver.output(output.name).readValues();
    actual[output.name] = { records: values.length, sha256: createHash('sha256').update(JSON.stringify(values)).digest('hex') };
  }
  if (process.env.${UPDATE_SNAPSHOTS_ENV} === '1') {
    writeFileSync(SNAPSHOT, JSON.stringify(actual, null, 2) + '\\n');
    return;
  }
  assert.ok(existsSync(SNAPSHOT), 'no snapshot yet: run this test once with ${UPDATE_SNAPSHOTS_ENV}=1');
  const expected = JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as typeof actual;
  for (const name of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
    assert.deepEqual(actual[name], expected[name], \`output \${name} differs from the snapshot\`);
  }
});
`;
}
