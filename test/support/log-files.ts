/**
 * Finds a partition's segment files in a broker data directory. The layout is Kafka's own
 * (`topics/<topic>/<partition>/<base offset, 20 digits>.log`); crash tests use it to damage the
 * tail of the active segment the way a torn write would.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';

export function activeSegmentFile(dataDir: string, topic: string, partition: number): string {
  const dir = path.join(dataDir, 'topics', topic, String(partition));
  const logs = readdirSync(dir).filter((name) => /^\d{20}\.log$/.test(name)).sort();
  const last = logs.at(-1);
  if (!last) throw new Error(`no segment file in ${dir}`);
  return path.join(dir, last);
}
