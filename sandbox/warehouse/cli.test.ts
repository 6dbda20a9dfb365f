// Black-box tests of `medallion warehouse materialize` and `medallion query` through the real CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { startBroker } from '../broker/index';
import { tempDir } from './test-support';
import { withTimeout } from '../../test/support/timeouts';

// The sources, not bin/medallion.js: that prefers a built bundle in dist/, which may be older.
const cli = path.resolve(__dirname, '..', 'cli', 'main.ts');

/** Runs the CLI without blocking this process's event loop, which serves the broker. */
function medallion(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', cli, ...args], { timeout: 60_000, encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

test('materialize --exit-when-idle, then query in every format, with errors that point into the SQL', { timeout: 120_000 }, async () => {
  const temp = tempDir('cli');
  const broker = await startBroker({ port: 0, dataDir: path.join(temp.dir, 'kafka'), logger: { info() {}, warn() {}, error() {} } });
  try {
    const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, requestTimeout: 5000, connectionTimeout: 5000 });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'cli.bronze', acks: -1, timeout: 5000, messages: [{ value: '{"a":1,"at":"2024-05-01T10:00:00Z"}' }, { value: 'not json' }, { value: '{"a":2}' }] });
    await producer.disconnect();
    const db = path.join(temp.dir, 'w.duckdb');
    const specs = path.join(temp.dir, 'specs.json');
    writeFileSync(specs, JSON.stringify({ 'cli.bronze': { schema: { at: 'timestamp' } } }));

    const materialized = await medallion(['warehouse', 'materialize', '--bootstrap', broker.bootstrap, '--topics', 'cli.bronze', '--db', db, '--specs', specs, '--exit-when-idle', '--timeout', '5000']);
    assert.equal(materialized.code, 0, materialized.stderr);
    assert.match(materialized.stdout, /3 records from 1 topic/);

    const csv = await medallion(['query', '--db', db, '--format', 'csv', 'SELECT _offset, a, "at", _parse_error IS NOT NULL AS bad FROM cli_bronze ORDER BY _offset']);
    assert.equal(csv.code, 0, csv.stderr);
    assert.equal(csv.stdout.trim(), '_offset,a,at,bad\n0,1,2024-05-01T10:00:00.000Z,false\n1,,,true\n2,2,,false');

    const json = await medallion(['query', '--db', db, '--format', 'json', '--limit', '2', 'SELECT _offset FROM cli_bronze ORDER BY _offset']);
    assert.equal(json.code, 0, json.stderr);
    const parsed = JSON.parse(json.stdout) as { rows: unknown[]; truncated: boolean };
    assert.deepEqual([parsed.rows, parsed.truncated], [[[0], [1]], true]);

    const table = await medallion(['query', '--db', db, 'SELECT count(*) AS n FROM cli_bronze']);
    assert.match(table.stdout, /^n\n─+\n3\n1 row in /);

    const bad = await medallion(['query', '--db', db, 'SELECT a\nFROM cli_bronze WHERE nope = 1']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /Binder Error: Referenced column "nope" not found.*\(line 2, column 23\)\n {2}FROM cli_bronze WHERE nope = 1\n {24}\^/);

    const write = await medallion(['query', '--db', db, 'DELETE FROM cli_bronze']);
    assert.equal(write.code, 1);
    assert.match(write.stderr, /Only SELECT and EXPLAIN statements may run here; statement 1 is DELETE/);
  } finally {
    await broker.close();
    temp.remove();
  }
});

test('kill -9 in the middle of materializing, then resume: every record exactly once', { timeout: 120_000 }, async () => {
  const temp = tempDir('cli-kill');
  const broker = await startBroker({ port: 0, dataDir: path.join(temp.dir, 'kafka'), logger: { info() {}, warn() {}, error() {} } });
  const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, requestTimeout: 5000, connectionTimeout: 5000 });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'kill.bronze', numPartitions: 2 }], timeout: 5000 });
    const producer = kafka.producer();
    await producer.connect();
    const total = 60_000;
    for (let start = 0; start < total; start += 10_000) {
      const messages = Array.from({ length: 10_000 }, (_, i) => ({ partition: (start + i) % 2, value: JSON.stringify({ n: start + i, pad: 'x'.repeat(50) }) }));
      await producer.send({ topic: 'kill.bronze', acks: -1, timeout: 10_000, messages });
    }
    await producer.disconnect();
    const db = path.join(temp.dir, 'w.duckdb');
    const args = ['warehouse', 'materialize', '--bootstrap', broker.bootstrap, '--topics', 'kill.bronze', '--db', db, '--timeout', '5000'];

    // Small fetches make many small DuckDB transactions; once one is reported committed, some
    // batches are in the file and others are not: the moment to pull the plug.
    const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args, '--fetch-max-bytes', '65536', '--progress'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const exited = once(child, 'exit');
    const firstCommit = new Promise<number>((resolve, reject) => {
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
        const match = /materialized (\d+) records/.exec(text);
        if (match) resolve(Number(match[1]));
      });
      child.on('exit', () => reject(new Error(`the materializer exited before committing anything: ${text}`)));
    });
    const committed = await withTimeout(firstCommit, 60_000, 'the materializer committed something in time');
    assert.ok(committed > 0 && committed < total, `the materializer was stopped before it finished (${committed} of ${total})`);
    child.kill('SIGKILL');
    await exited;

    const resumed = await medallion([...args, '--exit-when-idle']);
    assert.equal(resumed.code, 0, resumed.stderr);
    const counted = await medallion(['query', '--db', db, '--format', 'csv', 'SELECT count(*), count(DISTINCT n), min(n), max(n) FROM kill_bronze']);
    assert.equal(counted.stdout.trim().split('\n')[1], `${total},${total},0,${total - 1}`);
  } finally {
    await admin.disconnect();
    await broker.close();
    temp.remove();
  }
});
