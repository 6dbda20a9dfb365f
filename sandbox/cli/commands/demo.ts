/**
 * `medallion demo`: the README's main job. For now it starts the sandbox broker and shows a real
 * Kafka client (kafkajs) using it: create a topic, produce, consume with a consumer group, look up
 * offsets by time. The replay, pipeline, warehouse and inspector steps join it as they land.
 */
import type { Command } from 'commander';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { startBroker } from '../../broker/index';
import { parseIntOption } from '../options';

interface DemoOptions {
  port: number;
  dataDir?: string;
  records: number;
  exitWhenDone: boolean;
}

export function registerDemoCommands(program: Command): void {
  program
    .command('demo')
    .description('start the sandbox and show it working with a real Kafka client')
    .option('--port <port>', 'sandbox port; 0 picks a free one', parseIntOption, 0)
    .option('--data-dir <dir>', 'sandbox data directory (default: a fresh temporary one)')
    .option('--records <n>', 'records to produce and consume', parseIntOption, 10_000)
    .option('--exit-when-done', 'stop the sandbox and exit once the demo has run', false)
    .action((opts: DemoOptions) => runDemo(opts));
}

async function runDemo(opts: DemoOptions): Promise<void> {
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'medallion-demo-'));
  const broker = await startBroker({ port: opts.port, dataDir, logger: { info: () => {}, warn: console.warn, error: console.error } });
  console.log(`sandbox broker: ${broker.bootstrap} (data in ${dataDir})`);
  const kafka = new Kafka({ clientId: 'medallion-demo', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  const topic = `demo.orders.${Date.now()}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
  console.log(`created topic ${topic} with 3 partitions`);

  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  const started = Date.now();
  const batchSize = 1000;
  for (let sent = 0; sent < opts.records; sent += batchSize) {
    const messages = [];
    for (let i = sent; i < Math.min(opts.records, sent + batchSize); i++) {
      messages.push({ key: `order-${i % 97}`, value: JSON.stringify({ orderId: i, amountCents: (i * 37) % 10_000 }), timestamp: String(started + i) });
    }
    await producer.send({ topic, messages, acks: -1 });
  }
  const produceMs = Date.now() - started;
  console.log(`produced ${opts.records} records in ${produceMs} ms (kafkajs, idempotent, acks=all)`);

  const consumer = kafka.consumer({ groupId: `demo-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let consumed = 0;
  const consumeStart = Date.now();
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        consumed += batch.messages.length;
        if (consumed >= opts.records) resolve();
      },
    });
  });
  console.log(`consumed ${consumed} records in ${Date.now() - consumeStart} ms with a consumer group`);
  const offsets = await admin.fetchTopicOffsets(topic);
  console.log(`high watermarks: ${offsets.map((o) => `p${o.partition}=${o.high}`).join(' ')}`);
  const byTime = await admin.fetchTopicOffsetsByTimestamp(topic, started + Math.floor(opts.records / 2));
  console.log(`offsets at the middle timestamp: ${byTime.map((o) => `p${o.partition}=${o.offset}`).join(' ')}`);

  await consumer.disconnect();
  await producer.disconnect();
  await admin.disconnect();
  if (opts.exitWhenDone) {
    await broker.close();
    console.log('demo done');
    return;
  }
  console.log(`the sandbox keeps running at ${broker.bootstrap}; try: kcat -b ${broker.bootstrap} -L   (Ctrl-C to stop)`);
  await new Promise<void>((resolve) => process.once('SIGINT', resolve));
  await broker.close();
}
