/**
 * kafka-python 2.0.2 (Debian's python3-kafka): admin topic creation, acks=all produce
 * with keys and headers, and a consumer group with synchronous commits handing over to a
 * second consumer; and its admin client on topics, configs and groups.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startTestBroker, type TestBroker } from '../support/in-process-broker';
import { describeResult, runCommand } from '../support/run-command';
import { uniqueGroup, uniqueTopic } from '../support/topic-names';
import { assertRoundTrip, runPythonRoundTrip } from './fixtures/python-roundtrip';

let env: TestBroker;

before(async () => {
  env = await startTestBroker();
});

after(async () => {
  await env.close();
});

test('kafka-python produces, consumes in a group, commits, and a second consumer resumes', { timeout: 120_000 }, async () => {
  const count = 300;
  const report = await runPythonRoundTrip('kafka_python_roundtrip.py', env.bootstrap, uniqueTopic('kafka-python'), uniqueGroup('kafka-python'), count);
  assertRoundTrip(report, count);
});

test('kafka-python admin: configs, groups, committed offsets, deleting the group and the topic', { timeout: 120_000 }, async () => {
  const script = path.join(__dirname, 'python', 'kafka_python_admin.py');
  const topic = uniqueTopic('kafka-python-admin');
  const group = uniqueGroup('kafka-python-admin');
  const result = await runCommand('/usr/bin/python3', [script, env.bootstrap, topic, group], { timeoutMs: 90_000 });
  assert.equal(result.code, 0, `kafka_python_admin.py: ${describeResult(result)}`);
  const report = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as {
    config: Record<string, string>;
    consumed: number;
    groups: [string, string][];
    groupState: string;
    groupMembers: number;
    offsets: Record<string, number>;
    deletedGroups: [string, string][];
    topicStillListed: boolean;
  };
  assert.equal(report.config['retention.ms'], '12345');
  assert.equal(report.consumed, 10);
  assert.ok(report.groups.some(([g, type]) => g === group && type === 'consumer'), `groups listed: ${JSON.stringify(report.groups)}`);
  assert.equal(report.groupState, 'Stable');
  assert.equal(report.groupMembers, 1);
  assert.equal(Object.values(report.offsets).reduce((a, b) => a + b, 0), 10, 'the committed offsets cover the ten records');
  assert.deepEqual(report.deletedGroups, [[group, 'NoError']]);
  assert.equal(report.topicStillListed, false);
});
