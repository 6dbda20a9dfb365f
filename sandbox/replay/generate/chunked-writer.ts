// Writes many small lines through a file stream in large chunks: joining strings in memory and
// handing the stream a megabyte at a time is what lets the generator write a million events in
// seconds, while still honouring the stream's back-pressure.
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

/** A line sink that buffers until `chunkBytes` characters, then writes them in one call. */
export class ChunkedWriter {
  private readonly stream: WriteStream;
  private parts: string[] = [];
  private pending = 0;
  /** Bytes handed to the file so far. */
  bytes = 0;

  constructor(file: string, private readonly chunkBytes = 1 << 20) {
    this.stream = createWriteStream(file, { highWaterMark: chunkBytes });
  }

  /** Buffers one line (without its newline); returns a promise only when the buffer had to be flushed. */
  writeLine(line: string): Promise<void> | undefined {
    this.parts.push(line, '\n');
    this.pending += line.length + 1;
    return this.pending >= this.chunkBytes ? this.flush() : undefined;
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const chunk = Buffer.from(this.parts.join(''), 'utf8');
    this.parts = [];
    this.pending = 0;
    this.bytes += chunk.length;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await once(this.stream, 'close');
  }
}
