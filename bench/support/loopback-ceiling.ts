/**
 * The ceiling for the broker benchmark: how fast this machine moves the same number of bytes through
 * a plain loopback TCP socket from one process to another, with nothing parsed or stored. Measured
 * in the same run as the broker so both see the same load from other users of the machine.
 */
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { once } from 'node:events';

/** The receiving process: counts bytes until it has them all, then says so and exits. */
const SINK = `
const net = require('node:net');
const expected = Number(process.argv[1]);
const server = net.createServer((socket) => {
  let got = 0;
  socket.on('data', (chunk) => {
    got += chunk.length;
    if (got >= expected) {
      socket.end('done');
      server.close();
    }
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
`;

export interface CeilingResult {
  bytes: number;
  seconds: number;
  megabytesPerSecond: number;
}

export async function measureLoopbackCeiling(bytes: number, chunkBytes = 256 * 1024): Promise<CeilingResult> {
  const sink = spawn(process.execPath, ['-e', SINK, String(bytes)], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const [first] = (await once(sink.stdout!, 'data')) as [Buffer];
    const port = Number(first.toString().trim());
    const socket = connect({ host: '127.0.0.1', port });
    await once(socket, 'connect');
    const chunk = Buffer.alloc(chunkBytes, 0x61);
    const started = process.hrtime.bigint();
    const done = once(socket, 'data');
    let sent = 0;
    while (sent < bytes) {
      const n = Math.min(chunk.length, bytes - sent);
      if (!socket.write(n === chunk.length ? chunk : chunk.subarray(0, n))) await once(socket, 'drain');
      sent += n;
    }
    await done;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    socket.destroy();
    return { bytes, seconds, megabytesPerSecond: bytes / 1e6 / seconds };
  } finally {
    sink.kill('SIGKILL');
  }
}
