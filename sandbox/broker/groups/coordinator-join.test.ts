import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from './error-codes';
import { formGroup, INITIAL_DELAY_MS, joinRequest, makeCoordinator, peek, settled } from './test-harness';

test('three members joining together share one generation, and only the leader gets the member list', async () => {
  const { clock, coordinator } = makeCoordinator();
  const { joins, syncs, leader } = await formGroup(coordinator, clock, ['a', 'b', 'c']);
  assert.deepEqual(joins.map((j) => j.generationId), [1, 1, 1]);
  assert.equal(leader, 'a-1', 'the first member to join leads');
  assert.ok(joins.every((j) => j.leader === 'a-1' && j.protocolName === 'range' && j.protocolType === 'consumer'));
  const [a, b, c] = joins;
  assert.deepEqual(a?.members.map((m) => [m.memberId, m.metadata.toString()]), [['a-1', 'meta'], ['b-2', 'meta'], ['c-3', 'meta']]);
  assert.deepEqual(b?.members, []);
  assert.deepEqual(c?.members, []);
  assert.deepEqual(syncs.map((s) => [s.errorCode, s.assignment.toString()]), [
    [0, 'assigned:b-2'], [0, 'assigned:c-3'], [0, 'assigned:a-1'],
  ]);
  assert.equal(coordinator.groupState('g'), 'Stable');
});

test('the first join phase of a new group waits for the initial delay, restarting it while members arrive', async () => {
  const { clock, coordinator } = makeCoordinator();
  const a = coordinator.join(joinRequest({ clientId: 'a' }));
  clock.advance(INITIAL_DELAY_MS - 1);
  assert.equal(await peek(a), 'pending');
  const b = coordinator.join(joinRequest({ clientId: 'b' }));
  clock.advance(1);
  assert.equal(await peek(a), 'pending', 'a member arrived during the delay, so it restarts');
  clock.advance(INITIAL_DELAY_MS - 1);
  assert.equal(await peek(b), 'pending');
  clock.advance(1);
  assert.equal((await settled(a)).generationId, 1);
  assert.equal((await settled(b)).generationId, 1);
});

test('an initial delay of zero completes the first join phase on the next timer tick', async () => {
  const { clock, coordinator } = makeCoordinator({ initialRebalanceDelayMs: 0 });
  const a = coordinator.join(joinRequest({ clientId: 'a' }));
  clock.advance(0);
  assert.equal((await settled(a)).errorCode, ErrorCode.NONE);
});

test('JoinGroup v4+ answers an unknown member with MEMBER_ID_REQUIRED and accepts the rejoin with that id', async () => {
  const { clock, coordinator } = makeCoordinator();
  const first = await settled(coordinator.join(joinRequest({ clientId: 'k', apiVersion: 4 })));
  assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
  assert.equal(first.memberId, 'k-1');
  assert.equal(first.generationId, -1);
  const rejoin = coordinator.join(joinRequest({ clientId: 'k', apiVersion: 4, memberId: first.memberId }));
  clock.advance(INITIAL_DELAY_MS);
  const joined = await settled(rejoin);
  assert.equal(joined.errorCode, ErrorCode.NONE);
  assert.equal(joined.memberId, 'k-1');
  assert.equal(joined.leader, 'k-1');
});

test('JoinGroup below v4 never answers MEMBER_ID_REQUIRED: the member gets an id and joins at once', async () => {
  const { clock, coordinator } = makeCoordinator();
  for (const apiVersion of [0, 1, 2, 3]) {
    const groupId = `g${apiVersion}`;
    const join = coordinator.join(joinRequest({ groupId, clientId: 'old', apiVersion, rebalanceTimeoutMs: apiVersion === 0 ? -1 : 30_000 }));
    clock.advance(INITIAL_DELAY_MS);
    const result = await settled(join);
    assert.equal(result.errorCode, ErrorCode.NONE, `v${apiVersion}`);
    assert.match(result.memberId, /^old-\d+$/);
  }
});

test('a pending member id that never rejoins stops holding up the join phase after the pending timeout', async () => {
  const { clock, coordinator } = makeCoordinator({ pendingMemberTimeoutMs: 500 });
  const { members } = await formGroup(coordinator, clock, ['a']);
  const abandoned = await settled(coordinator.join(joinRequest({ clientId: 'x', apiVersion: 4 })));
  assert.equal(abandoned.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
  // A rejoin of the existing leader starts a rebalance, which must wait for the pending member a while.
  const rejoin = coordinator.join(joinRequest({ clientId: 'a', memberId: members[0]?.memberId ?? '' }));
  clock.advance(499);
  assert.equal(await peek(rejoin), 'pending');
  clock.advance(1);
  const result = await settled(rejoin);
  assert.equal(result.generationId, 2);
  assert.deepEqual(result.members.map((m) => m.memberId), ['a-1']);
  const late = await settled(coordinator.join(joinRequest({ clientId: 'x', apiVersion: 4, memberId: abandoned.memberId })));
  assert.equal(late.errorCode, ErrorCode.UNKNOWN_MEMBER_ID, 'an expired pending id is forgotten');
});

test('the pending timeout is capped by the session timeout', async () => {
  const { clock, coordinator } = makeCoordinator({ pendingMemberTimeoutMs: 60_000 });
  const pending = await settled(coordinator.join(joinRequest({ apiVersion: 5, sessionTimeoutMs: 6000 })));
  clock.advance(6000);
  const late = await settled(coordinator.join(joinRequest({ apiVersion: 5, memberId: pending.memberId })));
  assert.equal(late.errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
});

test('protocol selection takes the protocol most members prefer among those every member supports', async () => {
  const { clock, coordinator } = makeCoordinator();
  const proto = (...names: string[]) => names.map((name) => ({ name, metadata: Buffer.from(`${name}-md`) }));
  const joins = [
    coordinator.join(joinRequest({ clientId: 'a', protocols: proto('cooperative-sticky', 'roundrobin', 'range') })),
    coordinator.join(joinRequest({ clientId: 'b', protocols: proto('roundrobin', 'range') })),
    coordinator.join(joinRequest({ clientId: 'c', protocols: proto('range', 'roundrobin') })),
    coordinator.join(joinRequest({ clientId: 'd', protocols: proto('roundrobin') })),
  ];
  clock.advance(2 * INITIAL_DELAY_MS);
  const results = await Promise.all(joins.map(settled));
  assert.ok(results.every((r) => r.protocolName === 'roundrobin'));
  assert.deepEqual(results[0]?.members.map((m) => m.metadata.toString()), ['roundrobin-md', 'roundrobin-md', 'roundrobin-md', 'roundrobin-md']);
});

test('a member sharing no protocol with the group, or of another protocol type, gets INCONSISTENT_GROUP_PROTOCOL', async () => {
  const { clock, coordinator } = makeCoordinator();
  await formGroup(coordinator, clock, ['a']);
  const kafkajs = await settled(coordinator.join(joinRequest({ clientId: 'js', protocols: [{ name: 'RoundRobinAssigner', metadata: Buffer.alloc(0) }] })));
  assert.equal(kafkajs.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  const connect = await settled(coordinator.join(joinRequest({ clientId: 'c', protocolType: 'connect' })));
  assert.equal(connect.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  const none = await settled(coordinator.join(joinRequest({ groupId: 'other', protocols: [] })));
  assert.equal(none.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  assert.equal(coordinator.groupState('other'), undefined, 'a refused first join creates no group');
  assert.equal(coordinator.groupState('g'), 'Stable', 'a refused member does not disturb the group');
});

test('an empty group id, a session timeout out of range and an unknown member id are refused', async () => {
  const { coordinator } = makeCoordinator({ minSessionTimeoutMs: 6000, maxSessionTimeoutMs: 300_000 });
  assert.equal((await settled(coordinator.join(joinRequest({ groupId: '' })))).errorCode, ErrorCode.INVALID_GROUP_ID);
  assert.equal((await settled(coordinator.join(joinRequest({ sessionTimeoutMs: 5999 })))).errorCode, ErrorCode.INVALID_SESSION_TIMEOUT);
  assert.equal((await settled(coordinator.join(joinRequest({ sessionTimeoutMs: 300_001 })))).errorCode, ErrorCode.INVALID_SESSION_TIMEOUT);
  assert.equal((await settled(coordinator.join(joinRequest({ memberId: 'ghost' })))).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
  assert.equal(coordinator.groupState('g'), undefined, 'a refused join creates no group');
});

test('a follower rejoining a Stable group with unchanged metadata gets the current generation without a rebalance', async () => {
  const { clock, coordinator } = makeCoordinator();
  const { joins } = await formGroup(coordinator, clock, ['a', 'b']);
  const follower = joins[1];
  assert.ok(follower);
  const again = await settled(coordinator.join(joinRequest({ clientId: 'b', memberId: follower.memberId })));
  assert.equal(again.generationId, 1);
  assert.deepEqual(again.members, []);
  assert.equal(coordinator.groupState('g'), 'Stable');
});

test('the leader rejoining a Stable group starts a rebalance (it does so when its subscription matches new topics)', async () => {
  const { clock, coordinator } = makeCoordinator();
  const { joins } = await formGroup(coordinator, clock, ['a', 'b']);
  const [leader, follower] = joins;
  assert.ok(leader && follower);
  const rejoin = coordinator.join(joinRequest({ clientId: 'a', memberId: leader.memberId }));
  assert.equal(coordinator.groupState('g'), 'PreparingRebalance');
  assert.equal(coordinator.heartbeat({ groupId: 'g', memberId: follower.memberId, generationId: 1 }), ErrorCode.REBALANCE_IN_PROGRESS);
  const followerRejoin = coordinator.join(joinRequest({ clientId: 'b', memberId: follower.memberId }));
  const [r1, r2] = [await settled(rejoin), await settled(followerRejoin)];
  assert.equal(r1.generationId, 2);
  assert.equal(r2.generationId, 2);
  assert.equal(r1.members.length, 2);
});
