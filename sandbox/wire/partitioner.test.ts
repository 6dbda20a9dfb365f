// Our partitioner must place every key where kafkajs's default (Java-compatible) partitioner does,
// or the runner's outputs would move between partitions when it switched clients.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Partitioners } from 'kafkajs';
import { partitionFor } from './partitioner';

test('keys land where kafkajs puts them, for ASCII, Unicode, long and Buffer keys', () => {
  const kafkajs = Partitioners.DefaultPartitioner();
  const keys = ['', 'a', 'ab', 'abc', 'abcd', 'order-123', 'customer/42/eu', 'naïve ✓ 日本', 'abcdefgh✓', 'abcdefg✓', 'ascii then é', 'x'.repeat(1000), 'y'.repeat(70_000)];
  for (let i = 0; i < 500; i++) keys.push(`k${i}-${(i * 7919) % 1013}`);
  for (const partitions of [1, 3, 4, 7, 16]) {
    const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0 }));
    for (const key of keys) {
      const expected = kafkajs({ topic: 't', partitionMetadata, message: { key, value: null } });
      assert.equal(partitionFor(key, partitions), expected, `${JSON.stringify(key.slice(0, 20))} of ${partitions}`);
      assert.equal(partitionFor(Buffer.from(key), partitions), expected);
    }
  }
});
