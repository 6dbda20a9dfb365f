/**
 * The coordinator's public request and result types. They carry decoded values only: the broker's
 * handlers map each JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch,
 * TxnOffsetCommit, ListGroups, DescribeGroups and DeleteGroups version onto them, filling fields an
 * older version lacks with the defaults documented here. Offsets are plain numbers: Kafka offsets stay
 * far below 2^53, so the broker converts int64 values at the edge.
 */

/** The group states, spelled as Kafka spells them in DescribeGroups and ListGroups. */
export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface JoinProtocol {
  /** The assignor name, such as "range", "roundrobin" or kafkajs's "RoundRobinAssigner". */
  name: string;
  /** Opaque to the coordinator; for consumer groups an encoded ConsumerProtocolSubscription. */
  metadata: Buffer;
}

export interface JoinRequest {
  groupId: string;
  /** Empty for a member's first join. */
  memberId: string;
  /** KIP-345 static membership (v5+); null or omitted for dynamic members. */
  groupInstanceId?: string | null;
  protocolType: string;
  /** In the member's order of preference. */
  protocols: JoinProtocol[];
  sessionTimeoutMs: number;
  /** JoinGroup v0 has no such field; omit it (or pass -1) and the session timeout is used, as Kafka does. */
  rebalanceTimeoutMs?: number;
  clientId: string;
  clientHost: string;
  /** The JoinGroup request version: MEMBER_ID_REQUIRED is only ever answered from v4 on. */
  apiVersion: number;
}

export interface JoinMember {
  memberId: string;
  groupInstanceId: string | null;
  /** The member's metadata for the selected protocol. */
  metadata: Buffer;
}

export interface JoinResult {
  errorCode: number;
  /** -1 on error. */
  generationId: number;
  /** Null on error; JoinGroup below v7 encodes it as nothing (the field does not exist). */
  protocolType: string | null;
  /** Null on error; encode as "" below v7, where the field is not nullable. */
  protocolName: string | null;
  /** The leader's member id, "" on error. */
  leader: string;
  /** The id the member must use from now on (also set with MEMBER_ID_REQUIRED). */
  memberId: string;
  /** Every member with its metadata for the leader; empty for followers. */
  members: JoinMember[];
  /** KIP-814 (v9+): always false here, since static leaders are sent through a full rebalance. */
  skipAssignment: boolean;
}

export interface SyncAssignment {
  memberId: string;
  assignment: Buffer;
}

export interface SyncRequest {
  groupId: string;
  memberId: string;
  generationId: number;
  groupInstanceId?: string | null;
  /** SyncGroup v5+ only; null or omitted skips the check. */
  protocolType?: string | null;
  /** SyncGroup v5+ only; null or omitted skips the check. */
  protocolName?: string | null;
  /** Only the leader's assignments are used; followers send an empty list. */
  assignments: SyncAssignment[];
}

export interface SyncResult {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  /**
   * Ready to put on the wire. When the leader gave this member nothing (or zero bytes), consumer
   * groups get `EMPTY_CONSUMER_ASSIGNMENT` (a valid encoded ConsumerMemberAssignment, pitfall 6) and
   * other protocol types get zero bytes. Zero bytes on error.
   */
  assignment: Buffer;
  /** True when the leader's SyncGroup had no entry for this member; informational only. */
  assignmentMissing: boolean;
}

export interface HeartbeatRequest {
  groupId: string;
  memberId: string;
  generationId: number;
  groupInstanceId?: string | null;
}

export interface LeaveMember {
  /** May be "" for a static member leaving by its instance id (LeaveGroup v3+). */
  memberId: string;
  groupInstanceId?: string | null;
}

export interface LeaveRequest {
  groupId: string;
  /** LeaveGroup v0–2 carries exactly one member; v3+ a batch. */
  members: LeaveMember[];
}

export interface LeaveResult {
  /**
   * Group-level error. For LeaveGroup v0–2, which have only this code, the broker answers
   * `errorCode || members[0].errorCode`.
   */
  errorCode: number;
  members: { memberId: string; groupInstanceId: string | null; errorCode: number }[];
}

export interface CommitPartition {
  partitionIndex: number;
  committedOffset: number;
  /** -1 when the client does not send one (OffsetCommit below v6). */
  committedLeaderEpoch?: number;
  committedMetadata: string | null;
}

export interface CommitTopic {
  name: string;
  partitions: CommitPartition[];
}

export interface CommitRequest {
  groupId: string;
  /** "" for simple consumers (OffsetCommit v0 has no member id: pass ""). */
  memberId: string;
  /** -1 for simple consumers (OffsetCommit v0 has no generation: pass -1). */
  generationId: number;
  groupInstanceId?: string | null;
  topics: CommitTopic[];
}

export interface CommitResult {
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[];
}

export interface TxnCommitRequest extends CommitRequest {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
}

export interface FetchRequest {
  groupId: string;
  /** Null asks for every committed offset of the group (OffsetFetch v2+). */
  topics: { name: string; partitionIndexes: number[] }[] | null;
  /** OffsetFetch v7+ (KIP-447): answer UNSTABLE_OFFSET_COMMIT for partitions with pending transactional commits. */
  requireStable?: boolean;
}

export interface FetchPartition {
  partitionIndex: number;
  /** -1 when nothing is committed. */
  committedOffset: number;
  /** -1 when unknown. */
  committedLeaderEpoch: number;
  /** "" when nothing is committed, as Kafka answers. */
  metadata: string | null;
  errorCode: number;
}

export interface FetchResult {
  /** Group-level error (OffsetFetch v2+); below v2 the broker relies on the per-partition codes. */
  errorCode: number;
  topics: { name: string; partitions: FetchPartition[] }[];
}

export interface ListedGroup {
  groupId: string;
  protocolType: string;
  groupState: GroupState;
}

export interface ListGroupsResult {
  errorCode: number;
  groups: ListedGroup[];
}

export interface DescribedMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  /** The metadata for the selected protocol; empty unless the group is Stable, as in Kafka. */
  memberMetadata: Buffer;
  /** The member's current assignment; empty unless the group is Stable, as in Kafka. */
  memberAssignment: Buffer;
}

export interface DescribedGroup {
  errorCode: number;
  groupId: string;
  /** "Dead" (with error 0) for a group the coordinator does not know, as Kafka answers. */
  groupState: GroupState;
  protocolType: string;
  /** The selected protocol name; "" unless the group is Stable, as in Kafka. */
  protocolData: string;
  members: DescribedMember[];
}

export interface DeletedGroup {
  groupId: string;
  errorCode: number;
}
