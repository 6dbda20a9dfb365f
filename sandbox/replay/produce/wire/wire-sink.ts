// A lean idempotent Kafka producer for the replayer, over raw sockets and the broker's generated
// codec. It speaks plain Kafka, so it works against any cluster without SASL or TLS: it looks up
// partition leaders with Metadata, gets a producer id with InitProducerId, and produces with
// acks=all, numbering every batch per partition so that a retried request cannot write a record
// twice. Requests are pipelined: `send` encodes and writes its batches at once, in call order, and
// the replayer keeps several sends in flight while it reads on.
import { ConnectionError, KafkaConnection, type SocketFactory } from './kafka-connection';
import { encodeBatch } from './batch-encoder';
import { errorName, isRetriable, KafkaErrorCode } from './kafka-errors';
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

interface Broker {
  host: string;
  port: number;
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

/** The API versions this client can speak, highest preferred; each is narrowed by what the broker offers. */
const WANTED = {
  produce: { key: 0, min: 3, max: 7 },
  metadata: { key: 3, min: 1, max: 9 },
  createTopics: { key: 19, min: 2, max: 7 },
  initProducerId: { key: 22, min: 0, max: 4 },
} as const;

type Versions = Record<keyof typeof WANTED, number>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function parseBootstrap(bootstrap: string): Broker[] {
  return bootstrap.split(',').map((entry) => {
    const trimmed = entry.trim();
    const colon = trimmed.lastIndexOf(':');
    const port = Number(trimmed.slice(colon + 1));
    if (colon <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`not a host:port: ${trimmed}`);
    return { host: trimmed.slice(0, colon).replace(/^\[|\]$/g, ''), port };
  });
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
  private readonly clientId: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly maxBatchBytes: number;
  private readonly bootstrap: Broker[];
  private readonly socketFactory: SocketFactory | undefined;
  private versions: Versions = { produce: 3, metadata: 1, createTopics: 2, initProducerId: 0 };
  private brokers = new Map<number, Broker>();
  private controllerId = -1;
  private readonly leaders = new Map<string, number>();
  private readonly partitionCounts = new Map<string, number>();
  private readonly connections = new Map<string, Promise<KafkaConnection>>();
  private readonly sequences = new Map<string, number>();
  private producerId = -1;
  private producerEpoch = -1;

  constructor(options: WireSinkOptions) {
    this.clientId = options.clientId ?? 'medallion-replay';
    this.timeoutMs = options.requestTimeoutMs ?? 30_000;
    this.retries = options.retries ?? 8;
    this.maxBatchBytes = options.maxBatchBytes ?? 1_000_000;
    this.bootstrap = parseBootstrap(options.bootstrap);
    this.socketFactory = options.socketFactory;
  }

  async start(): Promise<void> {
    const connection = await this.anyConnection();
    const offered = await connection.request(18, 0, { clientSoftwareName: '', clientSoftwareVersion: '' });
    if (offered.errorCode !== 0) throw new Error(`ApiVersions failed: ${errorName(offered.errorCode)}`);
    const versions = {} as Versions;
    for (const [name, wanted] of Object.entries(WANTED) as [keyof Versions, (typeof WANTED)[keyof Versions]][]) {
      const range = offered.apiKeys.find((k) => k.apiKey === wanted.key);
      const version = range ? Math.min(wanted.max, range.maxVersion) : -1;
      if (!range || version < Math.max(wanted.min, range.minVersion)) throw new Error(`the broker does not offer ${name} versions ${wanted.min}–${wanted.max}`);
      versions[name] = version;
    }
    this.versions = versions;
    await this.refreshMetadata([]);
    const init = await this.withRetries('InitProducerId', async () => {
      const answer = await (await this.anyConnection()).request(22, this.versions.initProducerId, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1 });
      return { code: answer.errorCode, value: answer };
    });
    this.producerId = init.producerId;
    this.producerEpoch = init.producerEpoch;
  }

  async partitionsFor(topic: string, createWith: number | undefined): Promise<number> {
    const known = this.partitionCounts.get(topic);
    if (known !== undefined) return known;
    let missing = await this.refreshMetadata([topic]);
    if (missing.includes(topic)) await this.createTopic(topic, createWith ?? 1);
    // A new topic, or one whose leaders are being elected, is ready once every partition has one.
    for (let attempt = 0; attempt < 40 && missing.includes(topic); attempt++) {
      await sleep(Math.min(20 * 2 ** attempt, 500));
      missing = await this.refreshMetadata([topic]);
    }
    const count = this.partitionCounts.get(topic);
    if (count === undefined || count < 1) throw new Error(`topic ${topic} has no partitions, or partitions without a leader`);
    return count;
  }

  /**
   * Encodes and writes the records' batches now, then resolves once every one is acknowledged by
   * all in-sync replicas. Sequence numbers are taken here, synchronously, so concurrent sends stay
   * in the order they were called.
   */
  async send(records: OutgoingRecord[]): Promise<void> {
    const batches = this.encode(records);
    let pending = batches;
    for (let attempt = 0; ; attempt++) {
      const failures = await this.produceOnce(pending);
      if (failures.length === 0) return;
      const fatal = failures.find((f) => !isRetriable(f.code));
      if (fatal) throw new Error(`producing to ${fatal.batch.topic}/${fatal.batch.partition} failed: ${fatal.message}`);
      if (attempt >= this.retries) {
        const last = failures[0]!;
        throw new Error(`producing to ${last.batch.topic}/${last.batch.partition} failed after ${attempt + 1} attempts: ${last.message}`);
      }
      await sleep(Math.min(100 * 2 ** attempt, 2_000));
      await this.refreshMetadata([...new Set(failures.map((f) => f.batch.topic))]).catch(() => undefined);
      pending = failures.map((f) => f.batch);
    }
  }

  async close(): Promise<void> {
    this.closeNow();
  }

  closeNow(): void {
    for (const connection of this.connections.values()) void connection.then((c) => c.close(), () => undefined);
    this.connections.clear();
  }

  /** Splits the records by partition, in order, and into batches of at most `maxBatchBytes`. */
  private encode(records: OutgoingRecord[]): PartitionBatch[] {
    const byPartition = new Map<string, OutgoingRecord[]>();
    for (const record of records) {
      const key = `${record.topic}\u0000${record.partition}`;
      let list = byPartition.get(key);
      if (!list) byPartition.set(key, (list = []));
      list.push(record);
    }
    const now = Date.now();
    const batches: PartitionBatch[] = [];
    for (const [key, list] of byPartition) {
      const { topic, partition } = list[0]!;
      let start = 0;
      while (start < list.length) {
        let end = start;
        let bytes = 0;
        // Values dominate a record's size; headers and framing are allowed for with a margin.
        while (end < list.length && (end === start || bytes + list[end]!.value.length + 128 <= this.maxBatchBytes)) {
          bytes += list[end]!.value.length + 128;
          end++;
        }
        const slice = list.slice(start, end);
        const baseSequence = this.sequences.get(key) ?? 0;
        // Sequences are int32 and wrap to 0, as Kafka's do.
        this.sequences.set(key, (baseSequence + slice.length) % 2 ** 31);
        batches.push({ topic, partition, bytes: encodeBatch(slice, { producerId: this.producerId, producerEpoch: this.producerEpoch, baseSequence }, now) });
        start = end;
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
      const leader = this.leaders.get(`${batch.topic}\u0000${batch.partition}`);
      if (leader === undefined || !this.brokers.has(leader)) {
        failures.push({ batch, code: KafkaErrorCode.LEADER_NOT_AVAILABLE, message: 'no known leader' });
        continue;
      }
      const key = `${batch.topic}\u0000${batch.partition}`;
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
    let connection: KafkaConnection;
    try {
      connection = await this.connectionTo(leader);
    } catch (error) {
      for (const batch of batches) failures.push({ batch, code: KafkaErrorCode.NETWORK_EXCEPTION, message: (error as Error).message });
      return;
    }
    try {
      const answer = await connection.request(0, this.versions.produce, {
        transactionalId: null,
        acks: -1,
        timeoutMs: this.timeoutMs,
        topicData: [...byTopic].map(([name, partitionData]) => ({ name, partitionData })),
      });
      const answered = new Map<string, { errorCode: number; errorMessage?: string | null }>();
      for (const topic of answer.responses) {
        for (const p of topic.partitionResponses) answered.set(`${topic.name}\u0000${p.index}`, p);
      }
      for (const batch of batches) {
        const result = answered.get(`${batch.topic}\u0000${batch.partition}`);
        if (!result) failures.push({ batch, code: KafkaErrorCode.NETWORK_EXCEPTION, message: 'the broker did not answer for this partition' });
        // A duplicate is a retry of a batch the broker already has: it is written, once.
        else if (result.errorCode !== KafkaErrorCode.NONE && result.errorCode !== KafkaErrorCode.DUPLICATE_SEQUENCE_NUMBER) {
          failures.push({ batch, code: result.errorCode, message: errorName(result.errorCode) + (result.errorMessage ? `: ${result.errorMessage}` : '') });
        }
      }
    } catch (error) {
      if (!(error instanceof ConnectionError)) throw error;
      this.dropConnection(leader);
      for (const batch of batches) failures.push({ batch, code: KafkaErrorCode.NETWORK_EXCEPTION, message: error.message });
    }
  }

  /**
   * Refreshes brokers and leaders for `topics` (none: brokers only) and returns the topics that are
   * not ready: missing, or with a partition that has no leader yet.
   */
  private async refreshMetadata(topics: string[]): Promise<string[]> {
    const answer = await this.withRetries('Metadata', async () => {
      const value = await (await this.anyConnection()).request(3, this.versions.metadata, {
        topics: topics.map((name) => ({ name, topicId: '00000000000000000000000000000000' })),
        allowAutoTopicCreation: false,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      });
      return { code: KafkaErrorCode.NONE, value };
    });
    this.brokers = new Map(answer.brokers.map((b) => [b.nodeId, { host: b.host, port: b.port }]));
    this.controllerId = answer.controllerId ?? -1;
    const missing: string[] = [];
    for (const topic of answer.topics) {
      if (topic.name === null) continue;
      if (topic.errorCode === KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
        missing.push(topic.name);
        continue;
      }
      if (topic.errorCode !== KafkaErrorCode.NONE && !isRetriable(topic.errorCode)) throw new Error(`metadata for ${topic.name}: ${errorName(topic.errorCode)}`);
      const led = topic.partitions.filter((p) => p.leaderId >= 0);
      for (const p of led) this.leaders.set(`${topic.name}\u0000${p.partitionIndex}`, p.leaderId);
      if (topic.errorCode !== KafkaErrorCode.NONE || topic.partitions.length === 0 || led.length < topic.partitions.length) {
        missing.push(topic.name);
        continue;
      }
      this.partitionCounts.set(topic.name, topic.partitions.length);
    }
    return missing;
  }

  private async createTopic(topic: string, partitions: number): Promise<void> {
    await this.withRetries('CreateTopics', async () => {
      const controller = this.brokers.has(this.controllerId) ? await this.connectionTo(this.controllerId) : await this.anyConnection();
      const answer = await controller.request(19, this.versions.createTopics, {
        // Replication factor -1 (the broker's default) needs v4; before it, 1 is the safe choice.
        topics: [{ name: topic, numPartitions: partitions, replicationFactor: this.versions.createTopics >= 4 ? -1 : 1, assignments: [], configs: [] }],
        timeoutMs: this.timeoutMs,
        validateOnly: false,
      });
      const result = answer.topics.find((t) => t.name === topic);
      const code = result?.errorCode ?? KafkaErrorCode.NONE;
      if (code === KafkaErrorCode.NOT_CONTROLLER) await this.refreshMetadata([]);
      return { code: code === KafkaErrorCode.TOPIC_ALREADY_EXISTS ? KafkaErrorCode.NONE : code, value: undefined, message: result?.errorMessage };
    });
  }

  /** Runs a request until it succeeds, retrying retriable errors and lost connections. */
  private async withRetries<T>(what: string, attempt: () => Promise<{ code: number; value: T; message?: string | null }>): Promise<T> {
    for (let n = 0; ; n++) {
      let code: number;
      let message: string;
      try {
        const result = await attempt();
        if (result.code === KafkaErrorCode.NONE) return result.value;
        code = result.code;
        message = errorName(code) + (result.message ? `: ${result.message}` : '');
      } catch (error) {
        if (!(error instanceof ConnectionError)) throw error;
        code = KafkaErrorCode.NETWORK_EXCEPTION;
        message = error.message;
      }
      if (!isRetriable(code) || n >= this.retries) throw new Error(`${what} failed: ${message}`);
      await sleep(Math.min(100 * 2 ** n, 2_000));
    }
  }

  /** A connection to any live broker: a known one first, else the bootstrap addresses in turn. */
  private async anyConnection(): Promise<KafkaConnection> {
    const candidates = [...[...this.brokers.values()], ...this.bootstrap];
    let lastError: Error | undefined;
    for (const broker of candidates) {
      try {
        return await this.connectionAt(broker);
      } catch (error) {
        lastError = error as Error;
      }
    }
    throw lastError ?? new ConnectionError('no brokers to connect to');
  }

  private connectionTo(nodeId: number): Promise<KafkaConnection> {
    const broker = this.brokers.get(nodeId);
    if (!broker) return Promise.reject(new ConnectionError(`broker ${nodeId} is not in the metadata`));
    return this.connectionAt(broker);
  }

  /** One connection per address, shared; a broken one is replaced on the next use. */
  private connectionAt(broker: Broker): Promise<KafkaConnection> {
    const address = `${broker.host}:${broker.port}`;
    const existing = this.connections.get(address);
    if (existing) {
      return existing.then((c) => {
        if (!c.broken) return c;
        if (this.connections.get(address) === existing) this.connections.delete(address);
        return this.connectionAt(broker);
      });
    }
    const opening = KafkaConnection.open(broker.host, broker.port, { clientId: this.clientId, connectTimeoutMs: this.timeoutMs, requestTimeoutMs: this.timeoutMs, ...(this.socketFactory ? { socketFactory: this.socketFactory } : {}) });
    this.connections.set(address, opening);
    opening.catch(() => {
      if (this.connections.get(address) === opening) this.connections.delete(address);
    });
    return opening;
  }

  private dropConnection(nodeId: number): void {
    const broker = this.brokers.get(nodeId);
    if (broker) this.connections.delete(`${broker.host}:${broker.port}`);
  }
}
