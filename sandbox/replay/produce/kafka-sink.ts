// Produces replayed records with kafkajs: an idempotent producer (so a retried request cannot
// write a record twice), acks from all in-sync replicas, and whole batches per request.
import { Kafka, logLevel, type Message, type TopicMessages } from 'kafkajs';
import { kafkajsSecurity, type SaslCredentials, type TlsOption } from '../../wire/kafka-security';
import type { RecordSink } from './record-sink';

/** Options of {@link connectKafkaSink}. */
export interface KafkaSinkOptions {
  /**
   * host:port of a broker, or several separated by commas.
   * @default '127.0.0.1:9092'
   * @example 'localhost:19092'
   */
  bootstrap: string;
  /**
   * The client id the broker sees.
   * @default 'medallion-replay'
   * @example 'medallion-replay-ci'
   */
  clientId?: string;
  /**
   * SASL credentials for a secured cluster.
   * @default none
   * @example { mechanism: 'scram-sha-512', username: 'replayer', password: 'secret' }
   */
  sasl?: SaslCredentials;
  /**
   * TLS: true for the system's trusted CAs, or a CA certificate in PEM to trust instead.
   * @default false
   */
  tls?: TlsOption;
}

/** Connects a producer and an admin client to the cluster. */
export async function connectKafkaSink(options: KafkaSinkOptions): Promise<RecordSink> {
  const kafka = new Kafka({
    clientId: options.clientId ?? 'medallion-replay',
    brokers: options.bootstrap.split(',').map((b) => b.trim()),
    logLevel: logLevel.ERROR,
    retry: { retries: 5 },
    ...kafkajsSecurity(options),
  });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  const admin = kafka.admin();
  await Promise.all([producer.connect(), admin.connect()]);
  const partitionCounts = new Map<string, number>();
  return {
    async partitionsFor(topic, createWith) {
      const known = partitionCounts.get(topic);
      if (known !== undefined) return known;
      if (!(await admin.listTopics()).includes(topic)) {
        await admin.createTopics({ topics: [{ topic, numPartitions: createWith ?? 1 }], waitForLeaders: true });
      }
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      const count = metadata.topics[0]?.partitions.length ?? 0;
      if (count < 1) throw new Error(`topic ${topic} has no partitions`);
      partitionCounts.set(topic, count);
      return count;
    },
    async send(records) {
      const byTopic = new Map<string, Message[]>();
      for (const record of records) {
        let messages = byTopic.get(record.topic);
        if (!messages) byTopic.set(record.topic, (messages = []));
        messages.push({
          key: record.key,
          value: record.value,
          partition: record.partition,
          headers: record.headers,
          ...(record.timestamp !== undefined ? { timestamp: String(record.timestamp) } : {}),
        });
      }
      const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
      await producer.sendBatch({ acks: -1, topicMessages });
    },
    async close() {
      await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
    },
  };
}
