// The file operations a partition log needs, behind an interface so that tests can inject faults
// (a crash after N bytes, a failing write or fsync) the way franz-go's kfake persist_fs does.
//
// Everything but fsync is synchronous: the log reads and writes the OS page cache, where a
// synchronous call costs a few microseconds, and keeping the append path free of awaits keeps the
// broker's request handling simple. fsync can take milliseconds on a real disk, so it is async and
// never on the append path.

/** What `stat` reports about a path. */
export interface LogFileStat {
  size: number;
  isDirectory: boolean;
}

export interface LogFileSystem {
  /** Creates the directory and its parents if missing. */
  mkdirp(dir: string): void;
  /** File names (not paths) in a directory. */
  readdir(dir: string): string[];
  /** Null when the path does not exist. */
  stat(path: string): LogFileStat | null;
  /** Opens a file for reading and writing at explicit positions, creating it when missing. */
  openReadWrite(path: string): number;
  /** Opens an existing file for reading only. */
  openRead(path: string): number;
  close(fd: number): void;
  /** The current size of an open file. */
  size(fd: number): number;
  /** Reads up to `length` bytes at `position` into `buf` at `offset`; returns the bytes read. */
  read(fd: number, buf: Uint8Array, offset: number, length: number, position: number): number;
  /** Writes `length` bytes of `buf` from `offset` at file `position`; returns the bytes written. */
  write(fd: number, buf: Uint8Array, offset: number, length: number, position: number): number;
  truncate(fd: number, length: number): void;
  /** Flushes the file's data to stable storage. */
  fsync(fd: number): Promise<void>;
  /** Reads a whole small file (index, snapshot, checkpoint); null when missing. */
  readFile(path: string): Buffer | null;
  /** Writes a whole small file, replacing it. */
  writeFile(path: string, data: Uint8Array): void;
  /** Atomically replaces `to` with `from`. */
  rename(from: string, to: string): void;
  unlink(path: string): void;
  /** Removes an empty directory. */
  rmdir(dir: string): void;
}
