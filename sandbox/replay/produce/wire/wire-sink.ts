// A lean idempotent Kafka producer for the replayer, over the wire client's cluster connections
// (sandbox/wire/cluster.ts) and the broker's generated codec. It speaks plain Kafka, so it works
// against any cluster without SASL or TLS: it gets a producer id with InitProducerId and produces
// with acks=all, numbering every batch per partition so that a retried request cannot write a
// record twice. Requests are pipelined: `send` encodes and writes its batches at once, in call
// order, and the replayer keeps several sends in flight while it reads on.
import { Cluster, partitionKey, sleep } from '../../../wire/cluster';
import { errorName, isRetriable, KafkaErrorCode } from './kafka-errors';
import { ConnectionError, type SocketFactory } from './kafka-connection';
import { encodeBatch } from './batch-encoder';
import type { OutgoingRecord } from '../outgoing-record';
import type { RecordSink } from '../record-sink';

/** Options of {@link connectWireSink}. */
export interface WireSinkOptions {
  /**
   * host:port of a broker, or several separated by commas.
   * @example '127.0.0.1:9092'
   */
  bootstrap: string;
  /**
   * The client id the broker sees.
   * @default 'medallion-replay'
   */
  clientId?: string;
  /**
   * How long a request may wait for its answer, and a connection to open.
   * @default 30000
   */
  requestTimeoutMs?: number;
  /**
   * Attempts after the first for a batch that failed with a retriable error.
   * @default 8
   */
  retries?: number;
  /**
   * Most bytes in one record batch. Kafka's default `message.max.bytes` is 1 MiB, so larger
   * partition shares are split into several batches, each sent in its own request.
   * @default 1000000
   */
  maxBatchBytes?: number;
  /**
   * Opens the socket to a broker.
   * @default a plain TCP connection
   * @example (host, port) => net.connect({ host, port })
   */
  socketFactory?: SocketFactory;
}

interface PartitionBatch {
  topic: string;
  partition: number;
  bytes: Buffer;
}

interface Failure {
  batch: PartitionBatch;
  code: number;
  message: string;
}

/** Connects to the cluster, agrees on API versions and gets a producer id. */
export async function connectWireSink(options: WireSinkOptions): Promise<RecordSink> {
  const sink = new WireSink(options);
  try {
    await sink.start();
  } catch (error) {
    sink.closeNow();
    throw error;
  }
  return sink;
}

class WireSink implements RecordSink {
  /** Kafka keeps idempotence for at most five unacknowledged requests per partition. */
  readonly maxInFlight = 4;
  private readonly cluster: Cluster;
  private readonly maxBatchBytes: number;
  private readonly sequences = new Map<string, number>();
  private producerId = -1;
  private producerEpoch = -1;

  constructor(options: WireSinkOptions) {
    this.cluster = new Cluster({
      bootstrap: options.bootstrap,
      clientId: options.clientId ?? 'medallion-replay',
      requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
      retries: options.retries ?? 8,
      ...(options.socketFactory ? { socketFactory: options.socketFactory } : {}),
    });
    this.maxBatchBytes = options.maxBatchBytes ?? 1_000_000;
  }

  async start(): Promise<void> {
    await this.cluster.connect();
    const init = await this.cluster.withRetries('InitProducerId', async () => {
      const answer = await this.cluster.sendAny(22, this.cluster.versions.initProducerId, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1 });
      return { code: answer.errorCode, value: answer };
    });
    this.producerId = init.producerId;
    this.producerEpoch = init.producerEpoch;
  }

  partitionsFor(topic: string, createWith: number | undefined): Promise<number> {
    return this.cluster.readyTopic(topic, createWith ?? 1);
  }

  /**
   * Encodes and writes the records' batches now, then resolves once every one is acknowledged by
   * all in-sync replicas. Sequence numbers are taken here, synchronously, so concurrent sends stay
   * in the order they were called.
   */
  send(records: OutgoingRecord[]): Promise<void> {
    // Encoded here, outside the async part, so that the records are not held while waiting.
    let batches: PartitionBatch[];
    try {
      batches = this.encode(records);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return this.sendBatches(batches);
  }

  private async sendBatches(batches: PartitionBatch[]): Promise<void> {
    let pending = batches;
    for (let attempt = 0; ; attempt++) {
      const failures = await this.produceOnce(pending);
      if (failures.length === 0) return;
      const fatal = failures.find((f) => !isRetriable(f.code));
      if (fatal) throw new Error(`producing to ${fatal.batch.topic}/${fatal.batch.partition} failed: ${fatal.message}`);
      if (attempt >= this.cluster.retries) {
        const last = failures[0]!;
        throw new Error(`producing to ${last.batch.topic}/${last.batch.partition} failed after ${attempt + 1} attempts: ${last.message}`);
      }
      await sleep(Math.min(100 * 2 ** attempt, 2_000));
      await this.cluster.refreshMetadata([...new Set(failures.map((f) => f.batch.topic))]).catch(() => undefined);
      pending = failures.map((f) => f.batch);
    }
  }

  async close(): Promise<void> {
    this.closeNow();
  }

  closeNow(): void {
    this.cluster.close();
  }

  /** Splits the records by partition, in order, and into batches of at most `maxBatchBytes`. */
  private encode(records: OutgoingRecord[]): PartitionBatch[] {
    // Grouped by topic, then by partition number: no key string is built per record.
    const byTopic = new Map<string, OutgoingRecord[][]>();
    for (const record of records) {
      let partitions = byTopic.get(record.topic);
      if (!partitions) byTopic.set(record.topic, (partitions = []));
      (partitions[record.partition] ??= []).push(record);
    }
    const now = Date.now();
    const batches: PartitionBatch[] = [];
    for (const [topic, partitions] of byTopic) {
      for (let partition = 0; partition < partitions.length; partition++) {
        const list = partitions[partition];
        if (list === undefined) continue;
        const key = partitionKey(topic, partition);
        let start = 0;
        while (start < list.length) {
          let end = start;
          let bytes = 0;
          // Values dominate a record's size; headers and framing are allowed for with a margin.
          while (end < list.length && (end === start || bytes + list[end]!.value.length + 128 <= this.maxBatchBytes)) {
            bytes += list[end]!.value.length + 128;
            end++;
          }
          const slice = start === 0 && end === list.length ? list : list.slice(start, end);
          const baseSequence = this.sequences.get(key) ?? 0;
          // Sequences are int32 and wrap to 0, as Kafka's do.
          this.sequences.set(key, (baseSequence + slice.length) % 2 ** 31);
          batches.push({ topic, partition, bytes: encodeBatch(slice, { producerId: this.producerId, producerEpoch: this.producerEpoch, baseSequence }, now) });
          start = end;
        }
      }
    }
    return batches;
  }

  /**
   * Sends each batch once to its partition's leader and returns the ones that failed. Kafka takes
   * one batch per partition per request, so the batches go out in rounds: the n-th batch of every
   * partition in the n-th request to its leader, all written at once.
   */
  private async produceOnce(batches: PartitionBatch[]): Promise<Failure[]> {
    const rounds: Map<number, PartitionBatch[]>[] = [];
    const failures: Failure[] = [];
    const round = new Map<string, number>();
    for (const batch of batches) {
      const leader = this.cluster.knownLeader(batch.topic, batch.partition);
      if (leader === undefined) {
        failures.push({ batch, code: KafkaErrorCode.LEADER_NOT_AVAILABLE, message: 'no known leader' });
        continue;
      }
      const key = partitionKey(batch.topic, batch.partition);
      const index = round.get(key) ?? 0;
      round.set(key, index + 1);
      const byLeader = (rounds[index] ??= new Map());
      let list = byLeader.get(leader);
      if (!list) byLeader.set(leader, (list = []));
      list.push(batch);
    }
    const requests: Promise<void>[] = [];
    for (const byLeader of rounds) {
      for (const [leader, list] of byLeader) requests.push(this.produceTo(leader, list, failures));
    }
    await Promise.all(requests);
    return failures;
  }

  private async produceTo(leader: number, batches: PartitionBatch[], failures: Failure[]): Promise<void> {
    const byTopic = new Map<string, { index: number; records: Buffer }[]>();
    for (const batch of batches) {
      let list = byTopic.get(batch.topic);
      if (!list) byTopic.set(batch.topic, (list = []));
      list.push({ index: batch.partition, records: batch.bytes });
    }
    try {
      const answer = await this.cluster.send(leader, 0, this.cluster.versions.produce, {
        transactionalId: null,
        acks: -1,
        timeoutMs: this.cluster.timeoutMs,
        topicData: [...byTopic].map(([name, partitionData]) => ({ name, partitionData })),
      });
      const answered = new Map<string, { errorCode: number; errorMessage?: string | null }>();
      for (const topic of answer.responses) {
        for (const p of topic.partitionResponses) answered.set(partitionKey(topic.name, p.index), p);
      }
      for (const batch of batches) {
        const result = answered.get(partitionKey(batch.topic, batch.partition));
        if (!result) failures.push({ batch, code: KafkaErrorCode.NETWORK_EXCEPTION, message: 'the broker did not answer for this partition' });
        // A duplicate is a retry of a batch the broker already has: it is written, once.
        else if (result.errorCode !== KafkaErrorCode.NONE && result.errorCode !== KafkaErrorCode.DUPLICATE_SEQUENCE_NUMBER) {
          failures.push({ batch, code: result.errorCode, message: errorName(result.errorCode) + (result.errorMessage ? `: ${result.errorMessage}` : '') });
        }
      }
    } catch (error) {
      // The cluster drops a connection that broke; the next attempt opens a new one.
      if (!(error instanceof ConnectionError)) throw error;
      for (const batch of batches) failures.push({ batch, code: KafkaErrorCode.NETWORK_EXCEPTION, message: error.message });
    }
  }
}
