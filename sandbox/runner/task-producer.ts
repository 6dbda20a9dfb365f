// How a task writes one commit interval as one Kafka transaction: its checkpoint to its changelog
// partition, its outputs, and the consumed positions (with the changelog's pointing at that
// checkpoint) as the group's offsets. Two implementations: the wire client (sandbox/wire), lean
// and fast, for plain connections; kafkajs for connections that need TLS or SASL, which the wire
// client does not speak.
import { CompressionTypes, type Kafka, type Producer, type TopicMessages } from 'kafkajs';
import { partitionKey, TransactionalProducer } from '../wire/index';
import { HeaderList, type ProducerRecord } from '../wire/batch-builder';
import type { EncodedMessage, OutputMessage } from './output-records';
import type { KafkaConnection } from './run-options';

/** What a commit writes besides the outputs written since the last one. */
export interface CommitContent {
  group: string;
  changelog: { topic: string; partition: number; key: string; value: string };
  /** Further messages by topic (the watermark marks); keyed ones are partitioned as Kafka's default partitioner does. */
  outputs: Map<string, OutputMessage[]>;
  /** The next offset to read of every bronze partition the task owns. */
  positions: { topic: string; partition: number; offset: number }[];
}

export interface TaskProducer {
  /**
   * Adds an output record to the next commit's transaction. The record may be reused by the caller
   * once this returns. Keyed records are partitioned as Kafka's default partitioner does.
   */
  write(topic: string, record: EncodedMessage): void;
  /**
   * Commits everything written since the last commit, plus `content`, in one transaction, or throws
   * having aborted it (a fenced producer cannot abort; its successor does). After a throw the
   * producer must be closed.
   */
  commit(content: CommitContent): Promise<void>;
  close(): Promise<void>;
}

/** True when the data path goes through kafkajs: asked for, or the connection needs TLS or SASL, which only kafkajs speaks here. */
export function needsKafkajs(connection: KafkaConnection): boolean {
  return connection.client === 'kafkajs' || connection.sasl !== undefined || (connection.tls !== undefined && connection.tls !== false);
}

/**
 * Connects a producer for `transactionalId`; once connected, every earlier producer with that id
 * is fenced and what it left open is aborted. `topics` are the output topics, whose partition counts are loaded now.
 */
export async function connectTaskProducer(
  options: { connection: KafkaConnection; kafka: Kafka; transactionalId: string; group: string; changelog: string; topics: string[] },
): Promise<TaskProducer> {
  if (needsKafkajs(options.connection)) return KafkajsTaskProducer.connect(options.kafka, options.transactionalId);
  const producer = await TransactionalProducer.connect({
    bootstrap: options.connection.brokers.join(','), clientId: options.transactionalId, transactionalId: options.transactionalId,
    transactionTimeoutMs: 30_000, requestTimeoutMs: 30_000,
  });
  try {
    producer.compressTopic(options.changelog);
    await producer.prepareTopics(options.topics);
  } catch (error) {
    producer.close();
    throw error;
  }
  return new WireTaskProducer(producer, options.group);
}

class WireTaskProducer implements TaskProducer {
  /**
   * Whether a transaction is open. Outputs are appended to it as they are written, so they sit in
   * record batches (outside the JavaScript heap) rather than as objects until the commit. Opening
   * it is local: the broker hears of it only when the commit sends it.
   */
  private open = false;
  /**
   * True while a commit is on its way to the broker. The task goes on feeding meanwhile, and what
   * it writes belongs to the next transaction: it waits here, copied, until the commit is done.
   */
  private committing = false;
  private deferred: { topic: string; record: ProducerRecord & { headers: HeaderList } }[] = [];

  constructor(private readonly producer: TransactionalProducer, private readonly group: string) {}

  write(topic: string, record: EncodedMessage): void {
    if (this.committing) {
      const headers = new HeaderList();
      for (let i = 0; i < record.headers.length; i++) headers.add(record.headers.names[i]!, record.headers.values[i]!);
      this.deferred.push({ topic, record: { key: record.key, value: record.value, timestamp: record.timestamp, headers } });
      return;
    }
    this.begin();
    this.producer.append(topic, record);
  }

  private begin(): void {
    if (this.open) return;
    this.producer.begin({ offsetsFor: this.group });
    this.open = true;
  }

  async commit({ group, changelog, outputs, positions }: CommitContent): Promise<void> {
    const producer = this.producer;
    if (this.committing) throw new Error('a commit is already on its way');
    try {
      if (group !== this.group) throw new Error(`this producer commits for group ${this.group}, not ${group}`);
      this.begin();
      this.committing = true;
      producer.append(changelog.topic, { key: changelog.key, value: changelog.value }, changelog.partition);
      for (const [topic, messages] of outputs) for (const m of messages) producer.append(topic, m);
      const offsets = await producer.flush();
      const pointer = offsets.get(partitionKey(changelog.topic, changelog.partition));
      if (pointer === undefined) throw new Error(`no offset for the checkpoint in ${changelog.topic}/${changelog.partition}`);
      // The changelog's committed offset is the checkpoint itself (not the one after it): the next
      // owner reads the record at that offset.
      await producer.sendOffsets(group, [...positions, { topic: changelog.topic, partition: changelog.partition, offset: pointer }]);
      await producer.commit();
      this.open = false;
    } catch (error) {
      this.deferred = [];
      if (!producer.fenced) await producer.abort().catch(() => {});
      throw error;
    } finally {
      this.committing = false;
    }
    // What was written during the commit opens the next transaction, in the order it was written,
    // before anything written later.
    const deferred = this.deferred;
    this.deferred = [];
    for (const { topic, record } of deferred) this.write(topic, record as EncodedMessage);
  }

  async close(): Promise<void> {
    this.producer.close();
  }
}

class KafkajsTaskProducer implements TaskProducer {
  /** Outputs written since the last commit, by topic, as kafkajs takes them. */
  private written = new Map<string, OutputMessage[]>();

  private constructor(private readonly producer: Producer) {}

  write(topic: string, record: EncodedMessage): void {
    let list = this.written.get(topic);
    if (list === undefined) this.written.set(topic, (list = []));
    list.push({ key: record.key, value: record.value, timestamp: record.timestamp, headers: record.headers.toObject() });
  }

  static async connect(kafka: Kafka, transactionalId: string): Promise<TaskProducer> {
    const producer = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, transactionTimeout: 30_000 });
    await producer.connect();
    try {
      // kafkajs sends the transactional InitProducerId only when the first transaction begins, not
      // on connect. It must happen before the checkpoint is read: it aborts what an earlier owner
      // left open and fences it, so no commit can land after the checkpoint the task restores from.
      await (await producer.transaction()).abort();
    } catch (error) {
      await producer.disconnect().catch(() => {});
      throw error;
    }
    return new KafkajsTaskProducer(producer);
  }

  async commit({ group, changelog, outputs: marks, positions }: CommitContent): Promise<void> {
    const outputs = this.written;
    this.written = new Map();
    for (const [topic, messages] of marks) outputs.set(topic, [...(outputs.get(topic) ?? []), ...messages]);
    const txn = await this.producer.transaction();
    try {
      const [meta] = await txn.send({
        topic: changelog.topic, compression: CompressionTypes.GZIP,
        messages: [{ key: changelog.key, value: changelog.value, partition: changelog.partition }],
      });
      const pointer = meta?.baseOffset ?? meta?.offset;
      if (pointer === undefined) throw new Error(`no offset for the checkpoint in ${changelog.topic}/${changelog.partition}`);
      const topicMessages: TopicMessages[] = [...outputs].map(([topic, messages]) => ({
        topic,
        messages: messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers, timestamp: m.timestamp === undefined ? undefined : String(m.timestamp) })),
      }));
      await txn.sendBatch({ topicMessages });
      const offsets = new Map<string, { partition: number; offset: string }[]>();
      for (const p of positions) {
        const list = offsets.get(p.topic) ?? [];
        list.push({ partition: p.partition, offset: String(p.offset) });
        offsets.set(p.topic, list);
      }
      offsets.set(changelog.topic, [{ partition: changelog.partition, offset: pointer }]);
      await txn.sendOffsets({ consumerGroupId: group, topics: [...offsets].map(([topic, partitions]) => ({ topic, partitions })) });
      await txn.commit();
    } catch (error) {
      await txn.abort().catch(() => {});
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.producer.disconnect().catch(() => {});
  }
}
