// The difference between two runs of one output: the rows each run's topic holds, by record id.
// An update-mode output is applied as a changelog (a retraction removes its id), so only each id's
// final row counts; an append output keeps the last row per id.
import type { TopicRecord } from './topic-reader';

export interface OutputDiff {
  added: number;
  removed: number;
  changed: number;
  unchanged: number;
  /** A few ids of each kind, for the report. */
  examples: { added: string[]; removed: string[]; changed: string[] };
}

export function tableOf(records: readonly TopicRecord[]): Map<string, string> {
  const rows = new Map<string, string>();
  const ordered = [...records].sort((a, b) => a.partition - b.partition || a.offset - b.offset);
  for (const r of ordered) {
    const id = r.headers['medallion.id'];
    if (id === undefined) continue;
    if (r.headers['medallion.change'] === 'retract') rows.delete(id);
    else rows.set(id, r.value ?? 'null');
  }
  return rows;
}

export function diffTables(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): OutputDiff {
  const diff: OutputDiff = { added: 0, removed: 0, changed: 0, unchanged: 0, examples: { added: [], removed: [], changed: [] } };
  const note = (kind: 'added' | 'removed' | 'changed', id: string): void => {
    diff[kind]++;
    if (diff.examples[kind].length < 5) diff.examples[kind].push(id);
  };
  for (const [id, value] of after) {
    const old = before.get(id);
    if (old === undefined) note('added', id);
    else if (old !== value) note('changed', id);
    else diff.unchanged++;
  }
  for (const id of before.keys()) if (!after.has(id)) note('removed', id);
  return diff;
}
