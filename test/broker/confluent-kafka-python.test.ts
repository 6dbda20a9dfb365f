/**
 * librdkafka 2.0 through Debian's python3-confluent-kafka 1.7: admin topic creation, idempotent
 * produce with keys and headers, and a consumer group with synchronous commits handing over to a
 * second consumer.
 */
import { after, before, test } from 'node:test';
import { startTestBroker, type TestBroker } from '../support/in-process-broker';
import { uniqueGroup, uniqueTopic } from '../support/topic-names';
import { assertRoundTrip, runPythonRoundTrip } from './fixtures/python-roundtrip';

let env: TestBroker;

before(async () => {
  env = await startTestBroker();
});

after(async () => {
  await env.close();
});

test('confluent-kafka-python produces, consumes in a group, commits, and a second consumer resumes', { timeout: 120_000 }, async () => {
  const count = 300;
  const report = await runPythonRoundTrip('confluent_roundtrip.py', env.bootstrap, uniqueTopic('confluent'), uniqueGroup('confluent'), count);
  assertRoundTrip(report, count);
});
