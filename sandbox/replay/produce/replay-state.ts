// The replay-state file: per source file, how far Kafka has acknowledged. It is rewritten after
// every acknowledged batch (write to a temporary file, then rename, so a crash never leaves half
// a file), which is what lets `--resume` continue after Ctrl-C without duplicates or gaps.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** What the state remembers of one file. */
export interface FileProgress {
  bootstrap: string;
  topic: string;
  /** Size and modification time when the replay started: a changed file cannot be resumed. */
  size: number;
  mtimeMs: number;
  /** Which pass of a looping replay this is, from 0. */
  loop: number;
  /** The position (see SourceRecord.position) of the last record Kafka acknowledged. */
  position: number;
  /** For NDJSON, the byte offset just past that record, so a resume can seek there. */
  byteOffset: number;
  /** Records acknowledged in this pass. */
  records: number;
  /** True once every record of this pass is acknowledged. */
  done: boolean;
}

interface StateFile {
  version: 1;
  files: Record<string, FileProgress>;
}

/** The default place of the state file under a workspace. */
export function defaultStatePath(workspace: string): string {
  return path.join(workspace, '.medallion', 'replay-state.json');
}

/** The replay state, keyed by absolute file path; other files' entries are kept untouched. */
export class ReplayState {
  private constructor(readonly file: string, private readonly data: StateFile) {}

  /** Loads the state file, or starts an empty state when there is none. */
  static load(file: string): ReplayState {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return new ReplayState(file, { version: 1, files: {} });
    }
    const data = JSON.parse(text) as StateFile;
    if (data.version !== 1 || typeof data.files !== 'object') throw new Error(`${file}: not a replay-state file of version 1`);
    return new ReplayState(file, data);
  }

  get(source: string): FileProgress | undefined {
    return this.data.files[path.resolve(source)];
  }

  set(source: string, progress: FileProgress): void {
    this.data.files[path.resolve(source)] = progress;
  }

  save(): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(this.data, null, 2)}\n`);
    renameSync(temporary, this.file);
  }
}
