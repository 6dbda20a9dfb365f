import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import WebSocket from 'ws';
import type { HostMessage } from '../protocol/inspector';
import { record, tempDir, tempWarehouse } from '../warehouse/test-support';
import { startInspectorServer } from './server';

/** A raw GET, so the Host header can be anything. */
function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('latin1')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    }).on('error', reject).end();
  });
}

class Client {
  private next = 1;
  readonly events: HostMessage[] = [];
  private readonly waiting = new Map<number, (m: HostMessage) => void>();
  constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as HostMessage;
      if (message.kind === 'event') this.events.push(message);
      else this.waiting.get(message.id)?.(message);
    });
  }
  static async open(url: string, origin?: string): Promise<Client> {
    const socket = new WebSocket(url, origin === undefined ? {} : { origin });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    return new Client(socket);
  }
  call(method: string, params: unknown): Promise<HostMessage> {
    const id = this.next++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.socket.send(JSON.stringify({ kind: 'request', id, method, params }));
    });
  }
  raw(text: string): Promise<HostMessage> {
    return new Promise((resolve) => {
      this.socket.once('message', (data) => resolve(JSON.parse(String(data)) as HostMessage));
      this.socket.send(text);
    });
  }
}

async function withServer(body: (s: { url: string; wsUrl: string; ingest: (topic: string, offset: number, value: unknown, headers?: Record<string, string>) => Promise<unknown> }) => Promise<void>): Promise<void> {
  const t = await tempWarehouse();
  const assets = tempDir('inspector-assets');
  const webviewDir = path.join(assets.dir, 'webview');
  mkdirSync(webviewDir);
  writeFileSync(path.join(webviewDir, 'inspector.js'), '// the bundle');
  writeFileSync(path.join(assets.dir, 'secret.txt'), 'not for the page');
  const server = await startInspectorServer({ warehouse: t.warehouse, webviewDir });
  try {
    await body({ url: server.url, wsUrl: server.wsUrl, ingest: (topic, offset, value, headers = {}) => t.warehouse.ingest(topic, 0, [record(offset, value, headers)]) });
  } finally {
    await server.close();
    await t.cleanup();
    assets.remove();
  }
}

test('the page carries a fresh nonce under a strict policy, and assets are served by name only', async () => {
  await withServer(async ({ url }) => {
    const [a, b] = [await get(url), await get(url)];
    assert.equal(a.status, 200);
    const nonce = /script-src 'nonce-([^']+)'/.exec(a.body)?.[1];
    assert.ok(nonce !== undefined && a.body.includes(`<script nonce="${nonce}" src="/assets/inspector.js">`));
    assert.notEqual(nonce, /script-src 'nonce-([^']+)'/.exec(b.body)?.[1]);
    assert.match(a.body, /default-src 'none'/);
    assert.equal((await get(`${url}assets/inspector.js`)).body, '// the bundle');
    assert.equal((await get(`${url}assets/..%2Fsecret.txt`)).status, 400);
    assert.equal((await get(`${url}assets/missing.js`)).status, 404);
    // A name that resolves to this server by DNS rebinding is refused.
    assert.equal((await get(url, { host: 'attacker.example:80' })).status, 421);
  });
});

test('the socket refuses other origins and malformed messages, and answers typed requests', async () => {
  await withServer(async ({ url, wsUrl, ingest }) => {
    await assert.rejects(Client.open(wsUrl, 'https://attacker.example'), /403/);
    const client = await Client.open(wsUrl, url.replace(/\/$/, ''));
    assert.deepEqual(await client.raw('nonsense'), { kind: 'response', id: -1, ok: false, error: { message: 'the message is not JSON', kind: 'protocol' } });
    const badParams = await client.call('query/run', { sql: 'SELECT 1', pageSize: 0 });
    assert.ok(badParams.kind === 'response' && !badParams.ok && /pageSize must be an integer/.test(badParams.error.message));
    await ingest('t', 0, { n: 1 });
    await ingest('t', 1, { n: 2 });
    const run = await client.call('query/run', { sql: 'SELECT n FROM t ORDER BY n;', pageSize: 1, view: { sort: [{ column: 'n', direction: 'desc' }] } });
    assert.ok(run.kind === 'response' && run.ok);
    assert.deepEqual(run.result, { columns: [{ name: 'n', type: 'BIGINT' }], rows: [[2]], totalRows: 2, elapsedMs: (run.result as { elapsedMs: number }).elapsedMs });
    const pragma = await client.call('query/run', { sql: 'PRAGMA table_info(t)', pageSize: 10 });
    assert.ok(pragma.kind === 'response' && pragma.ok && (pragma.result as { totalRows: number }).totalRows > 1, JSON.stringify(pragma));
    const write = await client.call('query/run', { sql: 'DROP TABLE t', pageSize: 10 });
    assert.ok(write.kind === 'response' && !write.ok, 'a write was accepted');
    client.socket.close();
  });
});

test('exports copy the whole result once, and never run a write smuggled into the SQL', async () => {
  await withServer(async ({ url, wsUrl, ingest }) => {
    for (let i = 0; i < 5; i++) await ingest('t', i, { n: i, s: i % 2 === 0 ? 'even, "quoted"' : 'odd' });
    const client = await Client.open(wsUrl);
    const made = await client.call('export/create', { sql: 'SELECT n, s FROM t', format: 'csv', view: { filters: [{ column: 's', contains: 'even' }] } });
    assert.ok(made.kind === 'response' && made.ok);
    const { path: downloadPath, fileName } = made.result as { path: string; fileName: string };
    assert.match(fileName, /\.csv$/);
    const first = await get(`${url}${downloadPath.slice(1)}`);
    assert.equal(first.body, 'n,s\n0,"even, ""quoted"""\n2,"even, ""quoted"""\n4,"even, ""quoted"""\n');
    assert.match(String(first.headers['content-disposition']), /attachment/);
    assert.equal((await get(`${url}${downloadPath.slice(1)}`)).status, 404);
    const smuggle = tempDir('smuggle');
    const target = path.join(smuggle.dir, 'out.csv');
    for (const sql of [`SELECT 1) TO '${target}' (FORMAT csv); SELECT (1`, 'SELECT 1; DROP TABLE t', 'DELETE FROM t']) {
      const refused = await client.call('export/create', { sql, format: 'csv' });
      assert.ok(refused.kind === 'response' && !refused.ok, `export of ${sql} was accepted`);
    }
    assert.equal(existsSync(target), false);
    smuggle.remove();
    const still = await client.call('query/run', { sql: 'SELECT count(*) FROM t', pageSize: 1 });
    assert.ok(still.kind === 'response' && still.ok && JSON.stringify(still.result).includes('[[5]]'));
    client.socket.close();
  });
});

test('counts are pushed while records arrive', async () => {
  await withServer(async ({ wsUrl, ingest }) => {
    const client = await Client.open(wsUrl);
    await ingest('orders', 0, { id: 1 });
    await ingest('orders.silver', 0, { id: 1 }, { 'medallion.layer': 'silver', 'medallion.output': 'orders_clean' });
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && !client.events.some((e) => e.kind === 'event' && e.event === 'counts/changed' && e.counts.layers.some((l) => l.layer === 'silver' && l.rows === 1))) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const last = client.events.filter((e) => e.kind === 'event' && e.event === 'counts/changed').at(-1);
    assert.ok(last !== undefined && last.kind === 'event' && last.event === 'counts/changed');
    assert.deepEqual(last.counts.layers.map((l) => [l.layer, l.rows]), [['bronze', 1], ['silver', 1]]);
    assert.ok(client.events.some((e) => e.kind === 'event' && e.event === 'schema/changed'));
    client.socket.close();
  });
});
