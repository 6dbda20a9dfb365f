// The wire producer against the project's broker on an ephemeral port, through a proxy that can
// lose a Produce response: the retry must not write the batch twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startBroker } from '../../../broker/index';
import type { OutgoingRecord } from '../outgoing-record';
import { readBack } from '../read-back.test-support';
import { connectWireSink } from './wire-sink';

const quiet = { info() {}, warn() {}, error() {} };

/**
 * A TCP proxy to the broker. When `dropNextProduceResponse` is set, it forwards the next Produce
 * request, waits for the broker's answer and then closes the connection instead of passing it on:
 * the broker has appended the batch, the producer never hears so.
 */
class LossyProxy {
  dropNextProduceResponse = false;
  dropped = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<LossyProxy> {
    const server = createServer();
    const proxy = new LossyProxy(server);
    server.on('connection', (client) => proxy.relay(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as { port: number }).port;
  }

  /** Where the next accepted connection goes, set by the socket factory just before it connects. */
  target = { host: '127.0.0.1', port: 0 };

  private relay(client: Socket): void {
    const upstream = connect(this.target);
    this.sockets.add(client).add(upstream);
    let pending = Buffer.alloc(0);
    let awaitingDroppedAnswer = false;
    client.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        const frame = pending.subarray(0, 4 + pending.readInt32BE(0));
        pending = pending.subarray(frame.length);
        if (frame.readInt16BE(4) === 0 && this.dropNextProduceResponse) {
          this.dropNextProduceResponse = false;
          awaitingDroppedAnswer = true;
        }
        upstream.write(frame);
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      if (awaitingDroppedAnswer) {
        this.dropped++;
        client.destroy();
        upstream.destroy();
        return;
      }
      client.write(chunk);
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

function records(topic: string, from: number, count: number): OutgoingRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    topic,
    partition: (from + i) % 2,
    key: Buffer.from(`k${from + i}`),
    value: Buffer.from(JSON.stringify({ n: from + i })),
    headers: { 'source-line': String(from + i + 1) },
    timestamp: 1_772_442_000_000 + from + i,
    source: { file: 'f', position: from + i + 1, byteEnd: 0, line: from + i + 1 },
  }));
}

test('a Produce answer lost with its connection is retried on a new one without writing the batch twice', { timeout: 60_000 }, async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'medallion-wire-sink-'));
  const broker = await startBroker({ port: 0, dataDir: path.join(dir, 'kafka'), groupInitialRebalanceDelayMs: 0, logger: quiet });
  const proxy = await LossyProxy.start();
  const sink = await connectWireSink({
    bootstrap: broker.bootstrap,
    requestTimeoutMs: 5_000,
    socketFactory: (host, port) => {
      proxy.target = { host, port };
      return connect({ host: '127.0.0.1', port: proxy.port });
    },
  });
  try {
    assert.equal(await sink.partitionsFor('idem', 2), 2, 'the topic is created with the partitions asked for');
    assert.equal(await sink.partitionsFor('idem', 5), 2, 'an existing topic keeps its partitions');
    proxy.dropNextProduceResponse = true;
    await sink.send(records('idem', 0, 100));
    assert.equal(proxy.dropped, 1, 'the first answer was lost');
    // Pipelined sends on the new connection keep their order per partition.
    await Promise.all([sink.send(records('idem', 100, 50)), sink.send(records('idem', 150, 50))]);
    const read = await readBack(broker.bootstrap, ['idem'], 200, 'wire-sink-test');
    assert.equal(read.length, 200, 'every record once, none twice');
    for (const partition of [0, 1]) {
      const values = read.filter((r) => r.partition === partition).map((r) => (JSON.parse(String(r.message.value)) as { n: number }).n);
      assert.deepEqual(values, Array.from({ length: 100 }, (_, i) => i * 2 + partition), `partition ${partition} in order`);
    }
    const first = read.find((r) => r.partition === 0)!.message;
    assert.equal(String(first.key), 'k0');
    assert.equal(String(first.headers?.['source-line']), '1');
    assert.equal(first.timestamp, '1772442000000');
  } finally {
    await sink.close();
    await proxy.stop();
    await broker.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('a cluster that cannot be reached is a clear error', { timeout: 30_000 }, async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  await assert.rejects(connectWireSink({ bootstrap: `127.0.0.1:${port}`, requestTimeoutMs: 2_000 }), /127\.0\.0\.1:\d+: .*ECONNREFUSED/);
  await assert.rejects(connectWireSink({ bootstrap: 'no-port-here' }), /not a host:port/);
});
