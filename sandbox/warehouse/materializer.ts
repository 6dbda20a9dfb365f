/**
 * Materializes layer topics into the warehouse, continuously: a kafkajs consumer in its own group
 * appends every batch to the topic's table. Where to resume is the warehouse's business, not the
 * group's: at start the consumer seeks every partition to the next offset `_medallion_offsets`
 * records (or to the earliest one), and the warehouse skips offsets it already holds. Group offsets
 * are still committed, after DuckDB commits, so they are never ahead of the warehouse.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Admin, Consumer, EachBatchPayload, LogEntry } from 'kafkajs';
import { Kafka, logLevel } from 'kafkajs';
import type { PreparedBatch, Warehouse } from './warehouse';

export interface MaterializerOptions {
  /**
   * The broker to read from.
   * @example '127.0.0.1:9092'
   */
  bootstrap: string;
  /**
   * The topics to materialize. Give this or `pattern`.
   * @example ['orders.bronze', 'orders.silver', 'orders.gold']
   */
  topics?: string[];
  /**
   * Materialize every topic whose name matches, including topics created later (found by polling).
   * @example /^orders\./
   */
  pattern?: RegExp;
  /**
   * The consumer group. Its offsets are only a hint; the warehouse file says where to resume.
   * @default 'medallion-warehouse-' + a hash of the warehouse file's absolute path
   */
  groupId?: string;
  /**
   * How often topics are listed to find new ones matching `pattern`.
   * @default 2000
   */
  topicRefreshMs?: number;
  /**
   * Timeout of every request to the broker, and of connecting.
   * @default 10000
   */
  requestTimeoutMs?: number;
  /**
   * Where client errors and restarts are reported.
   * @default nothing is reported
   */
  log?: (message: string) => void;
}

export interface MaterializerStats {
  batches: number;
  records: number;
  /** Topics being materialized now. */
  topics: string[];
}

function defaultGroupId(warehouse: Warehouse): string {
  const where = warehouse.path === ':memory:' ? `memory-${process.pid}-${Date.now()}` : path.resolve(warehouse.path);
  return `medallion-warehouse-${createHash('sha256').update(where).digest('hex').slice(0, 12)}`;
}

/** What waits for DuckDB: a decoded batch, or the end of a run of markers to count as read. */
type Waiting =
  | { kind: 'batch'; prepared: PreparedBatch; key: string; topic: string; partition: number; last: number; contiguous: boolean; records: number }
  | { kind: 'marker'; key: string; topic: string; partition: number; last: number };

/** Most records decoded and waiting for DuckDB before fetching pauses: bounds memory. */
const MAX_WAITING_RECORDS = 200_000;

export class Materializer {
  private consumer: Consumer | undefined;
  private readonly admin: Admin;
  private readonly kafka: Kafka;
  private subscribed: string[] = [];
  private refreshTimer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> = Promise.resolve();
  private stopped = false;
  private batches = 0;
  private records = 0;
  /**
   * Per partition, the offset after the last record read, data or not: transaction markers and
   * aborted records take offsets but never reach the warehouse, so its next offset alone can stay
   * behind the end of a partition for ever.
   */
  private readonly consumed = new Map<string, number>();
  /** Per partition, the offset after the last batch handed to the warehouse, committed or not. */
  private readonly queuedTo = new Map<string, number>();
  /**
   * Batches fetched and decoded but not yet handed to DuckDB, in fetch order, and markers to apply
   * once the batches before them are committed.
   */
  private waiting: Waiting[] = [];
  /**
   * The group of batches DuckDB is committing, one transaction for all. While it commits, the next
   * batches are fetched and decoded; when it is done, everything waiting goes in as the next group.
   */
  private group: Promise<void> | undefined;

  private constructor(
    private readonly warehouse: Warehouse,
    private readonly options: MaterializerOptions,
  ) {
    const timeout = options.requestTimeoutMs ?? 10_000;
    const log = options.log;
    this.kafka = new Kafka({
      clientId: 'medallion-warehouse',
      brokers: [options.bootstrap],
      connectionTimeout: timeout,
      requestTimeout: timeout,
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2_000 },
      logLevel: log ? logLevel.ERROR : logLevel.NOTHING,
      logCreator: () => (entry: LogEntry) => log?.(`kafka: ${entry.log.message}`),
    });
    this.admin = this.kafka.admin();
  }

  /** Connects, seeks to where the warehouse left off, and starts appending. */
  static async start(warehouse: Warehouse, options: MaterializerOptions): Promise<Materializer> {
    if ((options.topics === undefined) === (options.pattern === undefined)) {
      throw new Error('give either topics or a pattern to materialize');
    }
    const materializer = new Materializer(warehouse, options);
    try {
      await materializer.admin.connect();
      await materializer.subscribe(await materializer.wantedTopics());
      if (options.pattern !== undefined) materializer.scheduleRefresh();
    } catch (error) {
      await materializer.stop();
      throw error;
    }
    return materializer;
  }

  get stats(): MaterializerStats {
    return { batches: this.batches, records: this.records, topics: [...this.subscribed] };
  }

  private async wantedTopics(): Promise<string[]> {
    const { topics, pattern } = this.options;
    if (topics !== undefined) return [...new Set(topics)].sort();
    const all = await this.admin.listTopics();
    return all.filter((t) => !t.startsWith('__') && (pattern as RegExp).test(t)).sort();
  }

  private scheduleRefresh(): void {
    if (this.stopped) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshing = this.refresh().finally(() => this.scheduleRefresh());
    }, this.options.topicRefreshMs ?? 2_000);
  }

  /** A consumer cannot add topics while running, so a new matching topic means a new consumer. */
  private async refresh(): Promise<void> {
    try {
      const wanted = await this.wantedTopics();
      if (this.stopped || wanted.every((t) => this.subscribed.includes(t))) return;
      await this.subscribe(wanted);
    } catch (error) {
      this.options.log?.(`topic refresh failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async subscribe(topics: string[]): Promise<void> {
    await this.settled();
    await this.consumer?.disconnect();
    this.consumer = undefined;
    this.subscribed = topics;
    if (topics.length === 0 || this.stopped) return;
    const timeout = this.options.requestTimeoutMs ?? 10_000;
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId ?? defaultGroupId(this.warehouse),
      sessionTimeout: Math.max(6_000, timeout),
      rebalanceTimeout: Math.max(6_000, timeout),
      maxWaitTimeInMs: 250,
      // Larger fetches mean fewer, larger DuckDB transactions: each commit costs a WAL write and a
      // few round trips to DuckDB's threads, whatever the batch size.
      maxBytesPerPartition: 8 * 1024 * 1024,
      maxBytes: 64 * 1024 * 1024,
      // The runner writes its outputs in transactions: only committed records are materialized.
      readUncommitted: false,
    });
    // A fetch holding only markers or aborted records never reaches eachBatch; kafkajs reports it
    // through this event, and the markers count as consumed.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (payload.batchSize === 0 && payload.firstOffset !== null) this.markConsumed(payload.topic, payload.partition, Number(payload.firstOffset), Number(payload.lastOffset));
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      // Offsets are committed by hand once DuckDB has committed, never ahead of the warehouse.
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.onBatch(payload),
    });
    // kafkajs applies a seek at the next fetch and drops batches fetched before it, so nothing is
    // appended from where the group's offsets pointed if the warehouse says otherwise.
    for (const topic of topics) {
      for (const { partition, low, high } of await this.admin.fetchTopicOffsets(topic)) {
        const next = this.warehouse.nextOffset(topic, partition);
        const offset = Math.min(Math.max(next ?? 0, Number(low)), Number(high));
        consumer.seek({ topic, partition, offset: String(offset) });
      }
    }
  }

  /** Where reading a partition has got to: past the warehouse's last record, or past markers after it. */
  private position(topic: string, partition: number): number {
    return Math.max(this.warehouse.nextOffset(topic, partition) ?? 0, this.consumed.get(`${topic}\0${partition}`) ?? 0);
  }

  /**
   * Whether a batch starting at `first` continues what was read before. Only a contiguous batch
   * moves the position: one fetched from further on (before a seek took effect) must not skip
   * what lies between. Batches still being committed count as read.
   */
  private continues(topic: string, partition: number, first: number): boolean {
    return first <= Math.max(this.position(topic, partition), this.queuedTo.get(`${topic}\0${partition}`) ?? 0);
  }

  /** Records that offsets up to `last` were read, once the batches before them are committed. */
  private markConsumed(topic: string, partition: number, first: number, last: number): void {
    if (!this.continues(topic, partition, first)) return;
    const key = `${topic}\0${partition}`;
    this.queuedTo.set(key, Math.max(this.queuedTo.get(key) ?? 0, last + 1));
    this.waiting.push({ kind: 'marker', key, topic, partition, last });
    this.pump();
  }

  private async onBatch({ batch, resolveOffset, heartbeat, isStale }: EachBatchPayload): Promise<void> {
    if (isStale() || this.stopped || batch.messages.length === 0) return;
    const { topic, partition } = batch;
    const first = Number(batch.firstOffset());
    const last = Number(batch.lastOffset());
    const key = `${topic}\0${partition}`;
    const contiguous = this.continues(topic, partition, first);
    if (contiguous) this.queuedTo.set(key, Math.max(this.queuedTo.get(key) ?? 0, last + 1));
    // Decoding (the JSON parsing) needs no database, so it runs while DuckDB commits the group before.
    const prepared = this.warehouse.prepare(topic, partition, batch.messages);
    this.waiting.push({ kind: 'batch', prepared, key, topic, partition, last, contiguous, records: batch.messages.length });
    this.pump();
    // The fetch position moves on now; the group's committed offset only after DuckDB commits.
    resolveOffset(batch.lastOffset());
    while (this.group && this.waitingRecords() > MAX_WAITING_RECORDS) await this.group;
    await heartbeat();
  }

  private waitingRecords(): number {
    let records = 0;
    for (const w of this.waiting) if (w.kind === 'batch') records += w.records;
    return records;
  }

  /**
   * Hands everything waiting to DuckDB as one group, unless a group is being committed. A group
   * takes the waiting entries in order and stops before a second batch of the same topic (one
   * transaction writes each table once), so every partition's batches stay in offset order.
   */
  private pump(): void {
    if (this.group || this.waiting.length === 0) return;
    const taken: Waiting[] = [];
    const topics = new Set<string>();
    let next = 0;
    for (; next < this.waiting.length; next++) {
      const w = this.waiting[next]!;
      if (w.kind === 'batch') {
        if (topics.has(w.topic)) break;
        topics.add(w.topic);
      }
      taken.push(w);
    }
    this.waiting = this.waiting.slice(next);
    const batches = taken.filter((w): w is Extract<Waiting, { kind: 'batch' }> => w.kind === 'batch');
    const written = batches.length > 0 ? this.warehouse.ingestGroup(batches.map((b) => b.prepared)) : Promise.resolve([]);
    this.group = written.then(
      (results) => {
        this.group = undefined;
        for (const [i, b] of batches.entries()) {
          this.batches++;
          this.records += results[i]?.appended ?? 0;
          if (b.contiguous) this.consumed.set(b.key, Math.max(this.position(b.topic, b.partition), b.last + 1));
        }
        for (const w of taken) {
          if (w.kind === 'marker') this.consumed.set(w.key, Math.max(this.position(w.topic, w.partition), w.last + 1));
        }
        void this.commitGroupOffsets(batches.map((b) => ({ topic: b.topic, partition: b.partition, offset: b.last + 1 })));
        this.pump();
      },
      (error: unknown) => {
        this.group = undefined;
        // Nothing of the group is in. Its partitions are read again from the warehouse's position,
        // and what was fetched after them is dropped: appending it would leave a gap. Batches
        // fetched before the seek takes effect are stale, and onBatch skips them.
        const failed = new Set(taken.map((w) => w.key));
        this.options.log?.(`materializing ${[...new Set(batches.map((b) => `${b.topic}/${b.partition}`))].join(', ')} failed, reading again: ${error instanceof Error ? error.message : String(error)}`);
        this.waiting = this.waiting.filter((w) => !failed.has(w.key));
        for (const w of taken) {
          const position = this.position(w.topic, w.partition);
          this.queuedTo.set(w.key, position);
          this.consumer?.seek({ topic: w.topic, partition: w.partition, offset: String(position) });
        }
        this.pump();
      },
    );
  }

  /** Resolves once nothing waits for DuckDB and no group is being committed. */
  private async settled(): Promise<void> {
    while (this.group) await this.group;
  }

  /** Commits the group's offsets, a hint for lag tools: a failure (say, mid-rebalance) is only logged. */
  private async commitGroupOffsets(offsets: { topic: string; partition: number; offset: number }[]): Promise<void> {
    if (offsets.length === 0) return;
    try {
      await this.consumer?.commitOffsets(offsets.map((o) => ({ ...o, offset: String(o.offset) })));
    } catch (error) {
      this.options.log?.(`committing group offsets failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * Whether every partition of every subscribed topic is materialized up to its last stable offset
   * (the admin client lists offsets read_committed, so `high` is the LSO): records of a transaction
   * still open are not visible yet, and markers at the end count as read.
   */
  async caughtUp(): Promise<boolean> {
    // A topic that matches the pattern but has not been picked up yet is not caught up with: without
    // this, a check right after a pipeline created its output topics would pass on what came before.
    if (this.options.pattern !== undefined && !(await this.wantedTopics()).every((t) => this.subscribed.includes(t))) return false;
    if (this.subscribed.length === 0) return this.options.pattern !== undefined;
    for (const topic of this.subscribed) {
      for (const { partition, high } of await this.admin.fetchTopicOffsets(topic)) {
        if (this.position(topic, partition) < Number(high)) return false;
      }
    }
    return true;
  }

  /**
   * Resolves once caught up, polling the broker's high watermarks.
   * @param timeoutMs how long to wait before rejecting
   */
  async waitUntilCaughtUp(timeoutMs = 60_000, pollMs = 100): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await this.caughtUp())) {
      if (this.stopped) throw new Error('the materializer stopped');
      if (Date.now() > deadline) throw new Error(`not caught up after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.refreshTimer);
    await this.refreshing;
    await this.settled();
    await this.consumer?.disconnect().catch(() => undefined);
    this.consumer = undefined;
    await this.admin.disconnect().catch(() => undefined);
  }
}
