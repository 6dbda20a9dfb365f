// A broker that stopped after a transaction reached PrepareCommit but before its group offsets were
// applied must apply them when it starts again: the commit markers are written on recovery, and
// offsets that stayed behind would make an exactly-once consumer read its inputs twice.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { startTestBroker } from '../../../test/support/in-process-broker';
import { testKafka } from '../../../test/support/kafkajs-client';
import { makeTempDir } from '../../../test/support/temp-dir';

test('group offsets of a transaction persisted in PrepareCommit are applied when the broker restarts', async () => {
  const dir = makeTempDir('medallion-txn-recovery-');
  try {
    // What the coordinator persists right before writing markers: the phase and the staged offsets.
    const committing = {
      'pipeline-task-0': {
        producerId: 7, producerEpoch: 0, phase: 'PrepareCommit', timeoutMs: 60_000, partitions: [], groups: ['g'],
        offsets: [{ groupId: 'g', topic: 'orders', partition: 0, offset: 42, leaderEpoch: -1, metadata: null, commitTimestamp: 1 }],
      },
    };
    writeFileSync(path.join(dir.path, 'transactions.json'), JSON.stringify(committing));
    const broker = await startTestBroker({ dataDir: dir.path, keepData: true });
    try {
      const admin = testKafka(broker.bootstrap).admin();
      await admin.connect();
      try {
        await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 1 }] });
        const [orders] = await admin.fetchOffsets({ groupId: 'g', topics: ['orders'] });
        assert.deepEqual(orders?.partitions.map((p) => [p.partition, p.offset]), [[0, '42']]);
      } finally {
        await admin.disconnect();
      }
    } finally {
      await broker.close();
    }
  } finally {
    dir.remove();
  }
});
