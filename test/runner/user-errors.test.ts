// User code runs in worker processes: a transform that fails, code stuck in a loop and a file that
// does not compile must each be reported (with the user's file and line where there is one) and
// never take the caller down. The pipelines are written to a temporary folder, as a user's would be.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { PipelineBuildError, startPipelineRun, type RunEvent } from '../../sandbox/runner';
import { startTestBroker, type TestBroker } from '../support/in-process-broker';
import { testKafka } from '../support/kafkajs-client';
import { makeTempDir, type TempDir } from '../support/temp-dir';
import { withTimeout } from '../support/timeouts';

let broker: TestBroker;
let dir: TempDir;

before(async () => {
  broker = await startTestBroker();
  dir = makeTempDir('medallion-user-errors-');
  const producer = testKafka(broker.bootstrap).producer();
  await producer.connect();
  await producer.send({ topic: 'nums', messages: [1, 2, 13, 4].map((n) => ({ key: String(n), value: JSON.stringify({ n, ts: 1_000 * n }) })) });
  await producer.disconnect();
});

after(async () => {
  await broker.close();
  dir.remove();
});

function pipelineFile(name: string, transform: string): string {
  const file = path.join(dir.path, `${name}.pipeline.ts`);
  writeFileSync(file, [
    "import { json, pipeline } from 'medallion-studio/pipeline';",
    '',
    `export default pipeline('${name}', (p) => {`,
    "  const nums = p.bronze('nums', { value: json<{ n: number; ts: number }>(), eventTime: (x) => x.ts });",
    `  p.silver('${name}_out', nums.map((x) => {`,
    `    ${transform}`,
    '    return x;',
    "  }), { onError: 'fail' });",
    '});',
    '',
  ].join('\n'));
  return file;
}

async function runUntilFailed(file: string, extra: { hangTimeoutMs?: number } = {}): Promise<{ error: string; events: RunEvent[] }> {
  const run = await startPipelineRun({ pipelineFile: file, bootstrap: broker.bootstrap, fromBeginning: true, exitWhenCaughtUp: true, maxRestarts: 0, workDir: dir.path, ...extra });
  const events: RunEvent[] = [];
  run.events.on('event', (e) => events.push(e));
  const error = await withTimeout(run.caughtUp().then(() => 'no error', (e: Error) => e.message), 30_000, 'the run failing');
  await withTimeout(run.finished, 15_000, 'the workers exiting');
  return { error, events };
}

test('a transform that throws in a layer with onError "fail" stops the run, pointing at the user\'s line', { timeout: 60_000 }, async () => {
  const file = pipelineFile('throws', "if (x.n === 13) throw new Error('unlucky number');");
  const { error } = await runUntilFailed(file);
  assert.match(error, /unlucky number/);
  // Line 6 of the generated file is the transform's first line: the source map leads back to it.
  assert.ok(error.includes(`${file}:6:`), `the message names ${file}:6: ${error}`);
});

test('code stuck in an endless loop is killed when its heartbeats stop, and the caller lives on', { timeout: 60_000 }, async () => {
  const file = pipelineFile('loops', 'while (x.n === 13) { /* never returns */ }');
  const { error, events } = await runUntilFailed(file, { hangTimeoutMs: 3_000 });
  assert.match(error, /no heartbeat/);
  assert.ok(events.some((e) => e.type === 'worker-message' && e.message.type === 'assigned'), 'the worker was running its task when it stopped answering');
  assert.ok(events.some((e) => e.type === 'worker-exited' && e.signal === 'SIGKILL'));
});

test('with the hang timeout off, as under the debugger, a silent worker is left alone', { timeout: 60_000 }, async () => {
  const file = pipelineFile('paused', 'while (x.n === 13) { /* as if paused at a breakpoint */ }');
  const run = await startPipelineRun({ pipelineFile: file, bootstrap: broker.bootstrap, fromBeginning: true, exitWhenCaughtUp: true, maxRestarts: 0, workDir: dir.path, hangTimeoutMs: 0 });
  const events: RunEvent[] = [];
  run.events.on('event', (e) => events.push(e));
  try {
    await withTimeout(new Promise<void>((resolve) => {
      const check = (): void => (events.some((e) => e.type === 'worker-message' && e.message.type === 'assigned') ? resolve() : void setTimeout(check, 100));
      check();
    }), 30_000, 'the worker taking its task');
    // The watchdog looks every second and would kill a worker silent for 3 s if it were on.
    await new Promise((r) => setTimeout(r, 5_000));
    assert.equal(events.filter((e) => e.type === 'worker-exited').length, 0, 'no worker was killed');
    assert.ok(run.pids().every((pid) => pid !== undefined), 'the worker still runs');
  } finally {
    run.kill(0);
    await run.stop().catch(() => {});
  }
});

test('a pipeline file that does not compile is refused before any worker starts, with file:line', async () => {
  const file = path.join(dir.path, 'broken.pipeline.ts');
  writeFileSync(file, "import { pipeline } from 'medallion-studio/pipeline';\nexport default pipeline('broken', (p) => {\n  p.silver('x', ;\n});\n");
  await assert.rejects(startPipelineRun({ pipelineFile: file, bootstrap: broker.bootstrap, workDir: dir.path }), (e: Error) => e instanceof PipelineBuildError && e.message.includes(`${file}:3:`));
});
