import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { PartitionLog } from './partition-log';
import { batchesOf, recordValues, tempDir } from './log-test-helpers';

interface Reported {
  id: number;
  baseOffset: number;
  lastOffset: number;
}

function readReports(file: string): Reported[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [id, baseOffset, lastOffset] = line.split(' ').map(Number);
      return { id: id!, baseOffset: baseOffset!, lastOffset: lastOffset! };
    });
}

/** Runs the child until it has reported `reports` appends, then SIGKILLs it. */
function runAndKill(dir: string, reportFile: string, reports: number): Promise<Reported[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'kill-nine-child.ts'), dir, reportFile], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    // Polling the report file: a line count is all that decides when to kill.
    const poll = setInterval(() => {
      if (child.exitCode === null && !child.killed && statSync(reportFile, { throwIfNoEntry: false })?.size && readReports(reportFile).length >= reports) {
        child.kill('SIGKILL');
      }
    }, 20);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearInterval(poll);
      if (signal !== 'SIGKILL') reject(new Error(`child exited with ${code ?? signal} before being killed`));
      else resolve(readReports(reportFile));
    });
  });
}

test('after kill -9 mid-append, every batch the process acknowledged is intact', async () => {
  const dir = tempDir('kill-nine');
  const reportDir = tempDir('kill-nine-reports');
  for (let round = 0; round < 2; round++) {
    // The child may append a few more batches between the report that triggered the kill and the
    // signal landing; those must be intact too (or cut cleanly if torn), never damaged.
    const before = await PartitionLog.open(dir);
    const start = before.highWatermark;
    await before.close();
    const reported = await runAndKill(dir, path.join(reportDir, `round-${round}.txt`), 1500);
    assert.ok(reported.length >= 1500);
    const log = await PartitionLog.open(dir, { segmentBytes: 64 * 1024, indexIntervalBytes: 1024 });
    const last = reported.at(-1)!;
    assert.ok(log.highWatermark > last.lastOffset, `high watermark ${log.highWatermark} lost acknowledged offset ${last.lastOffset}`);
    assert.ok(log.segmentCount > 1 + round);
    assert.equal(reported[0]!.baseOffset, start);
    for (const r of reported) {
      const read = log.read(r.baseOffset, 1);
      const [batch] = batchesOf(read.chunks);
      assert.equal(batch?.header.baseOffset, r.baseOffset);
      assert.deepEqual(recordValues(read.chunks), Array.from({ length: 10 }, (_, n) => `b${r.id}-r${n}`), `batch ${r.id}`);
    }
    await log.close();
  }
});
