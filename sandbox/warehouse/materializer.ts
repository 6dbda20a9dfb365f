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
import type { Warehouse } from './warehouse';

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
   * The batch being committed to DuckDB, and what follows its commit. One batch is in flight at a
   * time while the next is fetched and decoded; that overlap is most of the materializer's speed.
   */
  private inFlight: Promise<void> = Promise.resolve();

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
    await this.inFlight;
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
    this.inFlight = this.inFlight.then(() => {
      this.consumed.set(key, Math.max(this.position(topic, partition), last + 1));
    });
  }

  private async onBatch({ batch, resolveOffset, heartbeat, isStale }: EachBatchPayload): Promise<void> {
    if (isStale() || batch.messages.length === 0) return;
    const { topic, partition } = batch;
    // Decoding (the JSON parsing) needs no database, so it runs while the batch before commits.
    const prepared = this.warehouse.prepare(topic, partition, batch.messages);
    await this.inFlight;
    // A failed batch before this one seeks back to the warehouse's position; this batch came from
    // beyond it and must not be appended over the gap.
    if (isStale() || this.stopped) return;
    const first = Number(batch.firstOffset());
    const last = Number(batch.lastOffset());
    const contiguous = this.continues(topic, partition, first);
    const key = `${topic}\0${partition}`;
    if (contiguous) this.queuedTo.set(key, Math.max(this.queuedTo.get(key) ?? 0, last + 1));
    this.inFlight = this.warehouse.ingestPrepared(prepared).then(
      async (result) => {
        this.batches++;
        this.records += result.appended;
        if (contiguous) this.consumed.set(key, Math.max(this.position(topic, partition), last + 1));
        await this.commitGroupOffset(topic, partition, last + 1);
      },
      (error: unknown) => {
        this.options.log?.(`materializing ${topic}/${partition} failed, reading it again: ${error instanceof Error ? error.message : String(error)}`);
        this.queuedTo.delete(key);
        this.consumer?.seek({ topic, partition, offset: String(this.position(topic, partition)) });
      },
    );
    // The fetch position moves on now; the group's committed offset only after DuckDB commits.
    resolveOffset(batch.lastOffset());
    await heartbeat();
  }

  /** Commits the group's offset, a hint for lag tools: a failure (say, mid-rebalance) is only logged. */
  private async commitGroupOffset(topic: string, partition: number, offset: number): Promise<void> {
    try {
      await this.consumer?.commitOffsets([{ topic, partition, offset: String(offset) }]);
    } catch (error) {
      this.options.log?.(`committing the group offset of ${topic}/${partition} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * Whether every partition of every subscribed topic is materialized up to its last stable offset
   * (the admin client lists offsets read_committed, so `high` is the LSO): records of a transaction
   * still open are not visible yet, and markers at the end count as read.
   */
  async caughtUp(): Promise<boolean> {
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
    await this.inFlight;
    await this.consumer?.disconnect().catch(() => undefined);
    this.consumer = undefined;
    await this.admin.disconnect().catch(() => undefined);
  }
}
