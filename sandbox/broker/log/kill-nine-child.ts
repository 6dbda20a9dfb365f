// Child process for kill-nine.test.ts: appends numbered batches to the log in argv[2] as fast as it
// can and reports each acknowledged append on stdout ("<id> <baseOffset> <lastOffset>"), with a
// synchronous write so that a report is out of the process before the next append starts. The
// parent SIGKILLs it mid-stream and checks every reported batch survived.
import { writeSync } from 'node:fs';
import { PartitionLog } from './partition-log';
import { makeBatch } from './log-test-helpers';

async function main(): Promise<void> {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: kill-nine-child <dir>');
  const log = await PartitionLog.open(dir, { segmentBytes: 64 * 1024, indexIntervalBytes: 1024 });
  writeSync(1, `ready ${log.highWatermark}\n`);
  for (let id = 0; ; id++) {
    const r = log.append(makeBatch(id, 10, {}, 100));
    if (r.kind !== 'appended') throw new Error(`append ${id} failed: ${JSON.stringify(r)}`);
    writeSync(1, `${id} ${r.baseOffset} ${r.lastOffset}\n`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
