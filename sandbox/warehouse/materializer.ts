/**
 * Materializes layer topics into the warehouse, continuously. It reads with our own wire fetcher
 * by explicit assignment: no consumer group, because where to resume is the warehouse's business.
 * Every partition starts at the next offset `_medallion_offsets` records (or at the log's start),
 * and each fetch's records go into DuckDB as one transaction together with those offsets. A new
 * topic that matches the pattern is simply assigned; nothing restarts, so nothing already
 * flowing waits while a pipeline creates its output topics.
 *
 * Fetching and decoding (the JSON parsing) run while DuckDB commits the group before: at most one
 * group waits for DuckDB while another is written, which bounds memory to two fetch responses.
 */
import { partitionKey } from '../wire/cluster';
import { Fetcher, type FetcherOptions } from '../wire/fetcher';
import { ErrorCode, KafkaProtocolError } from '../wire/errors';
import type { FetchedPartition } from '../wire/fetcher';
import { decodeFetchedRecord } from './record-decoder';
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
   * Materialize every topic whose name matches, including topics created later (found by polling
   * the cluster's metadata, and at once whenever {@link Materializer.caughtUp} is asked).
   * @example /^orders\./
   */
  pattern?: RegExp;
  /**
   * How often topics are listed to find new ones (and new partitions) to materialize.
   * @default 500
   */
  topicRefreshMs?: number;
  /**
   * How long the broker may hold a fetch open while there is nothing new: the longest a record
   * waits to be fetched once committed.
   * @default 100
   */
  maxWaitMs?: number;
  /**
   * Most bytes one fetch may bring, over all partitions; each fetch becomes one DuckDB transaction.
   * Decoded, a fetch takes several times its size in memory, and two may be held at once.
   * @default 8388608 (8 MiB)
   */
  maxBytesPerFetch?: number;
  /**
   * Called after each group of batches is committed to DuckDB, with the totals so far.
   * @default nothing is called
   */
  onCommit?: (stats: MaterializerStats) => void;
  /**
   * Timeout of every request to the broker, and of connecting.
   * @default 10000
   */
  requestTimeoutMs?: number;
  /**
   * Where fetch errors and failed DuckDB groups are reported.
   * @default nothing is reported
   */
  log?: (message: string) => void;
}

export interface MaterializerStats {
  /** Partition batches appended. */
  batches: number;
  records: number;
  /** Topics being materialized now. */
  topics: string[];
}

/** One fetch's worth of work: the records of each partition, and where each partition's reading ends. */
interface Group {
  /** Which reset the fetch came before: a group fetched before a reset is dropped. */
  epoch: number;
  batches: PreparedBatch[];
  /** Per partition, the offset after the last record or marker this fetch read. */
  readTo: { key: string; next: number }[];
}

const keyOf = partitionKey;
const partitionsOf = (count: number): number[] => Array.from({ length: count }, (_, i) => i);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class Materializer {
  /** Per topic, the partitions assigned (partition count). */
  private readonly assigned = new Map<string, number>();
  private stopped = false;
  private batches = 0;
  private records = 0;
  /**
   * Per partition, the offset after the last record read, data or not: transaction markers and
   * aborted records take offsets but never reach the warehouse, so its next offset alone can stay
   * behind the end of a partition for ever.
   */
  private readonly consumed = new Map<string, number>();
  /** Bumped by each reset of the fetch positions; groups fetched before it are dropped. */
  private epoch = 0;
  /** A commit failed: the next group is dropped and reading starts again from the warehouse's positions. */
  private rewindPending = false;
  private lastRefresh = 0;
  private refreshing: Promise<void> | undefined;
  private loop: Promise<void> = Promise.resolve();

  private constructor(
    private readonly warehouse: Warehouse,
    private readonly fetcher: Fetcher<string>,
    /**
     * A second connection for listing topics and end offsets: a Kafka connection answers in
     * order, so behind the fetcher's long polls every such question would wait its turn.
     */
    private readonly control: Fetcher<string>,
    private readonly options: MaterializerOptions,
  ) {}

  /** Connects, assigns every wanted partition where the warehouse left off, and starts appending. */
  static async start(warehouse: Warehouse, options: MaterializerOptions): Promise<Materializer> {
    if ((options.topics === undefined) === (options.pattern === undefined)) {
      throw new Error('give either topics or a pattern to materialize');
    }
    const connection: FetcherOptions = {
      bootstrap: options.bootstrap,
      clientId: 'medallion-warehouse',
      requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
      retries: 5,
      // The runner writes its outputs in transactions: only committed records are materialized.
      isolation: 'read_committed',
      headers: true,
      maxWaitMs: options.maxWaitMs ?? 100,
      // Larger fetches mean fewer, larger DuckDB transactions, but past a few MiB the commits are
      // cheap next to the rows: on a sample pipeline's 340k output rows, 8 MiB fetches went as fast
      // as 32 MiB ones and peaked at 687 MB RSS instead of 983.
      maxBytes: options.maxBytesPerFetch ?? 8 * 1024 * 1024,
      partitionMaxBytes: Math.min(options.maxBytesPerFetch ?? Infinity, 4 * 1024 * 1024),
    };
    const fetcher = await Fetcher.connect(connection);
    const control = await Fetcher.connect({ ...connection, clientId: 'medallion-warehouse-control' }).catch((error: unknown) => {
      fetcher.close();
      throw error;
    });
    const materializer = new Materializer(warehouse, fetcher, control, options);
    try {
      await materializer.refreshTopics();
    } catch (error) {
      fetcher.close();
      control.close();
      throw error;
    }
    materializer.loop = materializer.run();
    return materializer;
  }

  get stats(): MaterializerStats {
    return { batches: this.batches, records: this.records, topics: [...this.assigned.keys()].sort() };
  }

  /** Assigns the partitions of wanted topics not assigned yet and drops deleted topics; one listing at a time. */
  private refreshTopics(): Promise<void> {
    this.refreshing ??= this.syncAssignments().finally(() => {
      this.refreshing = undefined;
      this.lastRefresh = performance.now();
    });
    return this.refreshing;
  }

  private async syncAssignments(): Promise<void> {
    const all = await this.control.listTopics();
    // A deleted topic is no longer read; what was materialized of it stays in its table.
    for (const [topic, count] of [...this.assigned]) {
      if (all.has(topic)) continue;
      for (const p of partitionsOf(count)) this.fetcher.unassign(topic, p);
      this.assigned.delete(topic);
      this.options.log?.(`${topic} was deleted; it is no longer materialized`);
    }
    await this.assignNewPartitions(this.wantedOf(all));
  }

  private wantedOf(all: ReadonlyMap<string, number>): Map<string, number> {
    const { topics, pattern } = this.options;
    const wanted = new Map<string, number>();
    for (const [topic, partitions] of all) {
      if (topics !== undefined ? topics.includes(topic) : !topic.startsWith('__') && (pattern as RegExp).test(topic)) wanted.set(topic, partitions);
    }
    return wanted;
  }

  private async assignNewPartitions(wanted: ReadonlyMap<string, number>): Promise<void> {
    const fresh: { topic: string; partitions: number[]; count: number }[] = [];
    for (const [topic, count] of wanted) {
      const from = this.assigned.get(topic) ?? 0;
      if (count > from) fresh.push({ topic, partitions: partitionsOf(count).slice(from), count });
    }
    if (fresh.length === 0) return;
    const from = await this.withinLogs(fresh, (topic, partition) => this.warehouse.nextOffset(topic, partition) ?? 0);
    for (const { topic, partitions, count } of fresh) {
      for (const partition of partitions) this.fetcher.assign(topic, partition, from.get(keyOf(topic, partition))!);
      this.assigned.set(topic, count);
    }
  }

  /**
   * Each partition's wanted position, moved into what its log still holds: up to its first offset
   * when records before it are gone, down to its end when the log is shorter.
   */
  private async withinLogs(
    list: readonly { topic: string; partitions: readonly number[] }[], wanted: (topic: string, partition: number) => number,
  ): Promise<Map<string, number>> {
    const starts = await this.control.startOffsetsOf(list);
    const ends = await this.control.endOffsetsOf(list);
    const positions = new Map<string, number>();
    for (const { topic, partitions } of list) {
      for (const partition of partitions) {
        const key = keyOf(topic, partition);
        const start = starts.get(key) ?? 0;
        positions.set(key, Math.min(Math.max(wanted(topic, partition), start), Math.max(ends.get(key) ?? Infinity, start)));
      }
    }
    return positions;
  }

  /** Fetches and hands each fetch to DuckDB, one group committing while the next is fetched. */
  private async run(): Promise<void> {
    const refreshMs = this.options.topicRefreshMs ?? 500;
    let committing: Promise<void> = Promise.resolve();
    let failures = 0;
    while (!this.stopped) {
      if (performance.now() - this.lastRefresh >= refreshMs) {
        await this.refreshTopics().catch((error: unknown) => this.report('listing topics failed', error));
      }
      if (this.assigned.size === 0) {
        await sleep(Math.min(refreshMs, 100));
        continue;
      }
      const epoch = this.epoch;
      let fetched: FetchedPartition<string>[];
      try {
        fetched = await this.fetcher.fetch();
        failures = 0;
      } catch (error) {
        this.report('fetching failed', error);
        await committing;
        await this.recoverFromFetchError(error);
        await sleep(Math.min(100 * 2 ** failures++, 2_000));
        continue;
      }
      const group = this.decode(epoch, fetched);
      await committing;
      if (this.stopped) break;
      // A group fetched before a failed commit would leave a gap: it is dropped, and every partition
      // is read again from the warehouse's position. Nothing is fetching or committing now, so
      // the positions set here are exact. The epoch alone does not tell: a commit that failed while
      // topics were listed, before this fetch took its epoch, left the fetcher past the failed rows.
      if (group.epoch !== this.epoch || this.rewindPending) {
        this.rewindPending = false;
        this.rewind();
        continue;
      }
      committing = this.commit(group);
    }
    await committing;
  }

  /** Decodes a fetch into the warehouse's batches: this needs no database. */
  private decode(epoch: number, fetched: FetchedPartition<string>[]): Group {
    const group: Group = { epoch, batches: [], readTo: [] };
    for (const part of fetched) {
      if (part.nextOffset <= part.fetchOffset) continue;
      const key = keyOf(part.topic, part.partition);
      group.readTo.push({ key, next: part.nextOffset });
      if (part.records.length === 0) continue;
      const next = this.warehouse.nextOffset(part.topic, part.partition) ?? 0;
      const decoded = [];
      for (const record of part.records) if (record.offset >= next) decoded.push(decodeFetchedRecord(record));
      group.batches.push({ topic: part.topic, partition: part.partition, decoded, received: part.records.length });
    }
    return group;
  }

  /** Writes a group in one DuckDB transaction; a failure resets reading to what the warehouse holds. */
  private async commit(group: Group): Promise<void> {
    try {
      if (group.batches.length > 0) {
        const results = await this.warehouse.ingestGroup(group.batches);
        this.batches += results.length;
        for (const r of results) this.records += r.appended;
        this.options.onCommit?.(this.stats);
      }
      for (const { key, next } of group.readTo) this.consumed.set(key, Math.max(this.consumed.get(key) ?? 0, next));
    } catch (error) {
      // Nothing of the group is in. Every partition is read again from the warehouse's position,
      // and whatever was fetched meanwhile is dropped: appending it would leave a gap.
      this.report(`materializing ${[...new Set(group.batches.map((b) => `${b.topic}/${b.partition}`))].join(', ')} failed, reading again`, error);
      this.epoch++;
      this.rewindPending = true;
    }
  }

  /** Moves every partition's fetch position back to where the warehouse (and the markers read) got. */
  private rewind(): void {
    for (const { topic, partition } of this.fetcher.assigned()) this.fetcher.assign(topic, partition, this.position(topic, partition));
  }

  /**
   * After a fetch error: topics gone from the cluster are dropped, and a partition whose position
   * fell out of its log (records deleted by retention) resumes within it.
   */
  private async recoverFromFetchError(error: unknown): Promise<void> {
    try {
      await this.refreshTopics();
      if (!(error instanceof KafkaProtocolError) || error.code !== ErrorCode.OFFSET_OUT_OF_RANGE) return;
      this.epoch++;
      const all = [...this.assigned].map(([topic, count]) => ({ topic, partitions: partitionsOf(count) }));
      const within = await this.withinLogs(all, (topic, partition) => this.position(topic, partition));
      for (const { topic, partitions } of all) {
        for (const p of partitions) {
          const at = this.position(topic, p);
          const to = within.get(keyOf(topic, p))!;
          if (to !== at) this.options.log?.(`${topic}/${p}: offset ${at} is no longer in the log; reading on from ${to}`);
          this.fetcher.assign(topic, p, to);
        }
      }
    } catch (inner) {
      this.report('recovering from a fetch error failed', inner);
    }
  }

  private report(what: string, error: unknown): void {
    this.options.log?.(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  }

  /** Where reading a partition has got to: past the warehouse's last record, or past markers after it. */
  private position(topic: string, partition: number): number {
    return Math.max(this.warehouse.nextOffset(topic, partition) ?? 0, this.consumed.get(keyOf(topic, partition)) ?? 0);
  }

  /**
   * Whether every partition of every wanted topic is materialized up to its last stable offset:
   * records of a transaction still open are not visible yet, and markers at the end count as read.
   * Topics are listed anew first, so a topic a pipeline has just created counts.
   */
  async caughtUp(): Promise<boolean> {
    await this.refreshTopics();
    // A topic named but not created yet has nothing in the warehouse that could be caught up with.
    if (this.options.topics?.some((t) => !this.assigned.has(t))) return false;
    const ends = await this.control.endOffsetsOf([...this.assigned].map(([topic, count]) => ({ topic, partitions: partitionsOf(count) })));
    for (const [key, end] of ends) {
      const at = key.lastIndexOf('\u0000');
      if (this.position(key.slice(0, at), Number(key.slice(at + 1))) < end) return false;
    }
    return true;
  }

  /**
   * Resolves once caught up, polling the broker's end offsets.
   * @param timeoutMs how long to wait before rejecting
   */
  async waitUntilCaughtUp(timeoutMs = 60_000, pollMs = 100): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await this.caughtUp())) {
      if (this.stopped) throw new Error('the materializer stopped');
      if (Date.now() > deadline) throw new Error(`not caught up after ${timeoutMs} ms`);
      await sleep(pollMs);
    }
  }

  /** Stops fetching, waits for the group DuckDB is writing, and disconnects. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    await this.refreshing?.catch(() => undefined);
    this.fetcher.close();
    this.control.close();
  }
}
