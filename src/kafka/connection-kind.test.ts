import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bootstrapOf, cliConnection, kafkaConfigOf } from './connection-kind';

test('the sandbox is reached by its bootstrap address alone', () => {
  const sandbox = { kind: 'sandbox' as const, bootstrap: '127.0.0.1:9092' };
  assert.deepEqual(cliConnection(sandbox, 'replay'), { args: ['--bootstrap', '127.0.0.1:9092'], env: {} });
  assert.deepEqual(kafkaConfigOf(sandbox).brokers, ['127.0.0.1:9092']);
  assert.equal(kafkaConfigOf(sandbox).ssl, undefined);
});

test('a secured cluster: run gets TLS and SASL flags, the password only in its environment', () => {
  const external = { kind: 'external' as const, brokers: ['b1:9093', 'b2:9093'], ssl: true, sasl: { mechanism: 'scram-sha-512' as const, username: 'ana', password: 's3cret' } };
  const { args, env } = cliConnection(external, 'run');
  assert.deepEqual(args, ['--bootstrap', 'b1:9093,b2:9093', '--tls', '--sasl-mechanism', 'scram-sha-512', '--sasl-username', 'ana']);
  assert.ok(!args.join(' ').includes('s3cret'), 'the password is never an argument');
  assert.deepEqual(env, { MEDALLION_SASL_PASSWORD: 's3cret' });
  const config = kafkaConfigOf(external);
  assert.equal(config.ssl, true);
  assert.deepEqual(config.sasl, external.sasl);
});

test('commands without TLS and SASL refuse a secured cluster, and nothing to connect to is an error', () => {
  const secured = { kind: 'external' as const, brokers: ['b1:9093'], ssl: true, sasl: undefined };
  assert.throws(() => cliConnection(secured, 'replay'), /medallion replay does not support TLS or SASL/);
  assert.deepEqual(cliConnection({ ...secured, ssl: false }, 'materialize').args, ['--bootstrap', 'b1:9093']);
  assert.throws(() => bootstrapOf({ kind: 'none', reason: 'the sandbox is not running' }), /no Kafka to talk to: the sandbox is not running/);
});
