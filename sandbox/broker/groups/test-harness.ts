import assert from 'node:assert/strict';
import { GroupCoordinator, type GroupCoordinatorOptions } from './coordinator';
import { ErrorCode } from './error-codes';
import type { JoinRequest, JoinResult, SyncResult } from './types';
import { VirtualScheduler } from './virtual-scheduler';

/**
 * Shared set-up for the coordinator's tests: a coordinator on virtual time with predictable member
 * ids (`<clientId>-<n>`), and helpers to join, sync and look at Promises without real sleeps.
 */
export const INITIAL_DELAY_MS = 100;
export const SESSION_MS = 10_000;
export const REBALANCE_MS = 30_000;

export function makeCoordinator(options: GroupCoordinatorOptions = {}): { clock: VirtualScheduler; coordinator: GroupCoordinator } {
  const clock = new VirtualScheduler(1_000_000);
  let next = 0;
  const coordinator = new GroupCoordinator({
    scheduler: clock,
    initialRebalanceDelayMs: INITIAL_DELAY_MS,
    newMemberId: (clientId) => `${clientId}-${++next}`,
    ...options,
  });
  return { clock, coordinator };
}

export function joinRequest(overrides: Partial<JoinRequest> = {}): JoinRequest {
  return {
    groupId: 'g',
    memberId: '',
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: Buffer.from('meta') }],
    sessionTimeoutMs: SESSION_MS,
    rebalanceTimeoutMs: REBALANCE_MS,
    clientId: 'client',
    clientHost: '/127.0.0.1',
    apiVersion: 3,
    ...overrides,
  };
}

const PENDING = Symbol('pending');

/** The value of a Promise once every queued callback has run, or 'pending' when it has not settled. */
export async function peek<T>(promise: Promise<T>): Promise<T | 'pending'> {
  const result = await Promise.race([promise, new Promise<typeof PENDING>((resolve) => setImmediate(() => resolve(PENDING)))]);
  return result === PENDING ? 'pending' : result;
}

/** Awaits a Promise that must already be settled, failing the test instead of hanging when it is not. */
export async function settled<T>(promise: Promise<T>): Promise<T> {
  const value = await peek(promise);
  assert.notEqual(value, 'pending', 'expected the Promise to have settled');
  return value as T;
}

export interface FormedMember {
  memberId: string;
  generationId: number;
}

/**
 * Joins `clientIds.length` new members together (JoinGroup v3, so no MEMBER_ID_REQUIRED), lets the
 * initial delay pass, then syncs with the leader assigning each member its own id as bytes.
 */
export async function formGroup(
  coordinator: GroupCoordinator,
  clock: VirtualScheduler,
  clientIds: string[],
  groupId = 'g',
): Promise<{ members: FormedMember[]; leader: string; joins: JoinResult[]; syncs: SyncResult[] }> {
  const pending = clientIds.map((clientId) => coordinator.join(joinRequest({ groupId, clientId })));
  // Members after the first arrive during the initial delay, which therefore runs twice (Kafka's InitialDelayedJoin).
  clock.advance(clientIds.length > 1 ? 2 * INITIAL_DELAY_MS : INITIAL_DELAY_MS);
  const joins: JoinResult[] = [];
  for (const p of pending) joins.push(await settled(p));
  for (const j of joins) assert.equal(j.errorCode, ErrorCode.NONE);
  const leader = joins[0]?.leader ?? '';
  return { ...(await syncAll(coordinator, joins, groupId)), leader, joins };
}

/** Syncs every member of a completed join phase, the leader last so that followers really wait. */
export async function syncAll(
  coordinator: GroupCoordinator,
  joins: JoinResult[],
  groupId = 'g',
): Promise<{ members: FormedMember[]; syncs: SyncResult[] }> {
  const leaderJoin = joins.find((j) => j.memberId === j.leader);
  assert.ok(leaderJoin, 'one member must be the leader');
  const followers = joins.filter((j) => j !== leaderJoin);
  const base = { groupId, protocolType: 'consumer', protocolName: leaderJoin.protocolName };
  const followerSyncs = followers.map((j) => coordinator.sync({ ...base, memberId: j.memberId, generationId: j.generationId, assignments: [] }));
  for (const p of followerSyncs) assert.equal(await peek(p), 'pending', 'followers wait for the leader');
  const assignments = leaderJoin.members.map((m) => ({ memberId: m.memberId, assignment: Buffer.from(`assigned:${m.memberId}`) }));
  const leaderSync = coordinator.sync({ ...base, memberId: leaderJoin.memberId, generationId: leaderJoin.generationId, assignments });
  const syncs: SyncResult[] = [];
  for (const p of [...followerSyncs, leaderSync]) syncs.push(await settled(p));
  const order = [...followers, leaderJoin];
  return { members: order.map((j) => ({ memberId: j.memberId, generationId: j.generationId })), syncs };
}
