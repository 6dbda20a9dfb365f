// Fetches records of explicitly assigned partitions: no consumer group here, the caller decides
// which partitions and from where (the runner's group membership does that). Each fetch() sends one
// Fetch request per partition leader (v4+, read_committed unless asked otherwise, large sizes) and
// returns every partition's decoded records; positions move past what was returned, control
// batches and aborted transactions included. ListOffsets gives end offsets (the last stable offset
// under read_committed) and start offsets.
import { ConnectionError } from '../replay/produce/wire/kafka-connection';
import { Cluster, partitionKey, sleep, backoff, type ClusterOptions } from './cluster';
import { ErrorCode, isRetriable, KafkaProtocolError, protocolError } from './errors';
import { decodePartition, type FetchedRecord } from './record-decoder';

/** Options of {@link Fetcher.connect}. */
export interface FetcherOptions extends ClusterOptions {
  /**
   * 'read_committed' leaves out aborted transactions and stops at the last stable offset.
   * @default 'read_committed'
   */
  isolation?: 'read_committed' | 'read_uncommitted';
  /**
   * How long the broker may hold a fetch open waiting for data.
   * @default 100
   */
  maxWaitMs?: number;
  /**
   * Most bytes one fetch response may carry, over all partitions.
   * @default 16777216
   */
  maxBytes?: number;
  /**
   * Most bytes per partition in one response.
   * @default 4194304
   */
  partitionMaxBytes?: number;
  /**
   * Check every batch's CRC32C.
   * @default true
   */
  checkCrc?: boolean;
  /**
   * Decode record headers into `headers`.
   * @default false
   */
  headers?: boolean;
}

/** What one fetch returned for one partition. */
export interface FetchedPartition<V = string> {
  topic: string;
  partition: number;
  /** The position the records start from (the one before this fetch). */
  fetchOffset: number;
  records: FetchedRecord<V>[];
  highWatermark: number;
  /** The last stable offset: under read_committed nothing at or after it is returned yet. */
  lastStableOffset: number;
  /** The position after this fetch. */
  nextOffset: number;
}

interface Assignment {
  topic: string;
  partition: number;
  position: number;
  paused: boolean;
  maxBytes: number;
}

export class Fetcher<V extends string | Buffer = string> {
  private readonly assignments = new Map<string, Assignment>();
  private readonly readCommitted: boolean;
  private readonly maxWaitMs: number;
  private readonly maxBytes: number;
  private readonly partitionMaxBytes: number;
  private readonly checkCrc: boolean;
  private readonly headers: boolean;
  private failures = 0;

  private constructor(
    private readonly cluster: Cluster,
    private readonly as: 'string' | 'buffer',
    options: FetcherOptions,
  ) {
    this.readCommitted = (options.isolation ?? 'read_committed') === 'read_committed';
    this.maxWaitMs = options.maxWaitMs ?? 100;
    this.maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
    this.partitionMaxBytes = options.partitionMaxBytes ?? 4 * 1024 * 1024;
    this.checkCrc = options.checkCrc ?? true;
    this.headers = options.headers ?? false;
  }

  /** A fetcher whose records carry strings (UTF-8 decoded). */
  static async connect(options: FetcherOptions): Promise<Fetcher<string>> {
    return Fetcher.open<string>(options, 'string');
  }

  /** A fetcher whose records carry Buffers: views of the response, valid as long as they are kept. */
  static async connectForBuffers(options: FetcherOptions): Promise<Fetcher<Buffer>> {
    return Fetcher.open<Buffer>(options, 'buffer');
  }

  private static async open<T extends string | Buffer>(options: FetcherOptions, as: 'string' | 'buffer'): Promise<Fetcher<T>> {
    const cluster = new Cluster({ clientId: 'medallion-wire-fetcher', ...options });
    try {
      await cluster.connect();
    } catch (error) {
      cluster.close();
      throw error;
    }
    return new Fetcher<T>(cluster, as, options);
  }

  /** Starts (or moves) reading a partition at `offset`. */
  assign(topic: string, partition: number, offset: number): void {
    if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`not an offset: ${offset} (${topic}/${partition})`);
    const key = partitionKey(topic, partition);
    const existing = this.assignments.get(key);
    if (existing) existing.position = offset;
    else this.assignments.set(key, { topic, partition, position: offset, paused: false, maxBytes: this.partitionMaxBytes });
  }

  unassign(topic: string, partition: number): void {
    this.assignments.delete(partitionKey(topic, partition));
  }

  assigned(): { topic: string; partition: number; position: number; paused: boolean }[] {
    return [...this.assignments.values()].map(({ topic, partition, position, paused }) => ({ topic, partition, position, paused }));
  }

  position(topic: string, partition: number): number | undefined {
    return this.assignments.get(partitionKey(topic, partition))?.position;
  }

  /** A paused partition is left out of fetches until resumed; its position stays. */
  pause(topic: string, partition: number): void {
    const a = this.assignments.get(partitionKey(topic, partition));
    if (a) a.paused = true;
  }

  resume(topic: string, partition: number): void {
    const a = this.assignments.get(partitionKey(topic, partition));
    if (a) a.paused = false;
  }

  /**
   * One fetch over every assigned, unpaused partition. Resolves with the partitions that answered
   * (possibly with no records, after maxWaitMs). Retriable errors (a leader moved, a lost
   * connection) leave the partition for the next fetch; after `retries` fetches in a row that got
   * nothing but such errors, the last one is thrown. OFFSET_OUT_OF_RANGE and other errors are thrown.
   */
  async fetch(): Promise<FetchedPartition<V>[]> {
    const live = [...this.assignments.values()].filter((a) => !a.paused);
    if (live.length === 0) return [];
    const results = await this.fetchFrom(live);
    for (const r of results) {
      const a = this.assignments.get(partitionKey(r.topic, r.partition));
      // A partition re-assigned while the fetch was out keeps its new position.
      if (a && a.position === r.fetchOffset) a.position = r.nextOffset;
    }
    return results;
  }

  /**
   * The record at `offset` of a partition as read_committed (or read_uncommitted) readers see it,
   * or null when there is none (it was aborted, is a marker, or is past the end). Assignments are
   * not touched.
   */
  async readAt(topic: string, partition: number, offset: number): Promise<FetchedRecord<V> | null> {
    const probe: Assignment = { topic, partition, position: offset, paused: false, maxBytes: this.partitionMaxBytes };
    for (let attempt = 0; attempt <= this.cluster.retries; attempt++) {
      const [result] = await this.fetchFrom([probe], 0);
      if (result === undefined) {
        await sleep(backoff(attempt));
        continue;
      }
      const found = result.records.find((r) => r.offset >= offset);
      if (found) return found.offset === offset ? found : null;
      const end = this.readCommitted ? result.lastStableOffset : result.highWatermark;
      if (result.nextOffset > offset || end <= offset) return null;
      probe.position = result.nextOffset;
    }
    throw new KafkaProtocolError(`reading ${topic}/${partition} at ${offset}`, ErrorCode.REQUEST_TIMED_OUT, 'no answer after retries');
  }

  /** End offsets: the last stable offset under read_committed, else the high watermark. */
  async endOffsets(topic: string, partitions: readonly number[]): Promise<Map<number, number>> {
    return this.listOffsets(topic, partitions, -1);
  }

  /**
   * End offsets of partitions of many topics at once, keyed by `partitionKey(topic, partition)`:
   * one request per leader however many topics.
   */
  async endOffsetsOf(wanted: readonly { topic: string; partitions: readonly number[] }[]): Promise<Map<string, number>> {
    return this.listOffsetsOf(wanted, -1);
  }

  /** Start offsets of partitions of many topics at once, keyed as {@link endOffsetsOf}. */
  async startOffsetsOf(wanted: readonly { topic: string; partitions: readonly number[] }[]): Promise<Map<string, number>> {
    return this.listOffsetsOf(wanted, -2);
  }

  /** The first offset still in each partition's log. */
  async startOffsets(topic: string, partitions: readonly number[]): Promise<Map<number, number>> {
    return this.listOffsets(topic, partitions, -2);
  }

  /** Every topic of the cluster with its partition count. */
  listTopics(): Promise<Map<string, number>> {
    return this.cluster.listTopics();
  }

  async partitionCount(topic: string): Promise<number> {
    return this.cluster.partitionCount(topic);
  }

  close(): void {
    this.cluster.close();
  }

  private async fetchFrom(list: Assignment[], maxWaitMs = this.maxWaitMs): Promise<FetchedPartition<V>[]> {
    const byLeader = new Map<number, Assignment[]>();
    let lastError: KafkaProtocolError | undefined;
    for (const a of list) {
      try {
        const leader = await this.cluster.leaderOf(a.topic, a.partition);
        let group = byLeader.get(leader);
        if (!group) byLeader.set(leader, (group = []));
        group.push(a);
      } catch (error) {
        if (!(error instanceof KafkaProtocolError) || !error.retriable) throw error;
        lastError = error;
      }
    }
    const results: FetchedPartition<V>[] = [];
    const retriable: KafkaProtocolError[] = lastError ? [lastError] : [];
    await Promise.all([...byLeader].map(([leader, group]) => this.fetchLeader(leader, group, maxWaitMs, results, retriable)));
    if (retriable.length > 0 && results.length === 0) {
      this.failures++;
      if (this.failures > this.cluster.retries) throw retriable[0]!;
      this.cluster.forgetLeaders(list.map((a) => a.topic));
      await sleep(backoff(this.failures - 1));
    } else this.failures = 0;
    return results;
  }

  private async fetchLeader(leader: number, group: Assignment[], maxWaitMs: number, results: FetchedPartition<V>[], retriable: KafkaProtocolError[]): Promise<void> {
    const byTopic = new Map<string, Assignment[]>();
    for (const a of group) {
      let list = byTopic.get(a.topic);
      if (!list) byTopic.set(a.topic, (list = []));
      list.push(a);
    }
    let answer;
    try {
      answer = await this.cluster.send(leader, 1, this.cluster.versions.fetch, {
        clusterId: null, replicaId: -1, replicaState: { replicaId: -1, replicaEpoch: -1 },
        maxWaitMs, minBytes: 1, maxBytes: this.maxBytes, isolationLevel: this.readCommitted ? 1 : 0,
        sessionId: 0, sessionEpoch: -1,
        topics: [...byTopic].map(([topic, partitions]) => ({
          topic, topicId: '00000000000000000000000000000000',
          partitions: partitions.map((a) => ({
            partition: a.partition, currentLeaderEpoch: -1, fetchOffset: a.position, lastFetchedEpoch: -1, logStartOffset: -1,
            partitionMaxBytes: a.maxBytes, replicaDirectoryId: '00000000000000000000000000000000',
          })),
        })),
        forgottenTopicsData: [], rackId: '',
      });
    } catch (error) {
      if (!(error instanceof ConnectionError)) throw error;
      retriable.push(new KafkaProtocolError(`Fetch from broker ${leader}`, ErrorCode.NETWORK_EXCEPTION, error.message));
      return;
    }
    if ((answer.errorCode ?? 0) !== ErrorCode.NONE) {
      const error = protocolError(`Fetch from broker ${leader}`, answer.errorCode!);
      if (!error.retriable) throw error;
      retriable.push(error);
      return;
    }
    const asked = new Map<string, Assignment>();
    for (const a of group) asked.set(partitionKey(a.topic, a.partition), a);
    for (const topic of answer.responses) {
      const name = topic.topic ?? '';
      for (const p of topic.partitions) {
        const a = asked.get(partitionKey(name, p.partitionIndex));
        if (a === undefined) continue;
        const where = `${name}/${p.partitionIndex}`;
        if (p.errorCode !== ErrorCode.NONE) {
          const error = protocolError(`Fetch ${where} at offset ${a.position}`, p.errorCode);
          if (!isRetriable(p.errorCode)) throw error;
          retriable.push(error);
          continue;
        }
        const data = Array.isArray(p.records) ? Buffer.concat(p.records) : p.records;
        const decoded = decodePartition<V>(where, data, a.position, p.abortedTransactions, { as: this.as, headers: this.headers, readCommitted: this.readCommitted, checkCrc: this.checkCrc });
        // A first batch larger than the partition's limit comes back cut off (from brokers before
        // KIP-74): ask for more next time, up to the whole response's limit.
        if (decoded.batches === 0 && data !== null && data.length > 0) a.maxBytes = Math.min(a.maxBytes * 2, this.maxBytes);
        results.push({
          topic: name, partition: p.partitionIndex, fetchOffset: a.position, records: decoded.records,
          highWatermark: p.highWatermark, lastStableOffset: p.lastStableOffset ?? p.highWatermark, nextOffset: decoded.nextOffset,
        });
      }
    }
  }

  private async listOffsets(topic: string, partitions: readonly number[], timestamp: number): Promise<Map<number, number>> {
    const found = await this.listOffsetsOf([{ topic, partitions }], timestamp);
    return new Map(partitions.flatMap((p) => {
      const offset = found.get(partitionKey(topic, p));
      return offset === undefined ? [] : [[p, offset] as const];
    }));
  }

  /** ListOffsets for partitions of many topics: one request per leader, retried per partition. */
  private async listOffsetsOf(wanted: readonly { topic: string; partitions: readonly number[] }[], timestamp: number): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    let remaining = wanted.flatMap(({ topic, partitions }) => partitions.map((partition) => ({ topic, partition })));
    for (let attempt = 0; remaining.length > 0; attempt++) {
      const byLeader = new Map<number, Map<string, number[]>>();
      for (const { topic, partition } of remaining) {
        const leader = await this.cluster.leaderOf(topic, partition);
        let topics = byLeader.get(leader);
        if (!topics) byLeader.set(leader, (topics = new Map()));
        let list = topics.get(topic);
        if (!list) topics.set(topic, (list = []));
        list.push(partition);
      }
      const failed: { topic: string; partition: number; code: number }[] = [];
      await Promise.all([...byLeader].map(async ([leader, topics]) => {
        let answer;
        try {
          answer = await this.cluster.send(leader, 2, this.cluster.versions.listOffsets, {
            replicaId: -1, isolationLevel: this.readCommitted ? 1 : 0,
            topics: [...topics].map(([name, list]) => ({ name, partitions: list.map((partitionIndex) => ({ partitionIndex, currentLeaderEpoch: -1, timestamp, maxNumOffsets: 1 })) })),
          });
        } catch (error) {
          if (!(error instanceof ConnectionError)) throw error;
          for (const [topic, list] of topics) for (const partition of list) failed.push({ topic, partition, code: ErrorCode.NETWORK_EXCEPTION });
          return;
        }
        for (const t of answer.topics) {
          for (const p of t.partitions) {
            if (p.errorCode === ErrorCode.NONE) out.set(partitionKey(t.name, p.partitionIndex), p.offset ?? p.oldStyleOffsets?.[0] ?? -1);
            else failed.push({ topic: t.name, partition: p.partitionIndex, code: p.errorCode });
          }
        }
      }));
      const fatal = failed.find((f) => !isRetriable(f.code));
      if (fatal) throw protocolError(`ListOffsets for ${fatal.topic}/${fatal.partition}`, fatal.code);
      if (failed.length > 0 && attempt >= this.cluster.retries) throw protocolError(`ListOffsets for ${failed[0]!.topic}/${failed[0]!.partition} (after ${attempt + 1} attempts)`, failed[0]!.code);
      remaining = failed.map(({ topic, partition }) => ({ topic, partition }));
      if (remaining.length > 0) {
        this.cluster.forgetLeaders(new Set(remaining.map((r) => r.topic)));
        await sleep(backoff(attempt));
      }
    }
    return out;
  }

}
