/**
 * The transaction coordinator: Kafka transactions for exactly-once pipelines (KIP-98).
 *
 * A transactional id maps to one producer id; InitProducerId bumps its epoch, which fences older
 * instances and aborts whatever they left open. AddPartitionsToTxn and AddOffsetsToTxn enlist
 * partitions and consumer groups; EndTxn writes a commit or abort marker (a control batch) into
 * every enlisted partition and applies or drops the group offsets staged by TxnOffsetCommit, so
 * outputs and input positions become visible together. A transaction left open longer than its
 * timeout is aborted and its producer fenced.
 *
 * Transaction state is written on every change (a line appended to `transactions.journal`, folded
 * into the snapshot `transactions.json` now and then: transaction-journal.ts), so after a restart
 * an open transaction is aborted (its producer must start over) and one that was committing is
 * completed, group offsets included: they are written with the PrepareCommit phase, not only held
 * in memory.
 */
import { encodeControlBatch } from '../codec/record-batch';
import type { GroupCoordinator, StoredOffset } from '../groups/index';
import { ErrorCode } from '../handlers/error-codes';
import type { ProducerIds } from '../producers/producer-ids';
import type { TopicManager } from '../topics/topic-manager';
import { TransactionJournal } from './transaction-journal';

type TxnPhase = 'Empty' | 'Ongoing' | 'PrepareCommit' | 'PrepareAbort';

interface TxnEntry {
  producerId: number;
  producerEpoch: number;
  phase: TxnPhase;
  timeoutMs: number;
  /** "topic\u0000partition" keys, so topic names with any legal character stay unambiguous. */
  partitions: string[];
  groups: string[];
  /** The group offsets of a committing transaction, persisted with the PrepareCommit phase. */
  offsets?: StoredOffset[];
}

export interface ProducerRef {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
}

export class TransactionCoordinator {
  private readonly txns: Map<string, TxnEntry>;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly journal: TransactionJournal<TxnEntry>;

  constructor(
    dataDir: string,
    private readonly producerIds: ProducerIds,
    private readonly topics: TopicManager,
    private readonly groups: GroupCoordinator,
    private readonly now: () => number = Date.now,
  ) {
    this.journal = new TransactionJournal<TxnEntry>(dataDir);
    this.txns = this.journal.load();
    this.recover();
  }

  /** InitProducerId for a transactional id: aborts what an older instance left open, bumps the epoch. */
  initProducerId(transactionalId: string, timeoutMs: number): { errorCode: number; producerId: number; producerEpoch: number } {
    const open = this.txns.get(transactionalId);
    const { producerId, producerEpoch } = this.producerIds.initTransactional(transactionalId);
    // As Kafka does, the abort marker carries the bumped epoch: every partition the old instance
    // wrote to then refuses its epoch, so a late write of a fenced zombie cannot open a
    // transaction that no marker would ever close (and hold the last stable offset back for good).
    if (open && open.phase !== 'Empty') this.complete(transactionalId, open, false, producerId === open.producerId ? producerEpoch : open.producerEpoch);
    this.txns.set(transactionalId, { producerId, producerEpoch, phase: 'Empty', timeoutMs, partitions: [], groups: [] });
    this.persist(transactionalId);
    return { errorCode: ErrorCode.NONE, producerId, producerEpoch };
  }

  addPartitions(ref: ProducerRef, partitions: { topic: string; partition: number }[]): Map<string, number> {
    const errors = new Map<string, number>();
    const check = this.check(ref);
    for (const { topic, partition } of partitions) {
      const key = partitionKey(topic, partition);
      if (check !== ErrorCode.NONE) errors.set(key, check);
      else if (!this.topics.partition(topic, partition)) errors.set(key, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      else errors.set(key, ErrorCode.NONE);
    }
    if (check !== ErrorCode.NONE) return errors;
    const entry = this.txns.get(ref.transactionalId)!;
    // Kafka enlists nothing when any partition fails, so a retry sees the same state.
    if ([...errors.values()].some((e) => e !== ErrorCode.NONE)) return errors;
    for (const key of errors.keys()) if (!entry.partitions.includes(key)) entry.partitions.push(key);
    this.begin(ref.transactionalId, entry);
    return errors;
  }

  addOffsets(ref: ProducerRef, groupId: string): number {
    const check = this.check(ref);
    if (check !== ErrorCode.NONE) return check;
    const entry = this.txns.get(ref.transactionalId)!;
    if (!entry.groups.includes(groupId)) entry.groups.push(groupId);
    this.begin(ref.transactionalId, entry);
    return ErrorCode.NONE;
  }

  /** Checks that a TxnOffsetCommit comes from the current producer of an open transaction with this group. */
  checkOffsetCommit(ref: ProducerRef, groupId: string): number {
    const check = this.check(ref);
    if (check !== ErrorCode.NONE) return check;
    const entry = this.txns.get(ref.transactionalId)!;
    return entry.groups.includes(groupId) ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE;
  }

  endTxn(ref: ProducerRef, commit: boolean): number {
    const check = this.check(ref);
    if (check !== ErrorCode.NONE) return check;
    const entry = this.txns.get(ref.transactionalId)!;
    // Ending a transaction that enlisted nothing is harmless, so it succeeds rather than confusing clients.
    if (entry.phase === 'Empty') return ErrorCode.NONE;
    return this.complete(ref.transactionalId, entry, commit);
  }

  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.journal.close();
  }

  private check(ref: ProducerRef): number {
    const entry = this.txns.get(ref.transactionalId);
    if (!entry || entry.producerId !== ref.producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (ref.producerEpoch < entry.producerEpoch) return ErrorCode.INVALID_PRODUCER_EPOCH;
    if (ref.producerEpoch > entry.producerEpoch) return ErrorCode.INVALID_PRODUCER_EPOCH;
    if (entry.phase === 'PrepareCommit' || entry.phase === 'PrepareAbort') return ErrorCode.CONCURRENT_TRANSACTIONS;
    return ErrorCode.NONE;
  }

  private begin(transactionalId: string, entry: TxnEntry): void {
    if (entry.phase === 'Empty') {
      entry.phase = 'Ongoing';
      const timer = setTimeout(() => this.expire(transactionalId), entry.timeoutMs);
      timer.unref();
      this.timers.set(transactionalId, timer);
    }
    this.persist(transactionalId);
  }

  /** Aborts a transaction that outlived its timeout, and fences its producer so it cannot go on. */
  private expire(transactionalId: string): void {
    const entry = this.txns.get(transactionalId);
    if (!entry || entry.phase !== 'Ongoing') return;
    const bumped = this.producerIds.initTransactional(transactionalId);
    this.complete(transactionalId, entry, false, bumped.producerId === entry.producerId ? bumped.producerEpoch : entry.producerEpoch);
    this.txns.set(transactionalId, { ...entry, ...bumped, phase: 'Empty', partitions: [], groups: [] });
    this.persist(transactionalId);
  }

  /** Writes the markers and settles the staged offsets; the phase is persisted first so a crash finishes the job. */
  private complete(transactionalId: string, entry: TxnEntry, commit: boolean, markerEpoch = entry.producerEpoch): number {
    // The staged offsets are only in memory: they are written with the PrepareCommit phase, so a
    // restart that completes this commit applies them too (after a restart nothing is staged and
    // the persisted ones are used).
    const staged = this.groups.takeTxnOffsets(entry.producerId);
    entry.offsets = commit ? [...(entry.offsets ?? []), ...staged] : [];
    entry.phase = commit ? 'PrepareCommit' : 'PrepareAbort';
    this.persist(transactionalId);
    const timer = this.timers.get(transactionalId);
    if (timer) clearTimeout(timer);
    this.timers.delete(transactionalId);
    let errorCode: number = ErrorCode.NONE;
    for (const key of entry.partitions) {
      const [topic, index] = key.split('\u0000') as [string, string];
      const partition = this.topics.partition(topic, Number(index));
      if (!partition) continue;
      const marker = encodeControlBatch({
        producerId: entry.producerId,
        producerEpoch: markerEpoch,
        type: commit ? 'commit' : 'abort',
        coordinatorEpoch: 0,
        timestamp: this.now(),
      });
      const result = partition.log.append(marker);
      if (result.kind === 'error') errorCode = result.errorCode;
      partition.appended.notify();
    }
    const groupError = commit ? this.groups.applyTxnOffsets(entry.offsets) : ErrorCode.NONE;
    if (errorCode === ErrorCode.NONE) errorCode = groupError;
    entry.phase = 'Empty';
    entry.partitions = [];
    entry.groups = [];
    entry.offsets = [];
    this.persist(transactionalId);
    return errorCode;
  }

  /** After a restart: finish commits that were under way, abort everything else that was open. */
  private recover(): void {
    for (const [id, entry] of this.txns) {
      if (entry.phase === 'PrepareCommit') this.complete(id, entry, true);
      else if (entry.phase !== 'Empty') this.complete(id, entry, false);
    }
  }

  private persist(transactionalId: string): void {
    this.journal.record(transactionalId, this.txns.get(transactionalId)!, this.txns);
  }
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
