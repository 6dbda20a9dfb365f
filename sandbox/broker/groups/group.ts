import { emptyAssignmentFor } from './consumer-assignment';
import { ErrorCode } from './error-codes';
import { joinError, metadataFor, sameProtocols, syncError, type Member } from './member';
import { selectProtocol, supportsProtocols } from './protocol-selection';
import type { Scheduler } from './scheduler';
import type {
  GroupState, HeartbeatRequest, JoinRequest, JoinResult, LeaveMember, SyncAssignment, SyncRequest, SyncResult,
} from './types';

/** What every group of one coordinator shares; see `GroupCoordinatorOptions` for the meaning of each. */
export interface GroupConfig {
  scheduler: Scheduler;
  initialRebalanceDelayMs: number;
  pendingMemberTimeoutMs: number;
  newMemberId: (clientId: string) => string;
}

/**
 * The membership state machine of one classic consumer group, after Kafka's GroupCoordinator and
 * franz-go kfake's `groups.go`:
 *
 *   Empty ──join──► PreparingRebalance ──all rejoined or timeout──► CompletingRebalance
 *   CompletingRebalance ──leader's SyncGroup──► Stable
 *   Stable / CompletingRebalance ──join, leave, session expiry──► PreparingRebalance
 *   PreparingRebalance ──nobody left──► Empty;  any ──DeleteGroups──► Dead
 *
 * Each completed join phase increments the generation. Members learn about a rebalance from
 * REBALANCE_IN_PROGRESS on Heartbeat or SyncGroup and answer by rejoining.
 */
export class Group {
  state: GroupState = 'Empty';
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, Member>();
  /** Member ids handed out with MEMBER_ID_REQUIRED that have not rejoined yet, with their expiry. */
  private readonly pending = new Map<string, () => void>();
  private readonly staticMembers = new Map<string, string>();
  private cancelJoinTimer: (() => void) | null = null;
  /** Set while the join phase of a previously empty group waits out the initial rebalance delay. */
  private initialDelay: { remainingMs: number; newMemberAdded: boolean } | null = null;

  constructor(
    readonly groupId: string,
    private readonly config: GroupConfig,
  ) {}

  get pendingMemberCount(): number {
    return this.pending.size;
  }

  join(req: JoinRequest): Promise<JoinResult> {
    const instanceId = req.groupInstanceId ?? null;
    if (this.state === 'Dead') return Promise.resolve(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, req.memberId));
    const replacedStatic = instanceId === null ? undefined : this.staticMembers.get(instanceId);
    const others = [...this.members.values()].filter((m) => m.memberId !== req.memberId && m.memberId !== replacedStatic);
    if (!supportsProtocols(this.protocolType, others, req.protocolType, req.protocols)) {
      return Promise.resolve(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, req.memberId));
    }

    if (req.memberId === '') {
      const memberId = this.config.newMemberId(req.clientId);
      if (instanceId !== null) {
        // Basic static membership: a restarted instance takes over from its previous incarnation, which
        // is fenced, and the group rebalances (Kafka would skip the rebalance when Stable).
        const old = replacedStatic === undefined ? undefined : this.members.get(replacedStatic);
        if (old) this.removeMember(old, ErrorCode.FENCED_INSTANCE_ID);
        return this.addMemberAndRebalance(memberId, req);
      }
      if (req.apiVersion >= 4) {
        this.addPending(memberId, req.sessionTimeoutMs);
        return Promise.resolve(joinError(ErrorCode.MEMBER_ID_REQUIRED, memberId));
      }
      return this.addMemberAndRebalance(memberId, req);
    }

    const cancelPending = this.pending.get(req.memberId);
    if (cancelPending) {
      cancelPending();
      this.pending.delete(req.memberId);
      return this.addMemberAndRebalance(req.memberId, req);
    }
    const member = this.members.get(req.memberId);
    if (!member) return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId));
    if (instanceId !== null && replacedStatic !== req.memberId) {
      return Promise.resolve(joinError(ErrorCode.FENCED_INSTANCE_ID, req.memberId));
    }

    switch (this.state) {
      case 'PreparingRebalance':
        return this.updateMemberAndRebalance(member, req);
      case 'CompletingRebalance':
        if (sameProtocols(member.protocols, req.protocols)) {
          // The member lost the join response (a reconnect, a client timeout): answer it again.
          this.renewSession(member);
          return Promise.resolve(this.joinResponseFor(member));
        }
        return this.updateMemberAndRebalance(member, req);
      case 'Stable':
        // A leader rejoins to make the group reassign (new topics matched its subscription), so it
        // always triggers a rebalance; a follower with unchanged metadata just gets the current generation.
        if (member.memberId === this.leaderId || !sameProtocols(member.protocols, req.protocols)) {
          return this.updateMemberAndRebalance(member, req);
        }
        this.renewSession(member);
        return Promise.resolve(this.joinResponseFor(member));
      default:
        return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId));
    }
  }

  sync(req: SyncRequest): Promise<SyncResult> {
    const error = this.validateMember(req.memberId, req.groupInstanceId ?? null, req.generationId);
    if (error !== ErrorCode.NONE) return Promise.resolve(syncError(error));
    const member = this.members.get(req.memberId);
    if (!member) return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    if ((req.protocolType != null && req.protocolType !== this.protocolType)
      || (req.protocolName != null && req.protocolName !== this.protocolName)) {
      return Promise.resolve(syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    switch (this.state) {
      case 'PreparingRebalance':
        return Promise.resolve(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      case 'CompletingRebalance': {
        this.renewSession(member);
        const answer = new Promise<SyncResult>((resolve) => {
          const previous = member.syncWaiter;
          member.syncWaiter = resolve;
          previous?.(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
        });
        if (member.memberId === this.leaderId) this.applyAssignments(req.assignments);
        return answer;
      }
      case 'Stable':
        this.renewSession(member);
        return Promise.resolve(this.syncResponseFor(member));
      default:
        return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  heartbeat(req: HeartbeatRequest): number {
    const error = this.validateMember(req.memberId, req.groupInstanceId ?? null, req.generationId);
    if (error !== ErrorCode.NONE) return error;
    const member = this.members.get(req.memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.renewSession(member);
    // This is how members that are not waiting in JoinGroup learn that they must rejoin.
    return this.state === 'PreparingRebalance' ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
  }

  /** Removes one leaving member (LeaveGroup) and returns its error code. */
  leave(leaving: LeaveMember): number {
    if (this.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const instanceId = leaving.groupInstanceId ?? null;
    const memberId = leaving.memberId === '' && instanceId !== null ? this.staticMembers.get(instanceId) ?? '' : leaving.memberId;
    const cancelPending = this.pending.get(memberId);
    if (cancelPending) {
      cancelPending();
      this.pending.delete(memberId);
      this.tryCompleteJoin();
      return ErrorCode.NONE;
    }
    const member = this.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (instanceId !== null && member.groupInstanceId !== instanceId) return ErrorCode.FENCED_INSTANCE_ID;
    this.removeMemberAndUpdateGroup(member);
    return ErrorCode.NONE;
  }

  /**
   * Checks an OffsetCommit against the group, in the order Kafka's `doCommitOffsets` does. Commits
   * during PreparingRebalance are accepted on purpose: consumers commit in their revoke callback
   * before rejoining, and that commit is what keeps records from being delivered twice.
   */
  validateCommit(memberId: string, generationId: number, instanceId: string | null): number {
    if (this.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    // Simple consumers (kcat assign mode, kafka-python manual commits) only use Kafka to store offsets.
    if (generationId < 0 && this.state === 'Empty') return ErrorCode.NONE;
    if (instanceId !== null && this.staticMembers.get(instanceId) !== memberId) return ErrorCode.FENCED_INSTANCE_ID;
    if (this.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    const member = this.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== this.generationId) return ErrorCode.ILLEGAL_GENERATION;
    this.renewSession(member);
    return ErrorCode.NONE;
  }

  /** Checks a TxnOffsetCommit: producers without member information (v0–2) are always accepted (KIP-447). */
  validateTxnCommit(memberId: string, generationId: number, instanceId: string | null): number {
    if (this.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (generationId < 0 && this.state === 'Empty') return ErrorCode.NONE;
    if (instanceId !== null && this.staticMembers.get(instanceId) !== memberId) return ErrorCode.FENCED_INSTANCE_ID;
    if (memberId !== '' && !this.members.has(memberId)) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId >= 0 && generationId !== this.generationId) return ErrorCode.ILLEGAL_GENERATION;
    return ErrorCode.NONE;
  }

  /** DeleteGroups: the caller has checked that the group has no members. */
  markDead(): void {
    this.shutdown(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    this.state = 'Dead';
  }

  /** Settles every waiting JoinGroup and SyncGroup with `errorCode` and cancels every timer. */
  shutdown(errorCode: number): void {
    this.cancelJoinTimer?.();
    this.cancelJoinTimer = null;
    this.initialDelay = null;
    for (const cancel of this.pending.values()) cancel();
    this.pending.clear();
    for (const m of this.members.values()) {
      m.cancelSession();
      const join = m.joinWaiter;
      const sync = m.syncWaiter;
      m.joinWaiter = null;
      m.syncWaiter = null;
      join?.(joinError(errorCode, m.memberId));
      sync?.(syncError(errorCode));
    }
  }

  private validateMember(memberId: string, instanceId: string | null, generationId: number): number {
    if (this.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (!this.members.has(memberId)) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (instanceId !== null && this.staticMembers.get(instanceId) !== memberId) return ErrorCode.FENCED_INSTANCE_ID;
    if (generationId !== this.generationId) return ErrorCode.ILLEGAL_GENERATION;
    return ErrorCode.NONE;
  }

  private addPending(memberId: string, sessionTimeoutMs: number): void {
    // A client that got MEMBER_ID_REQUIRED rejoins at once; one that never does (librdkafka can
    // abandon the id) would stall every join phase until it expires, so it expires quickly (pitfall 14).
    const ms = Math.min(sessionTimeoutMs, this.config.pendingMemberTimeoutMs);
    const cancel = this.config.scheduler.setTimer(ms, () => {
      if (this.pending.get(memberId) !== cancel) return;
      this.pending.delete(memberId);
      this.tryCompleteJoin();
    });
    this.pending.set(memberId, cancel);
  }

  private addMemberAndRebalance(memberId: string, req: JoinRequest): Promise<JoinResult> {
    const member: Member = {
      memberId,
      groupInstanceId: req.groupInstanceId ?? null,
      clientId: req.clientId,
      clientHost: req.clientHost,
      protocolType: req.protocolType,
      protocols: copyProtocols(req.protocols),
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: rebalanceTimeoutOf(req),
      assignment: Buffer.alloc(0),
      assignmentMissing: false,
      joinWaiter: null,
      syncWaiter: null,
      cancelSession: () => {},
    };
    if (this.members.size === 0) this.protocolType = req.protocolType;
    this.members.set(memberId, member);
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, memberId);
    if (this.leaderId === null) this.leaderId = memberId;
    if (this.initialDelay) this.initialDelay.newMemberAdded = true;
    this.renewSession(member);
    const answer = this.awaitJoin(member);
    this.maybePrepareRebalance();
    this.tryCompleteJoin();
    return answer;
  }

  private updateMemberAndRebalance(member: Member, req: JoinRequest): Promise<JoinResult> {
    member.clientId = req.clientId;
    member.clientHost = req.clientHost;
    member.protocolType = req.protocolType;
    member.protocols = copyProtocols(req.protocols);
    member.sessionTimeoutMs = req.sessionTimeoutMs;
    member.rebalanceTimeoutMs = rebalanceTimeoutOf(req);
    this.renewSession(member);
    const answer = this.awaitJoin(member);
    this.maybePrepareRebalance();
    this.tryCompleteJoin();
    return answer;
  }

  private awaitJoin(member: Member): Promise<JoinResult> {
    return new Promise<JoinResult>((resolve) => {
      // A second JoinGroup for the same member (the client reconnected) replaces the first, whose
      // connection is most likely gone; it still gets an answer so that nothing waits forever.
      const previous = member.joinWaiter;
      member.joinWaiter = resolve;
      previous?.(joinError(ErrorCode.REBALANCE_IN_PROGRESS, member.memberId));
    });
  }

  private maybePrepareRebalance(): void {
    if (this.state === 'Stable' || this.state === 'CompletingRebalance' || this.state === 'Empty') this.prepareRebalance();
  }

  private prepareRebalance(): void {
    if (this.state === 'CompletingRebalance') {
      // Followers waiting for the leader's assignment learn of the new rebalance from SyncGroup.
      for (const m of this.members.values()) {
        m.assignment = Buffer.alloc(0);
        m.assignmentMissing = false;
        this.releaseSync(m, syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      }
    }
    this.cancelJoinTimer?.();
    const wasEmpty = this.state === 'Empty';
    this.state = 'PreparingRebalance';
    if (wasEmpty) {
      // Kafka's group.initial.rebalance.delay.ms: consumers of a new group usually start together,
      // so waiting a little lets them share the first generation instead of rebalancing once each.
      const delay = this.config.initialRebalanceDelayMs;
      this.initialDelay = { remainingMs: Math.max(this.rebalanceTimeoutMs() - delay, 0), newMemberAdded: false };
      this.cancelJoinTimer = this.config.scheduler.setTimer(delay, () => this.onInitialDelayElapsed());
    } else {
      this.initialDelay = null;
      this.cancelJoinTimer = this.config.scheduler.setTimer(this.rebalanceTimeoutMs(), () => this.completeJoin());
    }
    this.tryCompleteJoin();
  }

  private onInitialDelayElapsed(): void {
    this.cancelJoinTimer = null;
    const delay = this.initialDelay;
    if (!delay) return;
    const configured = this.config.initialRebalanceDelayMs;
    // The delay restarts while members keep arriving (or have been told to come back with an id),
    // bounded by the rebalance timeout, like Kafka's InitialDelayedJoin.
    if ((delay.newMemberAdded || this.pending.size > 0) && delay.remainingMs > 0 && configured > 0) {
      const next = Math.min(configured, delay.remainingMs);
      this.initialDelay = { remainingMs: delay.remainingMs - next, newMemberAdded: false };
      this.cancelJoinTimer = this.config.scheduler.setTimer(next, () => this.onInitialDelayElapsed());
      return;
    }
    this.completeJoin();
  }

  private tryCompleteJoin(): void {
    if (this.state !== 'PreparingRebalance') return;
    if (this.members.size > 0) {
      if (this.initialDelay || this.pending.size > 0) return;
      for (const m of this.members.values()) if (!m.joinWaiter) return;
    }
    this.completeJoin();
  }

  private completeJoin(): void {
    if (this.state !== 'PreparingRebalance') return;
    this.cancelJoinTimer?.();
    this.cancelJoinTimer = null;
    this.initialDelay = null;
    // Members that did not rejoin within the rebalance timeout are out of the new generation.
    for (const m of [...this.members.values()]) if (!m.joinWaiter) this.removeMember(m, ErrorCode.UNKNOWN_MEMBER_ID);
    this.generationId++;
    const members = [...this.members.values()];
    const protocol = selectProtocol(members);
    if (members.length === 0 || protocol === null) {
      // Join validation keeps the members' protocols compatible, so `protocol` is null only without members.
      for (const m of members) this.removeMember(m, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
      this.state = 'Empty';
      this.protocolName = null;
      this.leaderId = null;
      return;
    }
    this.protocolName = protocol;
    if (this.leaderId === null || !this.members.has(this.leaderId)) this.leaderId = members[0]?.memberId ?? null;
    this.state = 'CompletingRebalance';
    for (const m of members) {
      m.assignment = Buffer.alloc(0);
      m.assignmentMissing = false;
      const waiter = m.joinWaiter;
      m.joinWaiter = null;
      this.renewSession(m);
      waiter?.(this.joinResponseFor(m));
    }
  }

  private joinResponseFor(member: Member): JoinResult {
    const isLeader = member.memberId === this.leaderId;
    return {
      errorCode: ErrorCode.NONE,
      generationId: this.generationId,
      protocolType: this.protocolType,
      protocolName: this.protocolName,
      leader: this.leaderId ?? '',
      memberId: member.memberId,
      members: isLeader
        ? [...this.members.values()].map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: metadataFor(m, this.protocolName) }))
        : [],
      skipAssignment: false,
    };
  }

  private applyAssignments(assignments: SyncAssignment[]): void {
    const given = new Map(assignments.map((a) => [a.memberId, a.assignment]));
    for (const m of this.members.values()) {
      const assignment = given.get(m.memberId);
      m.assignmentMissing = assignment === undefined;
      // Copied because the decoded buffer may be a view into a whole request frame.
      m.assignment = assignment && assignment.length > 0 ? Buffer.from(assignment) : emptyAssignmentFor(this.protocolType);
    }
    this.state = 'Stable';
    for (const m of this.members.values()) this.releaseSync(m, this.syncResponseFor(m));
  }

  /**
   * Answers a member waiting in SyncGroup. Its session restarts, as in Kafka's `propagateAssignment`:
   * it could not heartbeat while it waited, so its old deadline may be about to pass.
   */
  private releaseSync(member: Member, result: SyncResult): void {
    const waiter = member.syncWaiter;
    if (!waiter) return;
    member.syncWaiter = null;
    this.renewSession(member);
    waiter(result);
  }

  private syncResponseFor(member: Member): SyncResult {
    return {
      errorCode: ErrorCode.NONE,
      protocolType: this.protocolType,
      protocolName: this.protocolName,
      assignment: member.assignment,
      assignmentMissing: member.assignmentMissing,
    };
  }

  private renewSession(member: Member): void {
    member.cancelSession();
    member.cancelSession = this.config.scheduler.setTimer(member.sessionTimeoutMs, () => this.onSessionExpired(member));
  }

  private onSessionExpired(member: Member): void {
    if (this.members.get(member.memberId) !== member) return;
    // A member parked in JoinGroup or SyncGroup cannot heartbeat; the rebalance timeout bounds its wait.
    if (member.joinWaiter || member.syncWaiter) {
      this.renewSession(member);
      return;
    }
    this.removeMemberAndUpdateGroup(member);
  }

  private removeMemberAndUpdateGroup(member: Member): void {
    this.removeMember(member, ErrorCode.UNKNOWN_MEMBER_ID);
    if (this.state === 'Stable' || this.state === 'CompletingRebalance') this.prepareRebalance();
    else this.tryCompleteJoin();
  }

  private removeMember(member: Member, errorCode: number): void {
    member.cancelSession();
    this.members.delete(member.memberId);
    if (member.groupInstanceId !== null && this.staticMembers.get(member.groupInstanceId) === member.memberId) {
      this.staticMembers.delete(member.groupInstanceId);
    }
    if (this.leaderId === member.memberId) this.leaderId = this.members.keys().next().value ?? null;
    const join = member.joinWaiter;
    const sync = member.syncWaiter;
    member.joinWaiter = null;
    member.syncWaiter = null;
    join?.(joinError(errorCode, member.memberId));
    sync?.(syncError(errorCode));
  }

  private rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }
}

function rebalanceTimeoutOf(req: JoinRequest): number {
  return req.rebalanceTimeoutMs !== undefined && req.rebalanceTimeoutMs >= 0 ? req.rebalanceTimeoutMs : req.sessionTimeoutMs;
}

function copyProtocols(protocols: JoinRequest['protocols']): JoinRequest['protocols'] {
  // Copied because the decoded buffers may be views into a whole request frame.
  return protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) }));
}
