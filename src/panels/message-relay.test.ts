import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { WebSocketServer } from 'ws';
import { MessageRelay, type WebviewEndpoint } from './message-relay';

/** A webview as the relay sees it: messages in from the page, messages out to it. */
function fakeWebview() {
  const listeners = new Set<(m: unknown) => void>();
  const received: unknown[] = [];
  const endpoint: WebviewEndpoint = {
    postMessage: async (m) => {
      received.push(m);
      return true;
    },
    onDidReceiveMessage: (listener) => {
      listeners.add(listener);
      return { dispose: () => listeners.delete(listener) };
    },
  };
  return { endpoint, received, fromPage: (m: unknown) => listeners.forEach((l) => l(m)) };
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('relays raw JSON both ways, holding page messages sent before the socket opens', async () => {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  const atServer: unknown[] = [];
  server.on('connection', (socket) => {
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { id: number; method: string };
      atServer.push(message);
      socket.send(JSON.stringify({ id: message.id, result: { rows: [[1, 'gold']] } }));
    });
    socket.send(JSON.stringify({ event: 'hello' }));
    socket.send(Buffer.from([1, 2, 3]));
  });
  const page = fakeWebview();
  const forHost: unknown[] = [];
  const opening = MessageRelay.open(page.endpoint, `ws://127.0.0.1:${(server.address() as AddressInfo).port}`, {
    forHost: (m) => m.kind === 'download' && forHost.push(m) > 0,
  });
  // Sent while the relay is still loading ws: it must still arrive. The page posts JSON text.
  page.fromPage(JSON.stringify({ id: 1, method: 'query/run', params: { sql: 'select 1' } }));
  const relay = await opening;
  page.fromPage(JSON.stringify({ kind: 'download', path: '/download/abc', fileName: 'gold.csv' }));
  page.fromPage({ id: 2, method: 'schema/list', params: { kind: 'not-for-host' } });
  await until(() => page.received.length >= 3);
  assert.deepEqual(atServer, [{ id: 1, method: 'query/run', params: { sql: 'select 1' } }, { id: 2, method: 'schema/list', params: { kind: 'not-for-host' } }]);
  // Socket text reaches the page unchanged; binary frames are not the protocol's and are dropped.
  assert.deepEqual(page.received, [JSON.stringify({ event: 'hello' }), JSON.stringify({ id: 1, result: { rows: [[1, 'gold']] } }), JSON.stringify({ id: 2, result: { rows: [[1, 'gold']] } })]);
  assert.deepEqual(forHost, [{ kind: 'download', path: '/download/abc', fileName: 'gold.csv' }]);
  relay.dispose();
  server.close();
});

test('drops the oldest queued messages beyond the bound and reports a failed connection', async () => {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  server.close();
  await once(server, 'close');
  const page = fakeWebview();
  let closed: string | undefined;
  const relay = await MessageRelay.open(page.endpoint, `ws://127.0.0.1:${port}`, { maxQueued: 2, onClose: (reason) => (closed = reason) });
  for (let i = 0; i < 5; i++) page.fromPage({ i });
  assert.equal(relay.dropped, 3);
  await until(() => closed !== undefined);
  assert.match(closed!, /ECONNREFUSED|closed/);
  relay.dispose();
});
