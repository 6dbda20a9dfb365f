// A transactional Kafka producer over the broker's codec, for exactly what the pipeline runner does
// each commit interval: begin, append records to partitions, flush them (AddPartitionsToTxn for the
// partitions new to the transaction, then Produce with acks=all, one batch per partition per
// request), send the consumer group's offsets inside the transaction (AddOffsetsToTxn +
// TxnOffsetCommit), and commit or abort (EndTxn).
//
// InitProducerId with the transactional id bumps the producer epoch, which fences every earlier
// producer with the same id: their next request fails with PRODUCER_FENCED or INVALID_PRODUCER_EPOCH
// and this client throws ProducerFencedError, after which it refuses all work. Any other failure
// inside a transaction leaves it "failed": only abort() is allowed, and the abort re-initializes
// the producer id so that sequence numbers start over cleanly.
import { ConnectionError } from '../replay/produce/wire/kafka-connection';
import { Cluster, partitionKey, sleep, backoff, type ClusterOptions } from './cluster';
import { BatchBuilder, type ProducerRecord } from './batch-builder';
import { ErrorCode, errorName, isRetriable, KafkaProtocolError, ProducerFencedError, protocolError } from './errors';
import { partitionFor } from './partitioner';

/** Options of {@link TransactionalProducer.connect}. */
export interface TransactionalProducerOptions extends ClusterOptions {
  /**
   * The transactional id: one per unit of work that must not be done twice (the runner uses one per task).
   * @example 'medallion.shop-task-0'
   */
  transactionalId: string;
  /**
   * How long a transaction may stay open before the coordinator aborts it.
   * @default 60000
   */
  transactionTimeoutMs?: number;
  /**
   * Most bytes in one record batch: a partition's records beyond it go out in further batches, each
   * in its own request (Kafka takes one batch per partition per request). Kafka's default
   * `message.max.bytes` is 1 MiB.
   * @default 1000000
   */
  maxBatchBytes?: number;
}

/** One consumed position to commit with the transaction: the offset of the next record to read. */
export interface OffsetToCommit {
  topic: string;
  partition: number;
  offset: number;
}

type State = 'ready' | 'in-transaction' | 'failed' | 'fenced' | 'closed';

interface PendingBatch {
  topic: string;
  partition: number;
  bytes: Buffer;
  /** Where the batch sits among its partition's batches of this flush; the first one's offset is reported. */
  first: boolean;
}

interface Open {
  /** The partition's key (see partitionKey). */
  key: string;
  builder: BatchBuilder;
  gzip: boolean;
}

/** Kafka keeps idempotence state for the last five batches of a partition; stay below that in flight. */
const MAX_ROUNDS_IN_FLIGHT = 4;

export class TransactionalProducer {
  private state: State = 'ready';
  private producerId = -1;
  private producerEpoch = -1;
  private readonly sequences = new Map<string, number>();
  /** Partitions already added to the open transaction. */
  private readonly enlisted = new Set<string>();
  private offsetsAdded = false;
  /** The group named in begin(), added to the transaction with the first partitions. */
  private offsetsGroup: string | undefined;
  /** Group coordinators by group id, looked up again only when one moves. */
  private readonly groupCoordinators = new Map<string, number>();
  /** Batches being built, per partition, and full ones waiting for the next flush. */
  private readonly open = new Map<string, Open>();
  private readonly full: PendingBatch[] = [];
  /** The same open batches by topic and partition number: append finds its batch without building the key string per record. */
  private readonly openByTopic = new Map<string, (Open | undefined)[]>();
  private readonly gzipTopics = new Set<string>();
  private coordinator = -1;
  private readonly transactionTimeoutMs: number;
  private readonly maxBatchBytes: number;
  /**
   * The size of each partition's last batch, by partition key: a new batch starts with room for a
   * little more, so it seldom grows by copying. Per partition, because one size for all would give
   * every small partition the room of the largest (a checkpoint of a megabyte), and that much
   * external memory per batch makes the garbage collector run for nothing.
   */
  private readonly batchBytes = new Map<string, number>();

  private constructor(
    private readonly cluster: Cluster,
    readonly transactionalId: string,
    options: TransactionalProducerOptions,
  ) {
    this.transactionTimeoutMs = options.transactionTimeoutMs ?? 60_000;
    this.maxBatchBytes = options.maxBatchBytes ?? 1_000_000;
  }

  /** Connects and initializes the producer id, fencing any earlier producer with the same transactional id. */
  static async connect(options: TransactionalProducerOptions): Promise<TransactionalProducer> {
    const cluster = new Cluster({ clientId: 'medallion-wire-producer', ...options });
    const producer = new TransactionalProducer(cluster, options.transactionalId, options);
    try {
      await cluster.connect();
      await producer.initProducerId();
    } catch (error) {
      cluster.close();
      throw error;
    }
    return producer;
  }

  /** The producer id and epoch the coordinator gave this producer. */
  get identity(): { producerId: number; producerEpoch: number } {
    return { producerId: this.producerId, producerEpoch: this.producerEpoch };
  }

  get fenced(): boolean {
    return this.state === 'fenced';
  }

  /** Loads partition counts, so that records of these topics can be appended without a partition. */
  async prepareTopics(topics: Iterable<string>): Promise<void> {
    for (const topic of topics) await this.cluster.partitionCount(topic);
  }

  /** Compresses this topic's batches with gzip (for large, repetitive values such as checkpoints). */
  compressTopic(topic: string): void {
    this.gzipTopics.add(topic);
  }

  /**
   * Opens a transaction. Naming the consumer group whose offsets it will send lets the first flush
   * add the group to the transaction (AddOffsetsToTxn) at the same time as the partitions, which
   * saves a round trip per transaction.
   */
  begin(options: { offsetsFor?: string } = {}): void {
    this.expect('ready', 'begin a transaction');
    this.state = 'in-transaction';
    this.offsetsGroup = options.offsetsFor;
  }

  /**
   * Adds a record to the open transaction; it is sent by the next flush() or commit(). Without a
   * partition, a keyed record goes where Kafka's default partitioner puts it (the topic must have
   * been prepared with prepareTopics); an unkeyed one goes to partition 0.
   */
  append(topic: string, record: ProducerRecord, partition?: number): void {
    this.expect('in-transaction', 'append a record');
    let p = partition;
    if (p === undefined) {
      const count = this.cluster.knownPartitionCount(topic);
      if (count === undefined) throw new Error(`topic ${topic} was not prepared: call prepareTopics([${JSON.stringify(topic)}]) first or give a partition`);
      p = record.key === null ? 0 : partitionFor(record.key, count);
    }
    let opens = this.openByTopic.get(topic);
    if (opens === undefined) this.openByTopic.set(topic, (opens = []));
    let open = opens[p];
    if (open === undefined) {
      const key = partitionKey(topic, p);
      open = { key, builder: new BatchBuilder(this.batchBytes.get(key) ?? 16 * 1024), gzip: this.gzipTopics.has(topic) };
      this.open.set(key, open);
      opens[p] = open;
    }
    open.builder.append(record, record.timestamp ?? Date.now());
    if (open.builder.size >= this.maxBatchBytes) {
      this.full.push(this.seal(topic, p, open.key, open));
      this.open.delete(open.key);
      opens[p] = undefined;
    }
  }

  /**
   * Sends every appended record and resolves with the base offset of each partition's first batch
   * of this flush, by `topic\u0000partition` (see partitionKey).
   */
  async flush(): Promise<Map<string, number>> {
    this.expect('in-transaction', 'flush');
    const batches = this.full.splice(0);
    for (const [key, open] of this.open) {
      const zero = key.lastIndexOf('\u0000');
      batches.push(this.seal(key.slice(0, zero), Number(key.slice(zero + 1)), key, open));
    }
    this.open.clear();
    this.openByTopic.clear();
    const offsets = new Map<string, number>();
    if (batches.length === 0) return offsets;
    try {
      const group = this.offsetsGroup;
      await Promise.all([this.enlist(batches), group !== undefined && !this.offsetsAdded ? this.addOffsets(group) : undefined]);
      await this.produce(batches, offsets);
    } catch (error) {
      this.onFailure(error);
      throw error;
    }
    return offsets;
  }

  /** Commits the group's consumed offsets as part of the transaction. */
  async sendOffsets(groupId: string, offsets: readonly OffsetToCommit[]): Promise<void> {
    this.expect('in-transaction', 'send offsets');
    try {
      if (!this.offsetsAdded || this.offsetsGroup !== groupId) await this.addOffsets(groupId);
      const byTopic = new Map<string, { partitionIndex: number; committedOffset: number; committedLeaderEpoch: number; committedMetadata: string | null }[]>();
      for (const o of offsets) {
        let list = byTopic.get(o.topic);
        if (!list) byTopic.set(o.topic, (list = []));
        list.push({ partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: -1, committedMetadata: null });
      }
      let groupCoordinator = this.groupCoordinators.get(groupId) ?? (await this.cluster.findCoordinator(groupId, 0));
      this.groupCoordinators.set(groupId, groupCoordinator);
      await this.cluster.withRetries(`TxnOffsetCommit for group ${groupId}`, async () => {
        const answer = await this.cluster.send(groupCoordinator, 28, this.cluster.versions.txnOffsetCommit, {
          transactionalId: this.transactionalId, groupId, producerId: this.producerId, producerEpoch: this.producerEpoch,
          generationId: -1, memberId: '', groupInstanceId: null,
          topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
        });
        for (const t of answer.topics) for (const p of t.partitions) if (p.errorCode !== ErrorCode.NONE) return { code: p.errorCode, value: undefined, message: `${t.name}/${p.partitionIndex}` };
        return { code: ErrorCode.NONE, value: undefined };
      }, async (code) => {
        if (!Cluster.coordinatorMoved(code)) return;
        groupCoordinator = await this.cluster.findCoordinator(groupId, 0);
        this.groupCoordinators.set(groupId, groupCoordinator);
      });
    } catch (error) {
      this.onFailure(error);
      throw error;
    }
  }

  /** Sends what is left and commits the transaction. */
  async commit(): Promise<void> {
    await this.flush();
    try {
      await this.endTxn(true);
    } catch (error) {
      this.onFailure(error);
      throw error;
    }
    this.afterTransaction();
  }

  /**
   * Aborts the open (or failed) transaction: nothing of it becomes visible to read_committed
   * readers. A fenced producer cannot abort; that is its successor's business.
   */
  async abort(): Promise<void> {
    if (this.state === 'fenced') throw new ProducerFencedError(`aborting ${this.transactionalId}`, ErrorCode.PRODUCER_FENCED, 'fenced by a newer producer');
    if (this.state !== 'in-transaction' && this.state !== 'failed') throw new Error(`cannot abort: the producer is ${this.state}`);
    const failed = this.state === 'failed';
    this.open.clear();
    this.openByTopic.clear();
    this.full.length = 0;
    try {
      if (this.enlisted.size > 0 || this.offsetsAdded) await this.endTxn(false);
    } catch (error) {
      this.onFailure(error);
      throw error;
    }
    if (failed) {
      // After a failed request the broker's sequence numbers may differ from ours, and only a new
      // epoch would start them over. But InitProducerId bumps the epoch for the transactional id,
      // which would fence whichever worker owns the task now if this one lost it in a rebalance; a
      // zombie that fenced the new owner would then commit from its stale state. So a failed
      // producer is done: the task's next owner (this worker again, or another) connects anew.
      this.state = 'closed';
      return;
    }
    this.afterTransaction();
  }

  close(): void {
    this.state = 'closed';
    this.cluster.close();
  }

  private afterTransaction(): void {
    this.enlisted.clear();
    this.offsetsAdded = false;
    this.offsetsGroup = undefined;
    this.state = 'ready';
  }

  private expect(state: State, what: string): void {
    if (this.state === state) return;
    if (this.state === 'fenced') throw new ProducerFencedError(`${this.transactionalId}: cannot ${what}`, ErrorCode.PRODUCER_FENCED, 'fenced by a newer producer with the same transactional id');
    throw new Error(`${this.transactionalId}: cannot ${what} while the producer is ${this.state === 'failed' ? 'failed (abort the transaction)' : this.state}`);
  }

  private onFailure(error: unknown): void {
    if (this.state === 'closed') return;
    this.state = error instanceof ProducerFencedError ? 'fenced' : 'failed';
  }

  private seal(topic: string, partition: number, key: string, open: Open): PendingBatch {
    const baseSequence = this.sequences.get(key) ?? 0;
    // Sequences are int32 and wrap to 0, as Kafka's do.
    this.sequences.set(key, (baseSequence + open.builder.records) % 2 ** 31);
    this.batchBytes.set(key, Math.min(open.builder.size + (open.builder.size >> 2), this.maxBatchBytes + 64 * 1024));
    const bytes = open.builder.finish({ producerId: this.producerId, producerEpoch: this.producerEpoch, baseSequence, transactional: true }, open.gzip);
    return { topic, partition, bytes, first: false };
  }

  /** Adds the group to the transaction, so that its offsets can be committed with it. */
  private async addOffsets(groupId: string): Promise<void> {
    await this.toCoordinator(`AddOffsetsToTxn for group ${groupId}`, async (node) => {
      const answer = await this.cluster.send(node, 25, this.cluster.versions.addOffsetsToTxn, {
        transactionalId: this.transactionalId, producerId: this.producerId, producerEpoch: this.producerEpoch, groupId,
      });
      return { code: answer.errorCode };
    });
    this.offsetsGroup = groupId;
    this.offsetsAdded = true;
  }

  private async initProducerId(): Promise<void> {
    const answer = await this.toCoordinator(`InitProducerId for ${this.transactionalId}`, async (node) => {
      const value = await this.cluster.send(node, 22, this.cluster.versions.initProducerId, {
        transactionalId: this.transactionalId, transactionTimeoutMs: this.transactionTimeoutMs, producerId: -1, producerEpoch: -1,
      });
      return { code: value.errorCode, value };
    });
    this.producerId = answer!.producerId;
    this.producerEpoch = answer!.producerEpoch;
    this.sequences.clear();
    this.enlisted.clear();
    this.offsetsAdded = false;
  }

  /** Adds the batches' partitions that are new to the transaction. */
  private async enlist(batches: PendingBatch[]): Promise<void> {
    const fresh = new Map<string, Set<number>>();
    for (const b of batches) {
      const key = partitionKey(b.topic, b.partition);
      if (this.enlisted.has(key)) continue;
      let set = fresh.get(b.topic);
      if (!set) fresh.set(b.topic, (set = new Set()));
      set.add(b.partition);
    }
    if (fresh.size === 0) return;
    const topics = [...fresh].map(([name, set]) => ({ name, partitions: [...set] }));
    await this.toCoordinator('AddPartitionsToTxn', async (node) => {
      const answer = await this.cluster.send(node, 24, this.cluster.versions.addPartitionsToTxn, {
        transactions: [],
        v3AndBelowTransactionalId: this.transactionalId, v3AndBelowProducerId: this.producerId, v3AndBelowProducerEpoch: this.producerEpoch,
        v3AndBelowTopics: topics,
      });
      if ((answer.errorCode ?? 0) !== ErrorCode.NONE) return { code: answer.errorCode! };
      // OPERATION_NOT_ATTEMPTED marks the partitions left alone because another one failed: the
      // failure that matters is the other one.
      let worst: { code: number; message: string } | undefined;
      for (const t of answer.resultsByTopicV3AndBelow ?? []) {
        for (const p of t.resultsByPartition) {
          if (p.partitionErrorCode === ErrorCode.NONE || p.partitionErrorCode === ErrorCode.OPERATION_NOT_ATTEMPTED) continue;
          if (!worst || !isRetriable(p.partitionErrorCode)) worst = { code: p.partitionErrorCode, message: `${t.name}/${p.partitionIndex}` };
        }
      }
      return worst ?? { code: ErrorCode.NONE };
    });
    for (const t of topics) for (const p of t.partitions) this.enlisted.add(partitionKey(t.name, p));
  }

  /**
   * Produces the batches, the n-th batch of every partition in the n-th request to its leader, a
   * few requests in flight at once. Failed batches are retried with their sequence numbers, so a
   * retry of a batch that did land is recognized by the broker as a duplicate.
   */
  private async produce(batches: PendingBatch[], offsets: Map<string, number>): Promise<void> {
    const seen = new Set<string>();
    for (const b of batches) {
      const key = partitionKey(b.topic, b.partition);
      b.first = !seen.has(key);
      seen.add(key);
    }
    let pending = batches;
    for (let attempt = 0; ; attempt++) {
      const failures = await this.produceOnce(pending, offsets);
      if (failures.length === 0) return;
      const fatal = failures.find((f) => !isRetriable(f.code) && f.code !== ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
      const where = (f: { batch: PendingBatch }) => `Produce to ${f.batch.topic}/${f.batch.partition}`;
      if (fatal) throw protocolError(where(fatal), fatal.code, fatal.message);
      if (attempt >= this.cluster.retries) throw protocolError(`${where(failures[0]!)} (after ${attempt + 1} attempts)`, failures[0]!.code, failures[0]!.message);
      await sleep(backoff(attempt));
      this.cluster.forgetLeaders(failures.map((f) => f.batch.topic));
      pending = failures.map((f) => f.batch);
    }
  }

  private async produceOnce(batches: PendingBatch[], offsets: Map<string, number>): Promise<{ batch: PendingBatch; code: number; message: string | undefined }[]> {
    const failures: { batch: PendingBatch; code: number; message: string | undefined }[] = [];
    const rounds: Map<number, PendingBatch[]>[] = [];
    const roundOf = new Map<string, number>();
    for (const batch of batches) {
      let leader: number;
      try {
        leader = await this.cluster.leaderOf(batch.topic, batch.partition);
      } catch (error) {
        if (!(error instanceof KafkaProtocolError) || !error.retriable) throw error;
        failures.push({ batch, code: error.code, message: error.message });
        continue;
      }
      const key = partitionKey(batch.topic, batch.partition);
      const index = roundOf.get(key) ?? 0;
      roundOf.set(key, index + 1);
      const byLeader = (rounds[index] ??= new Map());
      let list = byLeader.get(leader);
      if (!list) byLeader.set(leader, (list = []));
      list.push(batch);
    }
    for (let start = 0; start < rounds.length; start += MAX_ROUNDS_IN_FLIGHT) {
      const requests: Promise<void>[] = [];
      for (const byLeader of rounds.slice(start, start + MAX_ROUNDS_IN_FLIGHT)) {
        for (const [leader, list] of byLeader) requests.push(this.produceTo(leader, list, offsets, failures));
      }
      await Promise.all(requests);
    }
    return failures;
  }

  private async produceTo(leader: number, batches: PendingBatch[], offsets: Map<string, number>, failures: { batch: PendingBatch; code: number; message: string | undefined }[]): Promise<void> {
    const byTopic = new Map<string, { index: number; records: Buffer }[]>();
    for (const batch of batches) {
      let list = byTopic.get(batch.topic);
      if (!list) byTopic.set(batch.topic, (list = []));
      list.push({ index: batch.partition, records: batch.bytes });
    }
    let answer;
    try {
      answer = await this.cluster.send(leader, 0, this.cluster.versions.produce, {
        transactionalId: this.transactionalId, acks: -1, timeoutMs: this.cluster.timeoutMs,
        topicData: [...byTopic].map(([name, partitionData]) => ({ name, partitionData })),
      });
    } catch (error) {
      if (!(error instanceof ConnectionError)) throw error;
      for (const batch of batches) failures.push({ batch, code: ErrorCode.NETWORK_EXCEPTION, message: error.message });
      return;
    }
    const answered = new Map<string, { errorCode: number; baseOffset: number; errorMessage?: string | null }>();
    for (const topic of answer.responses) for (const p of topic.partitionResponses) answered.set(partitionKey(topic.name, p.index), p);
    for (const batch of batches) {
      const key = partitionKey(batch.topic, batch.partition);
      const result = answered.get(key);
      if (!result) failures.push({ batch, code: ErrorCode.NETWORK_EXCEPTION, message: 'the broker did not answer for this partition' });
      // A duplicate is a retry of a batch the broker already has: it is written, once.
      else if (result.errorCode === ErrorCode.NONE || result.errorCode === ErrorCode.DUPLICATE_SEQUENCE_NUMBER) {
        if (batch.first) offsets.set(key, result.baseOffset);
      } else failures.push({ batch, code: result.errorCode, message: result.errorMessage ?? errorName(result.errorCode) });
    }
  }

  private async endTxn(committed: boolean): Promise<void> {
    await this.toCoordinator(committed ? 'EndTxn(commit)' : 'EndTxn(abort)', async (node) => {
      const answer = await this.cluster.send(node, 26, this.cluster.versions.endTxn, {
        transactionalId: this.transactionalId, producerId: this.producerId, producerEpoch: this.producerEpoch, committed,
      });
      return { code: answer.errorCode };
    });
  }

  /** Runs a request against the transaction coordinator, finding it (again) as needed. */
  private async toCoordinator<T>(what: string, request: (node: number) => Promise<{ code: number; value?: T; message?: string | null }>): Promise<T | undefined> {
    if (this.coordinator < 0) this.coordinator = await this.cluster.findCoordinator(this.transactionalId, 1);
    return this.cluster.withRetries(`${what} (${this.transactionalId})`, async () => {
      const result = await request(this.coordinator);
      return { code: result.code, value: result.value, message: result.message };
    }, async (code) => {
      if (Cluster.coordinatorMoved(code)) this.coordinator = await this.cluster.findCoordinator(this.transactionalId, 1);
    });
  }
}
