import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kafkaConfig } from './kafka-client';

test('a plain connection names only the bootstrap servers', () => {
  const config = kafkaConfig({ brokers: ['a:9092', 'b:9092'] }, 'c');
  assert.deepEqual(config.brokers, ['a:9092', 'b:9092']);
  assert.equal(config.ssl, undefined);
  assert.equal(config.sasl, undefined);
});

test('SASL SCRAM and TLS with a CA of its own are passed to kafkajs as kafkajs names them', () => {
  const config = kafkaConfig({ brokers: ['k:9093'], sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'p' }, tls: { ca: 'PEM' } }, 'c');
  assert.deepEqual(config.sasl, { mechanism: 'scram-sha-512', username: 'u', password: 'p' });
  assert.deepEqual(config.ssl, { ca: ['PEM'] });
});

test('TLS on its own trusts the system CAs', () => {
  assert.equal(kafkaConfig({ brokers: ['k:9093'], tls: true, sasl: { mechanism: 'plain', username: 'u', password: 'p' } }, 'c').ssl, true);
});
