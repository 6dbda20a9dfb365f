// Test support: reads records back from a broker with a kafkajs consumer, as a user's consumer would.
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';

export interface ReadBack {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

/**
 * Reads `expected` records from the topics, from the beginning, with a fresh consumer group, then
 * waits a little longer so that a record beyond the expected ones (a duplicate) would show up too.
 */
export async function readBack(bootstrap: string, topics: string[], expected: number, group: string): Promise<ReadBack[]> {
  const kafka = new Kafka({ clientId: 'replay-test-reader', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: group, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  const records: ReadBack[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${records.length} of ${expected} records before the timeout`)), 30_000);
      void consumer.run({
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) records.push({ topic: batch.topic, partition: batch.partition, message });
          if (records.length >= expected) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
  } finally {
    await consumer.disconnect();
  }
  return records;
}
