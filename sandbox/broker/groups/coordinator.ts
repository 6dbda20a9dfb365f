import { randomUUID } from 'node:crypto';
import { ErrorCode } from './error-codes';
import { Group, type GroupConfig } from './group';
import { joinError, metadataFor, syncError } from './member';
import { OffsetBook } from './offset-book';
import { MemoryOffsetStore, type OffsetStore, type StoredOffset } from './offset-store';
import { realScheduler, type Scheduler } from './scheduler';
import { PendingTxnOffsets } from './txn-offsets';
import type {
  CommitRequest, CommitResult, DeletedGroup, DescribedGroup, FetchPartition, FetchRequest, FetchResult, GroupState,
  HeartbeatRequest, JoinRequest, JoinResult, LeaveRequest, LeaveResult, ListGroupsResult, SyncRequest, SyncResult,
  TxnCommitRequest,
} from './types';

/** Kafka's default group.initial.rebalance.delay.ms, for reference; the sandbox waits far less. */
export const KAFKA_INITIAL_REBALANCE_DELAY_MS = 3000;

export interface GroupCoordinatorOptions {
  /**
   * Where time comes from; tests pass a `VirtualScheduler`.
   * @default realScheduler
   */
  scheduler?: Scheduler;
  /**
   * Where committed offsets survive restarts; `FileOffsetStore.open(dir)` for the broker.
   * @default new MemoryOffsetStore()
   */
  store?: OffsetStore;
  /**
   * How long the first join phase of an empty group waits for more members, restarted (up to the
   * rebalance timeout) while members keep arriving. Kafka waits 3000 ms; the sandbox waits less so that
   * a consumer starts within a fraction of a second while consumers started together still share the
   * first generation.
   * @default 200
   * @example { initialRebalanceDelayMs: 0 }
   */
  initialRebalanceDelayMs?: number;
  /**
   * How long a member id handed out with MEMBER_ID_REQUIRED stays reserved for a rejoin (capped by the
   * member's session timeout). Pending ids hold up a join phase, so they expire quickly; a client that
   * comes back later gets UNKNOWN_MEMBER_ID and joins afresh.
   * @default 1000
   */
  pendingMemberTimeoutMs?: number;
  /**
   * Session timeouts outside [min, max] are refused with INVALID_SESSION_TIMEOUT, like Kafka's
   * group.min/max.session.timeout.ms (6000 and 1800000); the sandbox's minimum is lower so that tests can
   * use short sessions.
   * @default 1000
   */
  minSessionTimeoutMs?: number;
  /** @default 1800000 */
  maxSessionTimeoutMs?: number;
  /**
   * The longest commit metadata string accepted (Kafka's offset.metadata.max.bytes).
   * @default 4096
   */
  maxMetadataBytes?: number;
  /**
   * Makes member ids; Kafka uses `${clientId}-${uuid}`.
   * @example { newMemberId: (clientId) => `${clientId}-1` }
   */
  newMemberId?: (clientId: string) => string;
}

/**
 * Kafka's classic GroupCoordinator as a protocol-independent state machine: the broker's handlers
 * decode JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch, TxnOffsetCommit,
 * ListGroups, DescribeGroups and DeleteGroups and call these methods with plain values. JoinGroup and
 * SyncGroup long-poll, so they return Promises; everything else answers at once. After `close()` every
 * call answers COORDINATOR_NOT_AVAILABLE and every waiting Promise has been settled.
 */
export class GroupCoordinator {
  private readonly groups = new Map<string, Group>();
  private readonly offsets: OffsetBook;
  private readonly txnOffsets = new PendingTxnOffsets();
  private readonly config: GroupConfig;
  private readonly scheduler: Scheduler;
  private readonly minSessionTimeoutMs: number;
  private readonly maxSessionTimeoutMs: number;
  private readonly maxMetadataBytes: number;
  private closed = false;

  constructor(options: GroupCoordinatorOptions = {}) {
    this.scheduler = options.scheduler ?? realScheduler;
    this.config = {
      scheduler: this.scheduler,
      initialRebalanceDelayMs: options.initialRebalanceDelayMs ?? 200,
      pendingMemberTimeoutMs: options.pendingMemberTimeoutMs ?? 1000,
      newMemberId: options.newMemberId ?? ((clientId) => `${clientId}-${randomUUID()}`),
    };
    this.minSessionTimeoutMs = options.minSessionTimeoutMs ?? 1000;
    this.maxSessionTimeoutMs = options.maxSessionTimeoutMs ?? 1_800_000;
    this.maxMetadataBytes = options.maxMetadataBytes ?? 4096;
    this.offsets = new OffsetBook(options.store ?? new MemoryOffsetStore());
    // Groups known only by their committed offsets are listed as Empty after a restart, as in Kafka.
    for (const groupId of this.offsets.groupIds()) this.groups.set(groupId, new Group(groupId, this.config));
  }

  /** JoinGroup: resolves when the join phase completes (or at once on error or MEMBER_ID_REQUIRED). */
  join(req: JoinRequest): Promise<JoinResult> {
    if (this.closed) return Promise.resolve(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, req.memberId));
    if (req.groupId === '') return Promise.resolve(joinError(ErrorCode.INVALID_GROUP_ID, req.memberId));
    if (req.sessionTimeoutMs < this.minSessionTimeoutMs || req.sessionTimeoutMs > this.maxSessionTimeoutMs) {
      return Promise.resolve(joinError(ErrorCode.INVALID_SESSION_TIMEOUT, req.memberId));
    }
    const existing = this.groups.get(req.groupId);
    if (existing) return existing.join(req);
    // Only a first join may create a group; a member id for an unknown group is stale (a restart).
    if (req.memberId !== '') return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId));
    const group = this.createGroup(req.groupId);
    const answer = group.join(req);
    // A refused first join (no protocols, say) must not leave an empty group behind to be listed.
    if (group.members.size === 0 && group.pendingMemberCount === 0) this.groups.delete(req.groupId);
    return answer;
  }

  /** SyncGroup: the leader's call distributes assignments; followers wait for it. */
  sync(req: SyncRequest): Promise<SyncResult> {
    if (this.closed) return Promise.resolve(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (req.groupId === '') return Promise.resolve(syncError(ErrorCode.INVALID_GROUP_ID));
    const group = this.groups.get(req.groupId);
    if (!group) return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    return group.sync(req);
  }

  /** Heartbeat: returns the error code; REBALANCE_IN_PROGRESS tells the member to rejoin. */
  heartbeat(req: HeartbeatRequest): number {
    if (this.closed) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (req.groupId === '') return ErrorCode.INVALID_GROUP_ID;
    const group = this.groups.get(req.groupId);
    if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
    return group.heartbeat(req);
  }

  /** LeaveGroup, batched as in v3+; the rest of the group rebalances. */
  leave(req: LeaveRequest): LeaveResult {
    const answer = (errorCode: number, each: (m: LeaveRequest['members'][number]) => number): LeaveResult => ({
      errorCode,
      members: req.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId ?? null, errorCode: each(m) })),
    });
    if (this.closed) return answer(ErrorCode.COORDINATOR_NOT_AVAILABLE, () => ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (req.groupId === '') return answer(ErrorCode.INVALID_GROUP_ID, () => ErrorCode.INVALID_GROUP_ID);
    const group = this.groups.get(req.groupId);
    if (!group) return answer(ErrorCode.NONE, () => ErrorCode.UNKNOWN_MEMBER_ID);
    return answer(ErrorCode.NONE, (m) => group.leave(m));
  }

  /** OffsetCommit: per-partition error codes. */
  commitOffsets(req: CommitRequest): CommitResult {
    const check = this.checkCommit(req, (group) => group.validateCommit(req.memberId, req.generationId, req.groupInstanceId ?? null));
    if (check.errorCode !== ErrorCode.NONE) return uniformCommitResult(req, check.errorCode);
    const { accepted, result } = this.splitByMetadataSize(req);
    try {
      this.offsets.commit(accepted);
    } catch {
      // A failing disk: clients retry COORDINATOR_NOT_AVAILABLE, and nothing was applied in memory.
      return uniformCommitResult(req, ErrorCode.COORDINATOR_NOT_AVAILABLE);
    }
    return result;
  }

  /**
   * TxnOffsetCommit: stages offsets for `producerId` until {@link endTxn}. The transaction coordinator
   * has already checked the producer's epoch and that AddOffsetsToTxn covered this group.
   */
  txnCommitOffsets(req: TxnCommitRequest): CommitResult {
    const check = this.checkCommit(req, (group) => group.validateTxnCommit(req.memberId, req.generationId, req.groupInstanceId ?? null));
    if (check.errorCode !== ErrorCode.NONE) return uniformCommitResult(req, check.errorCode);
    const { accepted, result } = this.splitByMetadataSize(req);
    this.txnOffsets.stage(req.producerId, accepted);
    return result;
  }

  /**
   * Ends a transaction's offset commits, called by the transaction coordinator when it writes the
   * markers: commit applies what the producer staged, abort drops it. Returns an error code.
   */
  endTxn(producerId: number, commit: boolean): number {
    const staged = this.takeTxnOffsets(producerId);
    return commit ? this.applyTxnOffsets(staged) : ErrorCode.NONE;
  }

  /**
   * Removes and returns what a producer staged. The transaction coordinator persists them with its
   * PrepareCommit state before writing markers, because staged offsets live only in memory and a
   * restart between the two would otherwise commit the records but lose the offsets.
   */
  takeTxnOffsets(producerId: number): StoredOffset[] {
    return this.txnOffsets.take(producerId);
  }

  /** Applies a committed transaction's offsets, also when a restart completes the commit from the transaction log. */
  applyTxnOffsets(offsets: StoredOffset[]): number {
    if (offsets.length === 0) return ErrorCode.NONE;
    if (this.closed) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    // Deleting a group drops what it had staged; a group missing now is one that only had staged
    // offsets before a restart, and comes back as Empty, as groups known by their offsets do.
    for (const o of offsets) if (!this.groups.has(o.groupId)) this.groups.set(o.groupId, new Group(o.groupId, this.config));
    try {
      this.offsets.commit(offsets);
    } catch {
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    }
    return ErrorCode.NONE;
  }

  /** OffsetFetch: committed offset, leader epoch and metadata, or -1 where nothing is committed. */
  fetchOffsets(req: FetchRequest): FetchResult {
    const failed = (errorCode: number): FetchResult => ({
      errorCode,
      topics: (req.topics ?? []).map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((p) => ({ partitionIndex: p, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode })),
      })),
    });
    if (this.closed) return failed(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (req.groupId === '') return failed(ErrorCode.INVALID_GROUP_ID);
    const entry = (topic: string, partitionIndex: number): FetchPartition => {
      if (req.requireStable && this.txnOffsets.has(req.groupId, topic, partitionIndex)) {
        return { partitionIndex, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT };
      }
      const c = this.offsets.get(req.groupId, topic, partitionIndex);
      return {
        partitionIndex,
        committedOffset: c?.offset ?? -1,
        committedLeaderEpoch: c?.leaderEpoch ?? -1,
        metadata: c ? c.metadata : '',
        errorCode: ErrorCode.NONE,
      };
    };
    if (req.topics !== null) {
      return { errorCode: ErrorCode.NONE, topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((p) => entry(t.name, p)) })) };
    }
    const topics: FetchResult['topics'] = [];
    for (const { topic, partition } of this.offsets.all(req.groupId)) {
      let last = topics[topics.length - 1];
      if (!last || last.name !== topic) topics.push((last = { name: topic, partitions: [] }));
      last.partitions.push(entry(topic, partition));
    }
    return { errorCode: ErrorCode.NONE, topics };
  }

  /** ListGroups; `statesFilter` (v4+) matches state names case-insensitively, empty or omitted means all. */
  listGroups(statesFilter?: string[]): ListGroupsResult {
    if (this.closed) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, groups: [] };
    const wanted = new Set((statesFilter ?? []).map((s) => s.toLowerCase()));
    const groups = [...this.groups.values()]
      .filter((g) => wanted.size === 0 || wanted.has(g.state.toLowerCase()))
      .map((g) => ({ groupId: g.groupId, protocolType: g.protocolType ?? '', groupState: g.state }));
    return { errorCode: ErrorCode.NONE, groups };
  }

  /** DescribeGroups; an unknown group is described as Dead with no error, as Kafka does. */
  describeGroups(groupIds: string[]): DescribedGroup[] {
    return groupIds.map((groupId): DescribedGroup => {
      const blank = (errorCode: number, groupState: GroupState): DescribedGroup => ({ errorCode, groupId, groupState, protocolType: '', protocolData: '', members: [] });
      if (this.closed) return blank(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'Dead');
      if (groupId === '') return blank(ErrorCode.INVALID_GROUP_ID, 'Dead');
      const group = this.groups.get(groupId);
      if (!group) return blank(ErrorCode.NONE, 'Dead');
      // Like Kafka's GroupMetadata.summary: metadata, assignments and protocol only once Stable.
      const stable = group.state === 'Stable';
      return {
        errorCode: ErrorCode.NONE,
        groupId,
        groupState: group.state,
        protocolType: group.protocolType ?? '',
        protocolData: stable ? group.protocolName ?? '' : '',
        members: [...group.members.values()].map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          memberMetadata: stable ? metadataFor(m, group.protocolName) : Buffer.alloc(0),
          memberAssignment: stable ? m.assignment : Buffer.alloc(0),
        })),
      };
    });
  }

  /** DeleteGroups: only groups without members can go; their committed offsets go with them. */
  deleteGroups(groupIds: string[]): DeletedGroup[] {
    return groupIds.map((groupId) => {
      if (this.closed) return { groupId, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE };
      if (groupId === '') return { groupId, errorCode: ErrorCode.INVALID_GROUP_ID };
      const group = this.groups.get(groupId);
      if (!group) return { groupId, errorCode: ErrorCode.GROUP_ID_NOT_FOUND };
      if (group.state !== 'Empty') return { groupId, errorCode: ErrorCode.NON_EMPTY_GROUP };
      try {
        this.offsets.deleteGroup(groupId);
      } catch {
        return { groupId, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE };
      }
      this.txnOffsets.dropGroup(groupId);
      group.markDead();
      this.groups.delete(groupId);
      return { groupId, errorCode: ErrorCode.NONE };
    });
  }

  /** The state of one group, or undefined when unknown; for the inspector and tests. */
  groupState(groupId: string): GroupState | undefined {
    return this.groups.get(groupId)?.state;
  }

  /**
   * Settles every waiting JoinGroup and SyncGroup with COORDINATOR_NOT_AVAILABLE (clients then look
   * for the coordinator again), cancels every timer and closes the offset store. Idempotent.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const group of this.groups.values()) group.shutdown(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    this.offsets.close();
  }

  private createGroup(groupId: string): Group {
    const group = new Group(groupId, this.config);
    this.groups.set(groupId, group);
    return group;
  }

  private checkCommit(req: CommitRequest, validate: (group: Group) => number): { errorCode: number } {
    if (this.closed) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE };
    if (req.groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID };
    let group = this.groups.get(req.groupId);
    if (!group) {
      // An unknown group may be created by a simple consumer; a generation for it must be stale.
      if (req.generationId >= 0) return { errorCode: ErrorCode.ILLEGAL_GENERATION };
      group = this.createGroup(req.groupId);
    }
    return { errorCode: validate(group) };
  }

  private splitByMetadataSize(req: CommitRequest): { accepted: StoredOffset[]; result: CommitResult } {
    const accepted: StoredOffset[] = [];
    const now = this.scheduler.now();
    const result: CommitResult = {
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          if (p.committedMetadata !== null && Buffer.byteLength(p.committedMetadata, 'utf8') > this.maxMetadataBytes) {
            return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.OFFSET_METADATA_TOO_LARGE };
          }
          accepted.push({
            groupId: req.groupId,
            topic: t.name,
            partition: p.partitionIndex,
            offset: p.committedOffset,
            leaderEpoch: p.committedLeaderEpoch ?? -1,
            metadata: p.committedMetadata,
            commitTimestamp: now,
          });
          return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE };
        }),
      })),
    };
    return { accepted, result };
  }
}

function uniformCommitResult(req: CommitRequest, errorCode: number): CommitResult {
  return { topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })) };
}
