import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readManifestStreams, streamConfigFor, topicForFile } from './stream-config';

test('the topic is the file name without its extensions', () => {
  assert.equal(topicForFile('/data/orders.ndjson'), 'orders');
  assert.equal(topicForFile('page_views.json'), 'page_views');
  assert.equal(topicForFile('events.2026.csv'), 'events');
});

test('without a manifest the key and event-time fields are guessed from the first record', () => {
  const none = new Map();
  assert.deepEqual(streamConfigFor('orders.ndjson', none, {}, { order_id: 'O-1', amount: 3, ts: 1 }), { topic: 'orders', keyField: 'order_id', timestampField: 'ts' });
  assert.deepEqual(streamConfigFor('clicks.csv', none, {}, { id: '1', created_at: 'x' }), { topic: 'clicks', keyField: 'id', timestampField: 'created_at' });
  assert.deepEqual(streamConfigFor('misc.ndjson', none, {}, { user_id: 'u', note: 'n' }), { topic: 'misc', keyField: 'user_id' });
  assert.deepEqual(streamConfigFor('nothing.ndjson', none, {}, 42), { topic: 'nothing' });
});

test('a MANIFEST.json beside the files decides, and flags override it', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'medallion-config-'));
  await writeFile(path.join(dir, 'MANIFEST.json'), JSON.stringify({ streams: [{ file: 'payments.ndjson', topic: 'payments', keyField: 'order_id', timestampField: 'ts', partitions: 4 }] }));
  const manifest = await readManifestStreams(dir);
  const sample = { payment_id: 'P-1', order_id: 'O-1', ts: 1 };
  assert.deepEqual(streamConfigFor(path.join(dir, 'payments.ndjson'), manifest, {}, sample), { topic: 'payments', keyField: 'order_id', timestampField: 'ts', partitions: 4 });
  assert.deepEqual(streamConfigFor(path.join(dir, 'payments.ndjson'), manifest, { topicPrefix: 'bronze.', keyField: 'payment_id', partitions: 2 }, sample), { topic: 'bronze.payments', keyField: 'payment_id', timestampField: 'ts', partitions: 2 });
  assert.equal((await readManifestStreams(path.join(dir, 'missing'))).size, 0);
});
