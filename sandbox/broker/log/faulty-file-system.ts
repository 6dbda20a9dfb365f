// A LogFileSystem that injects faults, for tests: a crash after a number of bytes written (the
// write that crosses the limit lands only partly, leaving a torn tail, and the "process" is dead
// from then on), and writes or fsyncs that fail with an errno while the process lives on.
import type { LogFileStat, LogFileSystem } from './log-file-system';

/** Thrown by every operation once the simulated process has crashed. */
export class SimulatedCrash extends Error {
  override readonly name = 'SimulatedCrash';
}

export interface FaultPlan {
  /** Crash once this many more bytes have been written through `write` or `writeFile`. */
  crashAfterBytes?: number;
  /** Fail `write` and `writeFile` with this errno code (e.g. 'ENOSPC'), writing nothing. */
  failWritesWith?: string;
  /** Fail `fsync` with this errno code. */
  failFsyncWith?: string;
}

function errnoError(code: string, op: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`${code}: simulated failure, ${op}`);
  error.code = code;
  return error;
}

export class FaultyFileSystem implements LogFileSystem {
  private plan: FaultPlan = {};
  private crashed = false;
  private readonly openFds = new Set<number>();
  /** Total bytes that reached the inner file system through `write`. */
  bytesWritten = 0;

  constructor(private readonly inner: LogFileSystem) {}

  /** Replaces the fault plan; `crashAfterBytes` counts from now. */
  inject(plan: FaultPlan): void {
    this.plan = { ...plan };
  }

  get hasCrashed(): boolean {
    return this.crashed;
  }

  /**
   * Closes every file the dead process left open, as the OS does when a process dies, so that a
   * test can reopen the directory with a fresh log.
   */
  releaseAll(): void {
    for (const fd of this.openFds) this.inner.close(fd);
    this.openFds.clear();
  }

  private alive(): void {
    if (this.crashed) throw new SimulatedCrash('the process has crashed');
  }

  /** How many of `length` bytes may still be written before the crash, or -1 for all of them. */
  private allowance(length: number): number {
    const limit = this.plan.crashAfterBytes;
    if (limit === undefined || length <= limit) {
      if (limit !== undefined) this.plan.crashAfterBytes = limit - length;
      return -1;
    }
    return limit;
  }

  mkdirp(dir: string): void {
    this.alive();
    this.inner.mkdirp(dir);
  }
  readdir(dir: string): string[] {
    this.alive();
    return this.inner.readdir(dir);
  }
  stat(path: string): LogFileStat | null {
    this.alive();
    return this.inner.stat(path);
  }
  openReadWrite(path: string): number {
    this.alive();
    const fd = this.inner.openReadWrite(path);
    this.openFds.add(fd);
    return fd;
  }
  openRead(path: string): number {
    this.alive();
    const fd = this.inner.openRead(path);
    this.openFds.add(fd);
    return fd;
  }
  close(fd: number): void {
    this.alive();
    this.openFds.delete(fd);
    this.inner.close(fd);
  }
  size(fd: number): number {
    this.alive();
    return this.inner.size(fd);
  }
  read(fd: number, buf: Uint8Array, offset: number, length: number, position: number): number {
    this.alive();
    return this.inner.read(fd, buf, offset, length, position);
  }
  write(fd: number, buf: Uint8Array, offset: number, length: number, position: number): number {
    this.alive();
    if (this.plan.failWritesWith) throw errnoError(this.plan.failWritesWith, 'write');
    const allowed = this.allowance(length);
    if (allowed >= 0) {
      this.crashed = true;
      if (allowed > 0) this.bytesWritten += this.inner.write(fd, buf, offset, allowed, position);
      throw new SimulatedCrash(`crashed after writing ${allowed} of ${length} bytes`);
    }
    const written = this.inner.write(fd, buf, offset, length, position);
    this.bytesWritten += written;
    return written;
  }
  truncate(fd: number, length: number): void {
    this.alive();
    this.inner.truncate(fd, length);
  }
  async fsync(fd: number): Promise<void> {
    this.alive();
    if (this.plan.failFsyncWith) throw errnoError(this.plan.failFsyncWith, 'fsync');
    await this.inner.fsync(fd);
  }
  readFile(path: string): Buffer | null {
    this.alive();
    return this.inner.readFile(path);
  }
  writeFile(path: string, data: Uint8Array): void {
    this.alive();
    if (this.plan.failWritesWith) throw errnoError(this.plan.failWritesWith, `writeFile ${path}`);
    const allowed = this.allowance(data.length);
    if (allowed >= 0) {
      this.crashed = true;
      this.inner.writeFile(path, data.subarray(0, allowed));
      throw new SimulatedCrash(`crashed after writing ${allowed} of ${data.length} bytes of ${path}`);
    }
    this.inner.writeFile(path, data);
  }
  rename(from: string, to: string): void {
    this.alive();
    this.inner.rename(from, to);
  }
  unlink(path: string): void {
    this.alive();
    this.inner.unlink(path);
  }
  rmdir(dir: string): void {
    this.alive();
    this.inner.rmdir(dir);
  }
}
