// The real LogFileSystem, over node:fs.
import * as fs from 'node:fs';
import type { LogFileStat, LogFileSystem } from './log-file-system';

// O_RDWR | O_CREAT without O_APPEND: Linux ignores the write position of a file opened for
// appending, and the log writes at explicit positions so that a failed append can be undone.
const READ_WRITE_CREATE = fs.constants.O_RDWR | fs.constants.O_CREAT;

export const nodeFileSystem: LogFileSystem = {
  mkdirp(dir: string): void {
    fs.mkdirSync(dir, { recursive: true });
  },
  readdir(dir: string): string[] {
    return fs.readdirSync(dir);
  },
  stat(path: string): LogFileStat | null {
    const st = fs.statSync(path, { throwIfNoEntry: false });
    return st ? { size: st.size, isDirectory: st.isDirectory() } : null;
  },
  openReadWrite(path: string): number {
    return fs.openSync(path, READ_WRITE_CREATE, 0o644);
  },
  openRead(path: string): number {
    return fs.openSync(path, 'r');
  },
  close(fd: number): void {
    fs.closeSync(fd);
  },
  size(fd: number): number {
    return fs.fstatSync(fd).size;
  },
  read(fd: number, buf: Uint8Array, offset: number, length: number, position: number): number {
    return fs.readSync(fd, buf, offset, length, position);
  },
  write(fd: number, buf: Uint8Array, offset: number, length: number, position: number): number {
    return fs.writeSync(fd, buf, offset, length, position);
  },
  truncate(fd: number, length: number): void {
    fs.ftruncateSync(fd, length);
  },
  fsync(fd: number): Promise<void> {
    return new Promise((resolve, reject) => fs.fsync(fd, (error) => (error ? reject(error) : resolve())));
  },
  readFile(path: string): Buffer | null {
    try {
      return fs.readFileSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  },
  writeFile(path: string, data: Uint8Array): void {
    fs.writeFileSync(path, data);
  },
  rename(from: string, to: string): void {
    fs.renameSync(from, to);
  },
  unlink(path: string): void {
    fs.unlinkSync(path);
  },
  rmdir(dir: string): void {
    fs.rmdirSync(dir);
  },
};
