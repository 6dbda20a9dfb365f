// Interleaved aborted transactions, read from offsets inside them. A killed worker leaves exactly
// this: several tasks' transactions open in the same output partitions, each aborted when its task's
// new owner fences it. A read_committed reader must skip every aborted record whatever offset its
// fetch starts at. Our fetcher is checked against librdkafka (confluent-kafka-python) as the oracle.
// kafkajs is not: its filter activates one aborted transaction per record it looks at, so a fetch
// that starts inside two of them lets the second one's records through (from offset 1 below it
// returns B1, from offset 2 it returns B2), which is why the runner's tests read with our fetcher.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import type { Transaction } from 'kafkajs';
import { Fetcher } from '../../sandbox/wire/fetcher';
import { startTestBroker } from '../support/in-process-broker';
import { testKafka } from '../support/kafkajs-client';
import { describeResult, runCommand } from '../support/run-command';

async function readFrom(bootstrap: string, topic: string, offset: number, end: number): Promise<string[]> {
  const fetcher = await Fetcher.connect({ bootstrap, isolation: 'read_committed', maxWaitMs: 20 });
  try {
    fetcher.assign(topic, 0, offset);
    const values: string[] = [];
    while (fetcher.position(topic, 0)! < end) {
      for (const part of await fetcher.fetch()) for (const r of part.records) values.push(r.value ?? '');
    }
    return values;
  } finally {
    fetcher.close();
  }
}

test('aborted transactions that interleave are skipped from every start offset, as librdkafka skips them', { timeout: 120_000 }, async () => {
  const broker = await startTestBroker();
  try {
    const kafka = testKafka(broker.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'interleaved', numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const [a, b, c] = ['A', 'B', 'C'].map((id) => kafka.producer({ transactionalId: `interleaved-${id}`, maxInFlightRequests: 1, idempotent: true }));
    const plain = kafka.producer();
    for (const p of [a!, b!, c!, plain]) await p.connect();
    try {
      const send = async (txn: Transaction, value: string) => txn.send({ topic: 'interleaved', messages: [{ partition: 0, value }] });
      const ta = await a!.transaction();
      const tb = await b!.transaction();
      await send(ta, 'A0');
      await send(tb, 'B1');
      await send(tb, 'B2');
      await send(ta, 'A3');
      const tc = await c!.transaction();
      await send(tc, 'C4');
      await ta.abort();
      await send(tc, 'C6');
      await tb.abort();
      await tc.commit();
      await plain.send({ topic: 'interleaved', messages: [{ partition: 0, value: 'P' }] });
    } finally {
      for (const p of [a!, b!, c!, plain]) await p.disconnect();
    }
    const fetcher = await Fetcher.connect({ bootstrap: broker.bootstrap });
    const end = (await fetcher.endOffsets('interleaved', [0])).get(0)!;
    fetcher.close();
    const starts = Array.from({ length: end }, (_, i) => i);
    const ours: Record<string, string[]> = {};
    for (const offset of starts) ours[offset] = await readFrom(broker.bootstrap, 'interleaved', offset, end);
    assert.deepEqual(ours[0], ['C4', 'C6', 'P'], 'from the start, only the committed transaction and the plain record');

    const script = path.join(__dirname, 'python', 'read_committed_from.py');
    const result = await runCommand('/usr/bin/python3', [script, broker.bootstrap, 'interleaved', ...starts.map(String)], { timeoutMs: 100_000 });
    assert.equal(result.code, 0, `read_committed_from.py: ${describeResult(result)}`);
    const oracle = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Record<string, string[]>;
    assert.deepEqual(ours, oracle, 'our fetcher reads what librdkafka reads, from every offset');
  } finally {
    await broker.close();
  }
});
