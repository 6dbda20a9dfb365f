import type { JoinProtocol, JoinResult, SyncResult } from './types';

/**
 * One member of a group as the coordinator tracks it. A member is either waiting in JoinGroup
 * (`joinWaiter`), waiting in SyncGroup (`syncWaiter`), or neither; the waiters are the resolve functions
 * of the Promises the broker awaits, so every path that forgets a member must call them.
 */
export interface Member {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  protocolType: string;
  protocols: JoinProtocol[];
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  /** The assignment from the last completed SyncGroup; ready for the wire. */
  assignment: Buffer;
  assignmentMissing: boolean;
  joinWaiter: ((result: JoinResult) => void) | null;
  syncWaiter: ((result: SyncResult) => void) | null;
  /** Cancels the pending session expiry; replaced on every renewal. */
  cancelSession: () => void;
}

export function metadataFor(member: Member, protocolName: string | null): Buffer {
  return member.protocols.find((p) => p.name === protocolName)?.metadata ?? Buffer.alloc(0);
}

/** Whether a rejoin changes nothing the leader's assignment depended on (Kafka's `matches`). */
export function sameProtocols(a: readonly JoinProtocol[], b: readonly JoinProtocol[]): boolean {
  return a.length === b.length && a.every((p, i) => p.name === b[i]?.name && p.metadata.equals(b[i]?.metadata ?? Buffer.alloc(0)));
}

export function joinError(errorCode: number, memberId: string): JoinResult {
  return { errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', memberId, members: [], skipAssignment: false };
}

export function syncError(errorCode: number): SyncResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: Buffer.alloc(0), assignmentMissing: false };
}
