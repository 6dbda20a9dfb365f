// File names of a partition log directory, as Kafka names them: a segment is
// `<baseOffset padded to 20 digits>.log` with `.index` and `.timeindex` beside it.
import path from 'node:path';

export const LOG_SUFFIX = '.log';
export const INDEX_SUFFIX = '.index';
export const TIME_INDEX_SUFFIX = '.timeindex';
export const SNAPSHOT_SUFFIX = '.snapshot';
/** Files being written before an atomic rename; leftovers of a crash are deleted on open. */
export const TEMP_SUFFIX = '.tmp';
/** Holds the log start offset when DeleteRecords moved it inside a segment. */
export const LOG_START_OFFSET_FILE = 'log-start-offset';

export function offsetFileName(offset: number, suffix: string): string {
  return String(offset).padStart(20, '0') + suffix;
}

export function segmentPath(dir: string, baseOffset: number, suffix: string): string {
  return path.join(dir, offsetFileName(baseOffset, suffix));
}

/** The offset a file name starts with, when it is `<20 digits><suffix>`; else null. */
export function parseOffsetFileName(name: string, suffix: string): number | null {
  if (!name.endsWith(suffix)) return null;
  const digits = name.slice(0, -suffix.length);
  if (!/^\d{20}$/.test(digits)) return null;
  return Number(digits);
}
