// What every part of the wire client shares: the bootstrap addresses, one pipelined connection per
// broker, the API versions agreed with the cluster, partition leaders from Metadata, and lookups of
// group and transaction coordinators. Requests that fail with a retriable error or a lost
// connection are retried here with backoff; everything else is thrown as a KafkaProtocolError.
import type { ApiKey, ApiMessages } from '../broker/codec/index';
import { ConnectionError, KafkaConnection, type SocketFactory } from '../replay/produce/wire/kafka-connection';
import { COORDINATOR_MOVED, ErrorCode, errorName, isRetriable, KafkaProtocolError, protocolError } from './errors';

/** Options every wire client takes. */
export interface ClusterOptions {
  /**
   * host:port of a broker, or several separated by commas.
   * @example '127.0.0.1:9092'
   */
  bootstrap: string;
  /**
   * The client id the broker sees.
   * @default 'medallion-wire'
   */
  clientId?: string;
  /**
   * How long a request may wait for its answer, and a connection to open.
   * @default 30000
   */
  requestTimeoutMs?: number;
  /**
   * Attempts after the first for a request that failed with a retriable error.
   * @default 8
   */
  retries?: number;
  /**
   * Opens the socket to a broker; plain TCP unless given (this client does no TLS or SASL).
   * @default (host, port) => net.connect({ host, port })
   */
  socketFactory?: SocketFactory;
}

export interface BrokerAddress {
  host: string;
  port: number;
}

/** The API versions this client speaks, highest preferred, each narrowed by what the cluster offers. */
const WANTED = {
  produce: { key: 0, min: 3, max: 9 },
  fetch: { key: 1, min: 4, max: 11 },
  listOffsets: { key: 2, min: 2, max: 7 },
  metadata: { key: 3, min: 1, max: 9 },
  createTopics: { key: 19, min: 2, max: 7 },
  findCoordinator: { key: 10, min: 1, max: 3 },
  initProducerId: { key: 22, min: 0, max: 4 },
  addPartitionsToTxn: { key: 24, min: 0, max: 3 },
  addOffsetsToTxn: { key: 25, min: 0, max: 3 },
  endTxn: { key: 26, min: 0, max: 3 },
  txnOffsetCommit: { key: 28, min: 0, max: 3 },
} as const;

export type ApiVersions = Record<keyof typeof WANTED, number>;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Backoff before retry `attempt` (0-based): 50 ms doubling, at most 1 s. */
export const backoff = (attempt: number): number => Math.min(50 * 2 ** attempt, 1_000);

export function parseBootstrap(bootstrap: string): BrokerAddress[] {
  const entries = bootstrap.split(',').map((e) => e.trim()).filter((e) => e.length > 0);
  if (entries.length === 0) throw new Error('no bootstrap servers given');
  return entries.map((entry) => {
    const colon = entry.lastIndexOf(':');
    const port = Number(entry.slice(colon + 1));
    if (colon <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`not a host:port: ${entry}`);
    return { host: entry.slice(0, colon).replace(/^\[|\]$/g, ''), port };
  });
}

/** A key for maps of partitions. */
export const partitionKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

export class Cluster {
  readonly clientId: string;
  readonly timeoutMs: number;
  readonly retries: number;
  versions!: ApiVersions;
  private readonly bootstrap: BrokerAddress[];
  private readonly socketFactory: SocketFactory | undefined;
  private brokers = new Map<number, BrokerAddress>();
  private controllerId = -1;
  private readonly leaders = new Map<string, number>();
  private readonly partitionCounts = new Map<string, number>();
  private readonly connections = new Map<string, Promise<KafkaConnection>>();
  private closed = false;

  constructor(options: ClusterOptions) {
    this.clientId = options.clientId ?? 'medallion-wire';
    this.timeoutMs = options.requestTimeoutMs ?? 30_000;
    this.retries = options.retries ?? 8;
    this.bootstrap = parseBootstrap(options.bootstrap);
    this.socketFactory = options.socketFactory;
  }

  /** Agrees on API versions and learns the brokers. */
  async connect(): Promise<void> {
    const offered = await this.withRetries('ApiVersions', async () => {
      const answer = await (await this.anyConnection()).request(18, 0, { clientSoftwareName: '', clientSoftwareVersion: '' });
      return { code: answer.errorCode, value: answer };
    });
    const versions = {} as ApiVersions;
    for (const [name, wanted] of Object.entries(WANTED) as [keyof ApiVersions, (typeof WANTED)[keyof ApiVersions]][]) {
      const range = offered.apiKeys.find((k) => k.apiKey === wanted.key);
      const version = range ? Math.min(wanted.max, range.maxVersion) : -1;
      if (!range || version < Math.max(wanted.min, range.minVersion)) throw new Error(`the broker does not offer ${name} (API ${wanted.key}) versions ${wanted.min}–${wanted.max}`);
      versions[name] = version;
    }
    this.versions = versions;
    await this.refreshMetadata([]);
  }

  /** The number of partitions of `topic`, from metadata; throws when the topic does not exist. */
  async partitionCount(topic: string): Promise<number> {
    const known = this.partitionCounts.get(topic);
    if (known !== undefined) return known;
    const missing = await this.refreshMetadata([topic]);
    const count = this.partitionCounts.get(topic);
    if (missing.includes(topic) || count === undefined) throw new KafkaProtocolError(`Metadata for ${topic}`, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    return count;
  }

  /** The partition count of a topic whose metadata has been loaded, else undefined. */
  knownPartitionCount(topic: string): number | undefined {
    return this.partitionCounts.get(topic);
  }

  /** The leader's node id of a partition as last seen in metadata, if that broker is known. */
  knownLeader(topic: string, partition: number): number | undefined {
    const leader = this.leaders.get(partitionKey(topic, partition));
    return leader !== undefined && this.brokers.has(leader) ? leader : undefined;
  }

  /**
   * The partition count of `topic` once every partition has a leader, creating the topic with
   * `createWith` partitions when it is missing (the broker's default replication); without
   * `createWith` a missing topic is an error.
   */
  async readyTopic(topic: string, createWith?: number): Promise<number> {
    const ready = (): boolean => {
      const count = this.partitionCounts.get(topic);
      if (count === undefined || count < 1) return false;
      for (let p = 0; p < count; p++) if (this.knownLeader(topic, p) === undefined) return false;
      return true;
    };
    if (ready()) return this.partitionCounts.get(topic)!;
    const missing = await this.refreshMetadata([topic]);
    if (missing.includes(topic)) {
      if (createWith === undefined) throw new KafkaProtocolError(`Metadata for ${topic}`, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      await this.createTopic(topic, createWith);
    }
    // A new topic, or one whose leaders are being elected, is ready once every partition has one.
    for (let attempt = 0; attempt < 40 && !ready(); attempt++) {
      await sleep(Math.min(20 * 2 ** attempt, 500));
      await this.refreshMetadata([topic]);
    }
    if (!ready()) throw new Error(`topic ${topic} has no partitions, or partitions without a leader`);
    return this.partitionCounts.get(topic)!;
  }

  /** Creates a topic on the controller; one that exists already counts as created. */
  async createTopic(topic: string, partitions: number): Promise<void> {
    await this.withRetries(`CreateTopics for ${topic}`, async () => {
      const controller = this.brokers.has(this.controllerId) ? await this.connectionTo(this.controllerId) : await this.anyConnection();
      const answer = await controller.request(19, this.versions.createTopics, {
        // Replication factor -1 (the broker's default) needs v4; before it, 1 is the safe choice.
        topics: [{ name: topic, numPartitions: partitions, replicationFactor: this.versions.createTopics >= 4 ? -1 : 1, assignments: [], configs: [] }],
        timeoutMs: this.timeoutMs,
        validateOnly: false,
      });
      const result = answer.topics.find((t) => t.name === topic);
      const code = result?.errorCode ?? ErrorCode.NONE;
      if (code === ErrorCode.NOT_CONTROLLER) await this.refreshMetadata([]);
      return { code: code === ErrorCode.TOPIC_ALREADY_EXISTS ? ErrorCode.NONE : code, value: undefined, message: result?.errorMessage };
    });
  }

  /** The leader's node id of a partition, refreshing metadata when it is not known. */
  async leaderOf(topic: string, partition: number): Promise<number> {
    const key = partitionKey(topic, partition);
    let leader = this.leaders.get(key);
    if (leader === undefined || !this.brokers.has(leader)) {
      await this.refreshMetadata([topic]);
      leader = this.leaders.get(key);
    }
    if (leader === undefined || !this.brokers.has(leader)) throw new KafkaProtocolError(`finding the leader of ${topic}/${partition}`, ErrorCode.LEADER_NOT_AVAILABLE);
    return leader;
  }

  /** Forgets leaders so the next request looks them up again (after NOT_LEADER_OR_FOLLOWER and the like). */
  forgetLeaders(topics: Iterable<string>): void {
    const names = new Set(topics);
    for (const key of [...this.leaders.keys()]) if (names.has(key.slice(0, key.indexOf('\u0000')))) this.leaders.delete(key);
  }

  /** Every topic the cluster has, with its partition count; refreshes brokers and leaders on the way. */
  async listTopics(): Promise<Map<string, number>> {
    // Null topics (Metadata v1+) asks for all of them.
    const answer = await this.metadata(null);
    const topics = new Map<string, number>();
    for (const topic of answer.topics) {
      if (topic.name !== null && topic.errorCode === ErrorCode.NONE && topic.partitions.length > 0) topics.set(topic.name, topic.partitions.length);
    }
    return topics;
  }

  /** Refreshes brokers and leaders for `topics` (none: brokers only); returns the topics that do not exist. */
  async refreshMetadata(topics: string[]): Promise<string[]> {
    const answer = await this.metadata(topics);
    const missing: string[] = [];
    for (const topic of answer.topics) {
      if (topic.name === null) continue;
      if (topic.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) missing.push(topic.name);
      else if (topic.errorCode !== ErrorCode.NONE && !isRetriable(topic.errorCode)) throw protocolError(`Metadata for ${topic.name}`, topic.errorCode);
    }
    return missing;
  }

  /** One Metadata request (null: every topic), whose brokers, controller, partition counts and leaders are kept. */
  private async metadata(topics: string[] | null): Promise<ApiMessages[3]['response']> {
    const answer = await this.withRetries('Metadata', async () => {
      const value = await (await this.anyConnection()).request(3, this.versions.metadata, {
        topics: topics === null ? null : topics.map((name) => ({ name, topicId: '00000000000000000000000000000000' })),
        allowAutoTopicCreation: false,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      });
      return { code: ErrorCode.NONE, value };
    });
    this.brokers = new Map(answer.brokers.map((b) => [b.nodeId, { host: b.host, port: b.port }]));
    this.controllerId = answer.controllerId ?? -1;
    for (const topic of answer.topics) {
      if (topic.name === null || topic.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) continue;
      if (topic.partitions.length > 0) this.partitionCounts.set(topic.name, topic.partitions.length);
      for (const p of topic.partitions) if (p.leaderId >= 0) this.leaders.set(partitionKey(topic.name, p.partitionIndex), p.leaderId);
    }
    return answer;
  }

  /** The node id of the coordinator of a group (keyType 0) or a transactional id (keyType 1). */
  async findCoordinator(key: string, keyType: 0 | 1): Promise<number> {
    const what = keyType === 0 ? `group ${key}` : `transactional id ${key}`;
    return this.withRetries(`FindCoordinator for ${what}`, async () => {
      const answer = await (await this.anyConnection()).request(10, this.versions.findCoordinator, { key, keyType, coordinatorKeys: [] });
      const code = answer.errorCode ?? ErrorCode.NONE;
      if (code === ErrorCode.NONE && answer.nodeId !== undefined && answer.host !== undefined && answer.port !== undefined) {
        this.brokers.set(answer.nodeId, { host: answer.host, port: answer.port });
      }
      return { code, value: answer.nodeId ?? -1, message: answer.errorMessage };
    });
  }

  /** Sends a request to a node and returns the decoded answer; a lost connection is a ConnectionError. */
  async send<K extends ApiKey>(nodeId: number, apiKey: K, version: number, body: ApiMessages[K]['request']): Promise<ApiMessages[K]['response']> {
    const connection = await this.connectionTo(nodeId);
    try {
      return await connection.request(apiKey, version, body);
    } catch (error) {
      if (error instanceof ConnectionError) this.dropConnection(nodeId);
      throw error;
    }
  }

  /** Sends a request to whichever broker is reachable first, for requests any broker answers. */
  async sendAny<K extends ApiKey>(apiKey: K, version: number, body: ApiMessages[K]['request']): Promise<ApiMessages[K]['response']> {
    return (await this.anyConnection()).request(apiKey, version, body);
  }

  /**
   * Runs `attempt` until it answers NONE: retriable codes and lost connections are retried with
   * backoff (`onRetry` runs first, e.g. to find a moved coordinator), anything else is thrown.
   */
  async withRetries<T>(what: string, attempt: () => Promise<{ code: number; value: T; message?: string | null | undefined }>, onRetry?: (code: number) => Promise<void>): Promise<T> {
    for (let n = 0; ; n++) {
      let code: number;
      let message: string | null | undefined;
      try {
        const result = await attempt();
        if (result.code === ErrorCode.NONE) return result.value;
        code = result.code;
        message = result.message;
      } catch (error) {
        if (!(error instanceof ConnectionError) || this.closed) throw error;
        code = ErrorCode.NETWORK_EXCEPTION;
        message = error.message;
      }
      if (!isRetriable(code) || n >= this.retries) throw protocolError(n > 0 ? `${what} (after ${n + 1} attempts)` : what, code, message);
      await sleep(backoff(n));
      if (onRetry) await onRetry(code);
    }
  }

  /** True when a code means the coordinator should be looked up again. */
  static coordinatorMoved(code: number): boolean {
    return COORDINATOR_MOVED.has(code) || code === ErrorCode.NETWORK_EXCEPTION;
  }

  close(): void {
    this.closed = true;
    for (const connection of this.connections.values()) void connection.then((c) => c.close(), () => undefined);
    this.connections.clear();
  }

  private async anyConnection(): Promise<KafkaConnection> {
    const candidates = [...this.brokers.values(), ...this.bootstrap];
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

  /** One connection per address, shared; a broken one is replaced on its next use. */
  private connectionAt(broker: BrokerAddress): Promise<KafkaConnection> {
    if (this.closed) return Promise.reject(new ConnectionError('the client is closed'));
    const address = `${broker.host}:${broker.port}`;
    const existing = this.connections.get(address);
    if (existing) {
      return existing.then((c) => {
        if (!c.broken) return c;
        if (this.connections.get(address) === existing) this.connections.delete(address);
        return this.connectionAt(broker);
      });
    }
    const opening = KafkaConnection.open(broker.host, broker.port, {
      clientId: this.clientId, connectTimeoutMs: this.timeoutMs, requestTimeoutMs: this.timeoutMs,
      ...(this.socketFactory ? { socketFactory: this.socketFactory } : {}),
    });
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

export { errorName };
