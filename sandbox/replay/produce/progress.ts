// The progress line: rewritten in place on a terminal, printed every few seconds otherwise (CI
// logs, pipes), so a long replay shows it is alive without flooding a log.

/** Options of {@link Progress}. */
export interface ProgressOptions {
  /** Where to write. @default process.stdout */
  out: NodeJS.WritableStream & { isTTY?: boolean };
  /** Bytes to read in total, for the percentage; 0 when unknown. */
  totalBytes: number;
  /** Wall-clock milliseconds. @default performance.now */
  now?: () => number;
  /** How often a line is written. @default 250 on a terminal, 5000 otherwise */
  intervalMs?: number;
}

/** Reports records/s and % done. */
export class Progress {
  private readonly started: number;
  private last = -Infinity;
  private readonly tty: boolean;
  private readonly interval: number;
  private readonly now: () => number;

  constructor(private readonly options: ProgressOptions) {
    this.now = options.now ?? (() => performance.now());
    this.started = this.now();
    this.tty = options.out.isTTY === true;
    this.interval = options.intervalMs ?? (this.tty ? 250 : 5000);
  }

  /** Called after each acknowledged batch; writes a line when the interval has passed. */
  update(records: number, bytesDone: number, loop: number): void {
    const now = this.now();
    if (now - this.last < this.interval) return;
    this.last = now;
    this.write(this.line(records, bytesDone, loop, now), false);
  }

  /** Writes the final line. */
  finish(records: number, bytesDone: number, loop: number): void {
    this.write(this.line(records, bytesDone, loop, this.now()), true);
  }

  line(records: number, bytesDone: number, loop: number, now: number): string {
    const seconds = Math.max(1e-3, (now - this.started) / 1000);
    const rate = Math.round(records / seconds);
    const total = this.options.totalBytes;
    const percent = total > 0 ? `${Math.min(100, (100 * bytesDone) / total).toFixed(1)}%` : '?%';
    return `replay: ${records.toLocaleString('en-US')} records, ${rate.toLocaleString('en-US')} records/s, ${percent}${loop > 0 ? ` (loop ${loop + 1})` : ''}, ${seconds.toFixed(1)} s`;
  }

  private write(line: string, final: boolean): void {
    if (this.tty) this.options.out.write(`\r\x1b[2K${line}${final ? '\n' : ''}`);
    else this.options.out.write(`${line}\n`);
  }
}
