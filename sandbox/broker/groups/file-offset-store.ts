import fs from 'node:fs';
import path from 'node:path';
import { offsetKey, type OffsetStore, type StoredOffset } from './offset-store';

/** Options for {@link FileOffsetStore.open}. */
export interface FileOffsetStoreOptions {
  /**
   * Rewrite the file once it holds this many lines more than live offsets, so that a long-running
   * group committing every few seconds does not grow the file without bound.
   * @default 10000
   * @example { compactAfterDeadLines: 100 }
   */
  compactAfterDeadLines?: number;
}

/** One line of the file: a commit, or the deletion of a whole group. */
type Line =
  | { g: string; t: string; p: number; o: number; e: number; m: string | null; ts: number }
  | { g: string; deleted: true };

const FILE_NAME = 'committed-offsets.jsonl';

/**
 * Committed offsets as JSON lines appended to `committed-offsets.jsonl` in a directory. The last line
 * may be torn by a crash in the middle of a write; it is dropped on load, which loses at most the commit
 * that was never acknowledged. The file is compacted (written aside, then renamed over) on open and
 * whenever dead lines pile up.
 */
export class FileOffsetStore implements OffsetStore {
  private fd: number;
  private lines: number;

  private constructor(
    private readonly file: string,
    private readonly live: Map<string, StoredOffset>,
    lines: number,
    private readonly compactAfterDeadLines: number,
  ) {
    this.fd = fs.openSync(file, 'a');
    this.lines = lines;
  }

  static open(dir: string, options: FileOffsetStoreOptions = {}): FileOffsetStore {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, FILE_NAME);
    const { live, lines, torn } = readFile(file);
    const store = new FileOffsetStore(file, live, lines, options.compactAfterDeadLines ?? 10_000);
    // A torn tail must go before anything is appended, or the next line would be glued onto it and lost.
    if (torn || lines > live.size) store.compact();
    return store;
  }

  load(): StoredOffset[] {
    return [...this.live.values()].map((o) => ({ ...o }));
  }

  append(offsets: StoredOffset[]): void {
    if (offsets.length === 0) return;
    const text = offsets
      .map((o) => JSON.stringify({ g: o.groupId, t: o.topic, p: o.partition, o: o.offset, e: o.leaderEpoch, m: o.metadata, ts: o.commitTimestamp } satisfies Line))
      .join('\n');
    this.write(text + '\n', offsets.length);
    for (const o of offsets) this.live.set(offsetKey(o.groupId, o.topic, o.partition), { ...o });
    this.maybeCompact();
  }

  deleteGroup(groupId: string): void {
    this.write(JSON.stringify({ g: groupId, deleted: true } satisfies Line) + '\n', 1);
    for (const [key, o] of this.live) if (o.groupId === groupId) this.live.delete(key);
    this.maybeCompact();
  }

  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }

  private write(text: string, lineCount: number): void {
    if (this.fd < 0) throw new Error('FileOffsetStore is closed');
    const bytes = Buffer.from(text, 'utf8');
    let done = 0;
    while (done < bytes.length) done += fs.writeSync(this.fd, bytes, done, bytes.length - done);
    this.lines += lineCount;
  }

  private maybeCompact(): void {
    if (this.lines - this.live.size >= this.compactAfterDeadLines) this.compact();
  }

  /** Writes the live offsets to a side file and renames it over the log, so a crash leaves one or the other. */
  private compact(): void {
    const tmp = this.file + '.compact';
    const text = [...this.live.values()]
      .map((o) => JSON.stringify({ g: o.groupId, t: o.topic, p: o.partition, o: o.offset, e: o.leaderEpoch, m: o.metadata, ts: o.commitTimestamp } satisfies Line) + '\n')
      .join('');
    fs.writeFileSync(tmp, text);
    fs.closeSync(this.fd);
    fs.renameSync(tmp, this.file);
    this.fd = fs.openSync(this.file, 'a');
    this.lines = this.live.size;
  }
}

function readFile(file: string): { live: Map<string, StoredOffset>; lines: number; torn: boolean } {
  const live = new Map<string, StoredOffset>();
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { live, lines: 0, torn: false };
    throw err;
  }
  let lines = 0;
  let torn = false;
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue;
    let line: Line;
    try {
      line = JSON.parse(raw) as Line;
    } catch {
      // Only the last line can be torn by a crash mid-append; it was never acknowledged, so it is dropped.
      torn = true;
      continue;
    }
    lines++;
    if ('deleted' in line) {
      for (const [key, o] of live) if (o.groupId === line.g) live.delete(key);
    } else {
      live.set(offsetKey(line.g, line.t, line.p), {
        groupId: line.g, topic: line.t, partition: line.p, offset: line.o, leaderEpoch: line.e, metadata: line.m, commitTimestamp: line.ts,
      });
    }
  }
  return { live, lines, torn };
}
