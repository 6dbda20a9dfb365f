/**
 * kafkajs clients configured for tests: quiet, few retries and short timeouts, so a broker bug fails
 * a test in seconds with the client's own error rather than after kafkajs's minutes of retrying.
 */
import { Kafka, logLevel, type Consumer, type KafkaMessage, type ConsumerConfig } from 'kafkajs';
import { withTimeout } from './timeouts';

export function testKafka(bootstrap: string, clientId = 'medallion-test'): Kafka {
  return new Kafka({
    clientId,
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1_000 },
  });
}

export interface ConsumedMessage {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

/**
 * Reads `count` messages from the start of `topic` with a new group and disconnects. Fails after
 * `timeoutMs`, reporting how many arrived, rather than waiting for messages that never come.
 */
export async function consumeMessages(
  kafka: Kafka,
  options: { topic: string; groupId: string; count: number; timeoutMs?: number; consumer?: Partial<ConsumerConfig> },
): Promise<ConsumedMessage[]> {
  const consumer: Consumer = kafka.consumer({
    groupId: options.groupId,
    sessionTimeout: 10_000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 200,
    ...options.consumer,
  });
  const received: ConsumedMessage[] = [];
  try {
    await withTimeout(consumer.connect(), 10_000, 'consumer connect');
    await withTimeout(consumer.subscribe({ topic: options.topic, fromBeginning: true }), 10_000, 'consumer subscribe');
    let done!: () => void;
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    if (options.count === 0) done();
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        received.push({ topic, partition, message });
        if (received.length >= options.count) done();
      },
    });
    await withTimeout(finished, options.timeoutMs ?? 20_000, `consuming ${options.count} messages from ${options.topic}`).catch(
      (error: unknown) => {
        throw new Error(`${(error as Error).message}; received so far: ${received.length}`);
      },
    );
  } finally {
    await withTimeout(consumer.disconnect(), 10_000, 'consumer disconnect').catch(() => undefined);
  }
  return received;
}
