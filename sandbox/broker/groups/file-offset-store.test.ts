import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GroupCoordinator } from './coordinator';
import { FileOffsetStore } from './file-offset-store';
import type { StoredOffset } from './offset-store';
import { VirtualScheduler } from './virtual-scheduler';

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medallion-offsets-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const offset = (groupId: string, topic: string, partition: number, value: number): StoredOffset => ({
  groupId, topic, partition, offset: value, leaderEpoch: 0, metadata: `m${value}`, commitTimestamp: 1000 + value,
});

const sorted = (offsets: StoredOffset[]) => [...offsets].sort((a, b) => `${a.groupId}/${a.topic}/${a.partition}`.localeCompare(`${b.groupId}/${b.topic}/${b.partition}`));

test('offsets committed through the coordinator survive reopening the file store', (t) => {
  const dir = tempDir(t);
  const first = new GroupCoordinator({ scheduler: new VirtualScheduler(), store: FileOffsetStore.open(dir) });
  first.commitOffsets({
    groupId: 'g', memberId: '', generationId: -1,
    topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 41, committedLeaderEpoch: 0, committedMetadata: null }] }],
  });
  first.commitOffsets({
    groupId: 'g', memberId: '', generationId: -1,
    topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 42, committedLeaderEpoch: 3, committedMetadata: 'x' }] }],
  });
  first.close();
  const second = new GroupCoordinator({ scheduler: new VirtualScheduler(), store: FileOffsetStore.open(dir) });
  assert.deepEqual(second.fetchOffsets({ groupId: 'g', topics: null }).topics, [
    { name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 42, committedLeaderEpoch: 3, metadata: 'x', errorCode: 0 }] },
  ]);
  second.close();
});

test('a deleted group stays deleted after reopening', (t) => {
  const dir = tempDir(t);
  const store = FileOffsetStore.open(dir);
  store.append([offset('a', 't', 0, 1), offset('b', 't', 0, 2)]);
  store.deleteGroup('a');
  store.close();
  const reopened = FileOffsetStore.open(dir);
  assert.deepEqual(reopened.load(), [offset('b', 't', 0, 2)]);
  reopened.close();
});

test('opening compacts the file to one line per live offset', (t) => {
  const dir = tempDir(t);
  const store = FileOffsetStore.open(dir);
  for (let i = 0; i < 50; i++) store.append([offset('g', 't', i % 2, i)]);
  store.close();
  const file = path.join(dir, 'committed-offsets.jsonl');
  assert.equal(fs.readFileSync(file, 'utf8').trim().split('\n').length, 50);
  const reopened = FileOffsetStore.open(dir);
  assert.equal(fs.readFileSync(file, 'utf8').trim().split('\n').length, 2);
  assert.deepEqual(sorted(reopened.load()), [offset('g', 't', 0, 48), offset('g', 't', 1, 49)]);
  reopened.close();
});

test('dead lines are compacted away while running once they pass the threshold', (t) => {
  const dir = tempDir(t);
  const store = FileOffsetStore.open(dir, { compactAfterDeadLines: 10 });
  for (let i = 0; i < 25; i++) store.append([offset('g', 't', 0, i)]);
  const lines = fs.readFileSync(path.join(dir, 'committed-offsets.jsonl'), 'utf8').trim().split('\n').length;
  assert.ok(lines <= 11, `expected at most 11 lines, found ${lines}`);
  store.append([offset('g', 't', 1, 100)]);
  store.close();
  const reopened = FileOffsetStore.open(dir);
  assert.deepEqual(sorted(reopened.load()), [offset('g', 't', 0, 24), offset('g', 't', 1, 100)]);
  reopened.close();
});

test('a line torn by a crash is dropped, and later appends are not glued onto it', (t) => {
  const dir = tempDir(t);
  const store = FileOffsetStore.open(dir);
  store.append([offset('g', 't', 0, 1)]);
  store.close();
  const file = path.join(dir, 'committed-offsets.jsonl');
  fs.appendFileSync(file, '{"g":"g","t":"t","p":0,"o":2');
  const reopened = FileOffsetStore.open(dir);
  assert.deepEqual(reopened.load(), [offset('g', 't', 0, 1)]);
  reopened.append([offset('g', 't', 1, 3)]);
  reopened.close();
  const third = FileOffsetStore.open(dir);
  assert.deepEqual(sorted(third.load()), [offset('g', 't', 0, 1), offset('g', 't', 1, 3)]);
  third.close();
});

test('group and topic names with quotes, separators and non-ASCII characters round-trip', (t) => {
  const dir = tempDir(t);
  const store = FileOffsetStore.open(dir);
  const odd = offset('g"\n/1', 'tö/pic,"x"', 7, 9);
  store.append([odd]);
  store.close();
  const reopened = FileOffsetStore.open(dir);
  assert.deepEqual(reopened.load(), [odd]);
  reopened.close();
});
