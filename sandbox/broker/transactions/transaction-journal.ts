/**
 * Where the transaction coordinator keeps its state: `transactions.json`, a snapshot of every
 * transactional id's entry, and `transactions.journal`, one JSON line per change since that
 * snapshot. A change is one appended line, one write call. Rewriting the whole snapshot (a
 * temporary file renamed over the old one) on every change cost more than everything else the
 * broker does for a transaction: on ext4, renaming over a file forces the new file's data out first.
 *
 * Loading reads the snapshot, then applies the journal's lines in order; the last line for an id
 * wins. When the journal outgrows `compactBytes`, the state is written as a new snapshot and the
 * journal emptied. A crash between the two leaves a journal whose last line per id is exactly
 * what the new snapshot holds, so applying it again changes nothing. A line cut short by a crash
 * is the last one and did not complete its change; it is ignored.
 */
import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';

/** A journal larger than this is folded into the snapshot. */
const DEFAULT_COMPACT_BYTES = 1 << 20;

export class TransactionJournal<Entry> {
  private readonly snapshotFile: string;
  private readonly journalFile: string;
  private fd: number | undefined;
  private journalBytes = 0;

  constructor(
    dataDir: string,
    private readonly compactBytes = DEFAULT_COMPACT_BYTES,
  ) {
    this.snapshotFile = path.join(dataDir, 'transactions.json');
    this.journalFile = path.join(dataDir, 'transactions.journal');
  }

  /** The state as the snapshot and the journal after it leave it. */
  load(): Map<string, Entry> {
    const state = new Map<string, Entry>();
    if (existsSync(this.snapshotFile)) {
      const saved = JSON.parse(readFileSync(this.snapshotFile, 'utf8')) as Record<string, Entry>;
      for (const [id, entry] of Object.entries(saved)) state.set(id, entry);
    }
    if (existsSync(this.journalFile)) {
      const text = readFileSync(this.journalFile, 'utf8');
      const lines = text.split('\n');
      const torn = !text.endsWith('\n') && text.length > 0;
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i]!;
        if (line.length === 0) continue;
        let change: { id: string; entry: Entry };
        try {
          change = JSON.parse(line) as { id: string; entry: Entry };
        } catch (error) {
          // Only the last line can have been cut short by a crash; anything else is damage.
          if (i >= lines.length - 2) break;
          throw new Error(`${this.journalFile}: line ${i + 1} is not a change: ${(error as Error).message}`);
        }
        state.set(change.id, change.entry);
      }
      this.journalBytes = Buffer.byteLength(text);
      // New lines must not be appended to a torn one: start from a clean snapshot instead.
      if (torn) this.compact(state);
    }
    return state;
  }

  /** Appends one id's new entry; folds the journal into the snapshot when it has grown too large. */
  record(id: string, entry: Entry, state: ReadonlyMap<string, Entry>): void {
    const line = Buffer.from(JSON.stringify({ id, entry }) + '\n');
    this.fd ??= openSync(this.journalFile, 'a');
    let done = 0;
    while (done < line.length) done += writeSync(this.fd, line, done, line.length - done);
    this.journalBytes += line.length;
    if (this.journalBytes > this.compactBytes) this.compact(state);
  }

  /** Writes the whole state as the snapshot and empties the journal. */
  compact(state: ReadonlyMap<string, Entry>): void {
    writeFileSync(`${this.snapshotFile}.tmp`, JSON.stringify(Object.fromEntries(state)));
    renameSync(`${this.snapshotFile}.tmp`, this.snapshotFile);
    this.fd ??= openSync(this.journalFile, 'a');
    ftruncateSync(this.fd, 0);
    this.journalBytes = 0;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
