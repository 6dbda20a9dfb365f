// TLS and SASL on the broker, driven by kafkajs over real sockets: produce and consume over TLS alone
// and with each SASL mechanism over TLS (SASL_SSL); a wrong password is refused with Kafka's
// SASL_AUTHENTICATION_FAILED while other clients go on; a plain TCP client on the TLS port and an
// unauthenticated request each lose their own connection only.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../../test/support/in-process-broker';
import { consumeMessages } from '../../../test/support/kafkajs-client';
import { RawConnection } from '../../../test/support/raw-connection';
import { makeTestCertificates, type TestCertificates } from '../../../test/support/test-certificates';
import { apiVersionsV0, metadataV1, parseApiVersionsV0, requestHeader } from '../../../test/support/wire-requests';

const USERS = { alice: 'alice-secret', 'bob,=odd': 'pässword with spaces' };

let certs: TestCertificates;
let tlsOnly: TestBroker;
let saslSsl: TestBroker;

before(async () => {
  certs = makeTestCertificates();
  tlsOnly = await startTestBroker({ tls: { cert: certs.cert, key: certs.key } });
  saslSsl = await startTestBroker({ tls: { cert: certs.cert, key: certs.key }, sasl: { users: USERS } });
});

after(async () => {
  await tlsOnly?.close();
  await saslSsl?.close();
  certs?.remove();
});

function kafkaFor(bootstrap: string, extra: Partial<KafkaConfig>): Kafka {
  return new Kafka({
    clientId: 'secure-test',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 500 },
    ssl: { ca: [certs.ca] },
    ...extra,
  });
}

async function roundTrip(kafka: Kafka, topic: string): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({ topic, messages: [{ key: 'a', value: `first on ${topic}` }, { key: 'b', value: `second on ${topic}` }] });
  } finally {
    await producer.disconnect();
  }
  const read = await consumeMessages(kafka, { topic, groupId: `${topic}-reader`, count: 2, timeoutMs: 10_000 });
  assert.deepEqual(read.map((m) => m.message.value?.toString()).sort(), [`first on ${topic}`, `second on ${topic}`]);
}

test('kafkajs produces and consumes over TLS', { timeout: 30_000 }, async () => {
  await roundTrip(kafkaFor(tlsOnly.bootstrap, {}), 'tls-only');
});

test('a plain TCP client on the TLS port loses its connection, and TLS clients are still served', { timeout: 30_000 }, async () => {
  const raw = await RawConnection.open(tlsOnly.broker.host, tlsOnly.broker.port);
  await raw.sendFrame(apiVersionsV0(1));
  assert.equal(await raw.waitClosed(5_000), true, 'the broker closes a connection that does not speak TLS');
  assert.ok(tlsOnly.logLines.some((line) => line.includes('TLS handshake failed')), 'the failed handshake is logged');
  const admin = kafkaFor(tlsOnly.bootstrap, {}).admin();
  await admin.connect();
  try {
    assert.ok((await admin.listTopics()).includes('tls-only'));
  } finally {
    await admin.disconnect();
  }
});

for (const mechanism of ['plain', 'scram-sha-256', 'scram-sha-512'] as const) {
  test(`kafkajs produces and consumes with SASL ${mechanism} over TLS`, { timeout: 30_000 }, async () => {
    for (const [username, password] of Object.entries(USERS)) {
      const sasl = { mechanism, username, password } as SASLOptions;
      await roundTrip(kafkaFor(saslSsl.bootstrap, { sasl }), `sasl-${mechanism}-${username.length}`);
    }
  });
}

test('once authenticated, frames up to the full limit are accepted again (a 700 KiB record)', { timeout: 30_000 }, async () => {
  const kafka = kafkaFor(saslSsl.bootstrap, { sasl: { mechanism: 'scram-sha-512', username: 'alice', password: 'alice-secret' } });
  const producer = kafka.producer();
  await producer.connect();
  const value = 'x'.repeat(700 * 1024);
  try {
    await producer.send({ topic: 'big-after-auth', messages: [{ value }] });
  } finally {
    await producer.disconnect();
  }
  const read = await consumeMessages(kafka, { topic: 'big-after-auth', groupId: 'big-reader', count: 1, timeoutMs: 10_000 });
  assert.equal(read[0]?.message.value?.length, value.length);
});

for (const mechanism of ['plain', 'scram-sha-512'] as const) {
  test(`a wrong password with ${mechanism} gets SASL_AUTHENTICATION_FAILED and others are still served`, { timeout: 30_000 }, async () => {
    const refused = kafkaFor(saslSsl.bootstrap, { sasl: { mechanism, username: 'alice', password: 'not her password' } as SASLOptions }).admin();
    // kafkajs turns SASL_AUTHENTICATION_FAILED into this error, carrying the broker's message.
    const refusal = { name: 'KafkaJSSASLAuthenticationError', message: new RegExp(`authentication failed: invalid credentials with ${mechanism}`, 'i') };
    await assert.rejects(refused.connect(), refusal);
    const unknown = kafkaFor(saslSsl.bootstrap, { sasl: { mechanism, username: 'mallory', password: 'alice-secret' } as SASLOptions }).admin();
    await assert.rejects(unknown.connect(), refusal, 'an unknown user is refused as a wrong password is');
    assert.ok(saslSsl.logLines.some((line) => line.includes(`SASL ${mechanism.toUpperCase()} authentication failed`)), 'the refusal is logged');
    const admin = kafkaFor(saslSsl.bootstrap, { sasl: { mechanism, username: 'alice', password: 'alice-secret' } as SASLOptions }).admin();
    await admin.connect();
    try {
      await admin.listTopics();
    } finally {
      await admin.disconnect();
    }
  });
}

test('without authentication only ApiVersions is answered; any other request closes the connection', { timeout: 30_000 }, async () => {
  const broker = await startTestBroker({ sasl: { users: USERS, mechanisms: ['SCRAM-SHA-256'] } });
  try {
    const raw = await RawConnection.open(broker.broker.host, broker.broker.port);
    await raw.sendFrame(apiVersionsV0(1));
    const versions = parseApiVersionsV0((await raw.readFrame(5_000))!);
    assert.deepEqual(versions.apis.get(17), [0, 1], 'SaslHandshake v0-v1 is advertised (librdkafka needs v0 listed)');
    assert.deepEqual(versions.apis.get(36), [0, 2], 'SaslAuthenticate v0-v2 is advertised');
    await raw.sendFrame(metadataV1(2, null));
    assert.equal(await raw.waitClosed(5_000), true, 'Metadata before authentication closes the connection');

    const big = await RawConnection.open(broker.broker.host, broker.broker.port);
    const size = Buffer.alloc(4);
    size.writeInt32BE(600 * 1024);
    await big.write(size);
    assert.equal(await big.waitClosed(5_000), true, 'a frame over 512 KiB before authentication closes the connection at its size');

    const plain = new Kafka({ clientId: 'x', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 }, sasl: { mechanism: 'plain', username: 'alice', password: 'alice-secret' } });
    await assert.rejects(plain.admin().connect(), { type: 'UNSUPPORTED_SASL_MECHANISM' }, 'a mechanism the broker does not offer is refused');
  } finally {
    await broker.close();
  }
});

/** SaslHandshake v0, written by hand: the request header and the mechanism as an int16-sized string. */
function saslHandshakeV0(correlationId: number, mechanism: string): Buffer {
  const name = Buffer.from(mechanism, 'utf8');
  const size = Buffer.alloc(2);
  size.writeInt16BE(name.length);
  return Buffer.concat([requestHeader(17, 0, correlationId), size, name]);
}

test('after a v0 handshake the PLAIN token goes bare, outside Kafka framing, and a wrong one closes the connection', { timeout: 30_000 }, async () => {
  const broker = await startTestBroker({ sasl: { users: USERS } });
  try {
    for (const [password, accepted] of [['alice-secret', true], ['wrong', false]] as const) {
      const raw = await RawConnection.open(broker.broker.host, broker.broker.port);
      await raw.sendFrame(saslHandshakeV0(1, 'PLAIN'));
      const handshake = (await raw.readFrame(5_000))!;
      assert.equal(handshake.readInt32BE(0), 1, 'correlation id');
      assert.equal(handshake.readInt16BE(4), 0, 'no error');
      await raw.sendFrame(Buffer.from(`\0alice\0${password}`, 'utf8'));
      if (!accepted) {
        assert.equal(await raw.waitClosed(5_000), true, 'a wrong bare token closes the connection');
        continue;
      }
      assert.equal((await raw.readFrame(5_000))!.length, 0, 'PLAIN answers success with an empty token');
      await raw.sendFrame(metadataV1(2, null));
      const metadata = (await raw.readFrame(5_000))!;
      assert.equal(metadata.readInt32BE(0), 2, 'once authenticated, Metadata is answered');
      raw.destroy();
    }
  } finally {
    await broker.close();
  }
});
