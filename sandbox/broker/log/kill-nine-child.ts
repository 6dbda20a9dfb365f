// Child process for kill-nine.test.ts: appends numbered batches to the log in argv[2] as fast as it
// can and reports each acknowledged append as a line "<id> <baseOffset> <lastOffset>" in the file
// argv[3], with a synchronous write so that a report is out of the process before the next append
// starts. A regular file rather than stdout: a pipe the parent reads too slowly makes writeSync
// fail with EAGAIN. The parent SIGKILLs it mid-stream and checks every reported batch survived.
import { openSync, writeSync } from 'node:fs';
import { PartitionLog } from './partition-log';
import { makeBatch } from './log-test-helpers';

async function main(): Promise<void> {
  const [dir, reportFile] = process.argv.slice(2);
  if (!dir || !reportFile) throw new Error('usage: kill-nine-child <log dir> <report file>');
  const report = openSync(reportFile, 'a');
  const log = await PartitionLog.open(dir, { segmentBytes: 64 * 1024, indexIntervalBytes: 1024 });
  for (let id = 0; ; id++) {
    const r = log.append(makeBatch(id, 10, {}, 100));
    if (r.kind !== 'appended') throw new Error(`append ${id} failed: ${JSON.stringify(r)}`);
    writeSync(report, `${id} ${r.baseOffset} ${r.lastOffset}\n`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
