import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Partitioners } from 'kafkajs';
import { partitionForKey } from './murmur2';

test('partitionForKey agrees with the kafkajs default partitioner for keys of every length', () => {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: 7 }, (_, partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
  const keys = ['', 'a', 'ab', 'abc', 'abcd', 'O-0000001', 'S-000042', 'C-00017', 'ünïcødé-ключ', 'x'.repeat(37)];
  for (const key of keys) {
    const expected = partitioner({ topic: 't', partitionMetadata, message: { key, value: null } });
    assert.equal(partitionForKey(key, 7), expected, `key ${JSON.stringify(key)}`);
  }
});

test('partitionForKey matches hashes published by the Java client', () => {
  // Values from Kafka's own UtilsTest (murmur2 of these strings, made positive).
  assert.equal(partitionForKey('21', 0x7fffffff), (-973932308 & 0x7fffffff) % 0x7fffffff);
  assert.equal(partitionForKey('foobar', 0x7fffffff), (-790332482 & 0x7fffffff) % 0x7fffffff);
});
