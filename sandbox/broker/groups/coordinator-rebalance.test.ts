import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EMPTY_CONSUMER_ASSIGNMENT } from './consumer-assignment';
import { ErrorCode } from './error-codes';
import { formGroup, joinRequest, makeCoordinator, peek, REBALANCE_MS, SESSION_MS, settled, syncAll } from './test-harness';

test('a member leaving makes the others see REBALANCE_IN_PROGRESS, rejoin and form the next generation', async () => {
  const { clock, coordinator } = makeCoordinator();
  const { joins } = await formGroup(coordinator, clock, ['a', 'b', 'c']);
  const [a, b, c] = joins;
  assert.ok(a && b && c);
  const left = coordinator.leave({ groupId: 'g', members: [{ memberId: b.memberId }] });
  assert.deepEqual(left, { errorCode: 0, members: [{ memberId: b.memberId, groupInstanceId: null, errorCode: 0 }] });
  assert.equal(coordinator.groupState('g'), 'PreparingRebalance');
  assert.equal(coordinator.heartbeat({ groupId: 'g', memberId: a.memberId, generationId: 1 }), ErrorCode.REBALANCE_IN_PROGRESS);
  assert.equal(coordinator.heartbeat({ groupId: 'g', memberId: c.memberId, generationId: 1 }), ErrorCode.REBALANCE_IN_PROGRESS);
  assert.equal(coordinator.heartbeat({ groupId: 'g', memberId: b.memberId, generationId: 1 }), ErrorCode.UNKNOWN_MEMBER_ID);
  const rejoinC = coordinator.join(joinRequest({ clientId: 'c', memberId: c.memberId }));
  assert.equal(await peek(rejoinC), 'pending', 'the join phase waits for every remaining member');
  const rejoinA = coordinator.join(joinRequest({ clientId: 'a', memberId: a.memberId }));
  const [ja, jc] = [await settled(rejoinA), await settled(rejoinC)];
  assert.equal(ja.generationId, 2);
  assert.equal(jc.generationId, 2);
  assert.deepEqual(ja.members.map((m) => m.memberId), [a.memberId, c.memberId]);
  const { syncs } = await syncAll(coordinator, [ja, jc]);
  assert.ok(syncs.every((s) => s.errorCode === ErrorCode.NONE));
  assert.equal(coordinator.heartbeat({ groupId: 'g', memberId: a.memberId, generationId: 1 }), ErrorCode.ILLEGAL_GENERATION);
  assert.equal(coordinator.heartbeat({ groupId: 'g', memberId: a.memberId, generationId: 2 }), ErrorCode.NONE);
});

test('the leader leaving hands leadership to a remaining member', async () => {
  const { clock, coordinator } = makeCoordinator();
  const { joins } = await formGroup(coordinator, clock, ['a', 'b']);
  const [a, b] = joins;
  assert.ok(a && b);
  coordinator.leave({ groupId: 'g', members: [{ memberId: a.memberId }] });
  const rejoin = await settled(coordinator.join(joinRequest({ clientId: 'b', memberId: b.memberId })));
  assert.equal(rejoin.leader, b.memberId);
  assert.deepEqual(rejoin.members.map((m) => m.memberId), [b.memberId]);
});

test('a member that stops heartbeating is expired after its session timeout and the group rebalances', async () => {
  const { clock, coordinator } = makeCoordinator();
  const { joins } = await formGroup(coordinator, clock, ['a', 'b']);
  const [a, b] = joins;
  assert.ok(a && b);
  // b's session started when it last synced; a keeps heartbeating every 3 s.
  for (let i = 0; i < 3; i++) {
    clock.advance(3000);
    assert.equal(coordinator.heartbeat({ groupId: 'g', memberId: a.memberId, generationId: 1 }), ErrorCode.NONE);
  }
  clock.advance(SESSION_MS - 9000 - 1);
  assert.equal(coordinator.groupState('g'), 'Stable', 'b is within its session until its timeout');
  clock.advance(1);
  assert.equal(coordinator.groupState('g'), 'PreparingRebalance', 'b expired');
  assert.equal(coordinator.heartbeat({ groupId: 'g', memberId: b.memberId, generationId: 1 }), ErrorCode.UNKNOWN_MEMBER_ID);
  assert.equal(coordinator.heartbeat({ groupId: 'g', memberId: a.memberId, generationId: 1 }), ErrorCode.REBALANCE_IN_PROGRESS);
  const rejoin = await settled(coordinator.join(joinRequest({ clientId: 'a', memberId: a.memberId })));
  assert.equal(rejoin.generationId, 2);
  assert.deepEqual(rejoin.members.map((m) => m.memberId), [a.memberId]);
});

test('a member that heartbeats but does not rejoin is dropped when the rebalance timeout elapses', async () => {
  const { clock, coordinator } = makeCoordinator();
  const { joins } = await formGroup(coordinator, clock, ['a', 'b']);
  const [a, b] = joins;
  assert.ok(a && b);
  const rejoinA = coordinator.join(joinRequest({ clientId: 'a', memberId: a.memberId }));
  for (let elapsed = 0; elapsed < REBALANCE_MS - 3000; elapsed += 3000) {
    clock.advance(3000);
    assert.equal(coordinator.heartbeat({ groupId: 'g', memberId: b.memberId, generationId: 1 }), ErrorCode.REBALANCE_IN_PROGRESS);
  }
  assert.equal(await peek(rejoinA), 'pending', 'a waits in JoinGroup beyond its own session timeout');
  clock.advance(3000);
  const result = await settled(rejoinA);
  assert.equal(result.generationId, 2);
  assert.deepEqual(result.members.map((m) => m.memberId), [a.memberId]);
  assert.equal(coordinator.heartbeat({ groupId: 'g', memberId: b.memberId, generationId: 1 }), ErrorCode.UNKNOWN_MEMBER_ID);
  const late = await settled(coordinator.join(joinRequest({ clientId: 'b', memberId: b.memberId })));
  assert.equal(late.errorCode, ErrorCode.UNKNOWN_MEMBER_ID, 'the dropped member must join afresh');
});

test('a new member joining a Stable group triggers a rebalance that includes it', async () => {
  const { clock, coordinator } = makeCoordinator();
  const { joins } = await formGroup(coordinator, clock, ['a']);
  const a = joins[0];
  assert.ok(a);
  const joinB = coordinator.join(joinRequest({ clientId: 'b' }));
  assert.equal(coordinator.heartbeat({ groupId: 'g', memberId: a.memberId, generationId: 1 }), ErrorCode.REBALANCE_IN_PROGRESS);
  clock.advance(1);
  assert.equal(await peek(joinB), 'pending', 'no initial delay for a group that is not empty, but a must rejoin');
  const rejoinA = await settled(coordinator.join(joinRequest({ clientId: 'a', memberId: a.memberId })));
  const jb = await settled(joinB);
  assert.equal(rejoinA.generationId, 2);
  assert.equal(jb.generationId, 2);
  assert.equal(rejoinA.leader, a.memberId);
  assert.equal(rejoinA.members.length, 2);
});

test('a join during CompletingRebalance answers waiting followers REBALANCE_IN_PROGRESS from SyncGroup', async () => {
  const { clock, coordinator } = makeCoordinator();
  const pending = ['a', 'b'].map((clientId) => coordinator.join(joinRequest({ clientId })));
  clock.advance(200);
  const [a, b] = await Promise.all(pending.map(settled));
  assert.ok(a && b);
  const followerSync = coordinator.sync({ groupId: 'g', memberId: b.memberId, generationId: 1, assignments: [] });
  assert.equal(await peek(followerSync), 'pending');
  const joinC = coordinator.join(joinRequest({ clientId: 'c' }));
  assert.equal((await settled(followerSync)).errorCode, ErrorCode.REBALANCE_IN_PROGRESS);
  const leaderSync = await settled(coordinator.sync({ groupId: 'g', memberId: a.memberId, generationId: 1, assignments: [] }));
  assert.equal(leaderSync.errorCode, ErrorCode.REBALANCE_IN_PROGRESS, 'the leader learns too and rejoins');
  assert.equal(await peek(joinC), 'pending');
});

test('SyncGroup refuses unknown members, stale generations and mismatched protocols', async () => {
  const { clock, coordinator } = makeCoordinator();
  const { joins } = await formGroup(coordinator, clock, ['a']);
  const a = joins[0];
  assert.ok(a);
  const sync = (over: object) => settled(coordinator.sync({ groupId: 'g', memberId: a.memberId, generationId: 1, assignments: [], ...over }));
  assert.equal((await sync({ memberId: 'nobody' })).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
  assert.equal((await sync({ generationId: 0 })).errorCode, ErrorCode.ILLEGAL_GENERATION);
  assert.equal((await sync({ protocolName: 'roundrobin' })).errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  assert.equal((await sync({ groupId: '' })).errorCode, ErrorCode.INVALID_GROUP_ID);
  assert.equal((await sync({ groupId: 'unknown' })).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
  const again = await sync({});
  assert.equal(again.errorCode, ErrorCode.NONE);
  assert.equal(again.assignment.toString(), `assigned:${a.memberId}`, 'a Stable group answers with the current assignment');
  coordinator.join(joinRequest({ clientId: 'z' }));
  assert.equal((await sync({})).errorCode, ErrorCode.REBALANCE_IN_PROGRESS);
});

test('a member the leader assigned nothing gets an encoded empty consumer assignment, never zero bytes', async () => {
  const { clock, coordinator } = makeCoordinator();
  const pending = ['a', 'b', 'c'].map((clientId) => coordinator.join(joinRequest({ clientId })));
  clock.advance(200);
  const [a, b, c] = await Promise.all(pending.map(settled));
  assert.ok(a && b && c);
  const followers = [b, c].map((j) => coordinator.sync({ groupId: 'g', memberId: j.memberId, generationId: 1, assignments: [] }));
  const leader = await settled(coordinator.sync({
    groupId: 'g', memberId: a.memberId, generationId: 1,
    assignments: [{ memberId: a.memberId, assignment: Buffer.from('all') }, { memberId: c.memberId, assignment: Buffer.alloc(0) }],
  }));
  const [sb, sc] = await Promise.all(followers.map(settled));
  assert.equal(leader.assignment.toString(), 'all');
  assert.deepEqual(sb?.assignment, EMPTY_CONSUMER_ASSIGNMENT);
  assert.equal(sb?.assignmentMissing, true);
  assert.deepEqual(sc?.assignment, EMPTY_CONSUMER_ASSIGNMENT, 'zero bytes from the leader are replaced too');
  assert.equal(sc?.assignmentMissing, false);
  assert.deepEqual([...EMPTY_CONSUMER_ASSIGNMENT], [0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
});

test('for protocol types other than consumer a missing assignment is zero bytes', async () => {
  const { clock, coordinator } = makeCoordinator();
  const pending = ['a', 'b'].map((clientId) => coordinator.join(joinRequest({ clientId, protocolType: 'connect' })));
  clock.advance(200);
  const [a, b] = await Promise.all(pending.map(settled));
  assert.ok(a && b);
  const follower = coordinator.sync({ groupId: 'g', memberId: b.memberId, generationId: 1, assignments: [] });
  await settled(coordinator.sync({ groupId: 'g', memberId: a.memberId, generationId: 1, assignments: [] }));
  assert.equal((await settled(follower)).assignment.length, 0);
});

test('a leader that never syncs expires, and its waiting followers are sent back to rejoin', async () => {
  const { clock, coordinator } = makeCoordinator();
  const pending = ['a', 'b'].map((clientId) => coordinator.join(joinRequest({ clientId })));
  clock.advance(200);
  const [, b] = await Promise.all(pending.map(settled));
  assert.ok(b);
  const follower = coordinator.sync({ groupId: 'g', memberId: b.memberId, generationId: 1, assignments: [] });
  clock.advance(SESSION_MS);
  assert.equal((await settled(follower)).errorCode, ErrorCode.REBALANCE_IN_PROGRESS);
  const rejoin = await settled(coordinator.join(joinRequest({ clientId: 'b', memberId: b.memberId })));
  assert.equal(rejoin.generationId, 2);
  assert.equal(rejoin.leader, b.memberId);
});

test('LeaveGroup answers per member, and the last member leaving empties the group', async () => {
  const { clock, coordinator } = makeCoordinator();
  const { joins } = await formGroup(coordinator, clock, ['a', 'b']);
  const result = coordinator.leave({ groupId: 'g', members: joins.map((j) => ({ memberId: j.memberId })).concat([{ memberId: 'ghost' }]) });
  assert.deepEqual(result.members.map((m) => m.errorCode), [0, 0, ErrorCode.UNKNOWN_MEMBER_ID]);
  assert.equal(coordinator.groupState('g'), 'Empty');
  assert.deepEqual(coordinator.leave({ groupId: 'nope', members: [{ memberId: 'x' }] }).members.map((m) => m.errorCode), [ErrorCode.UNKNOWN_MEMBER_ID]);
  assert.equal(coordinator.leave({ groupId: '', members: [{ memberId: 'x' }] }).errorCode, ErrorCode.INVALID_GROUP_ID);
  const next = coordinator.join(joinRequest({ clientId: 'c' }));
  clock.advance(100);
  assert.equal((await settled(next)).generationId, 3, 'the emptied group went through generation 2 with no members');
});

test('a member leaving while others wait in JoinGroup completes the join phase without it', async () => {
  const { clock, coordinator } = makeCoordinator();
  const { joins } = await formGroup(coordinator, clock, ['a', 'b']);
  const [a, b] = joins;
  assert.ok(a && b);
  const rejoinA = coordinator.join(joinRequest({ clientId: 'a', memberId: a.memberId }));
  assert.equal(await peek(rejoinA), 'pending');
  coordinator.leave({ groupId: 'g', members: [{ memberId: b.memberId }] });
  assert.equal((await settled(rejoinA)).generationId, 2);
});

test('static members are found by instance id; a new incarnation fences the old one', async () => {
  const { clock, coordinator } = makeCoordinator();
  const first = coordinator.join(joinRequest({ clientId: 's', groupInstanceId: 'pod-0', apiVersion: 5 }));
  clock.advance(100);
  const old = await settled(first);
  assert.equal(old.errorCode, ErrorCode.NONE, 'static members skip MEMBER_ID_REQUIRED');
  const restarted = coordinator.join(joinRequest({ clientId: 's', groupInstanceId: 'pod-0', apiVersion: 5 }));
  const fresh = await settled(restarted);
  assert.equal(fresh.errorCode, ErrorCode.NONE);
  assert.notEqual(fresh.memberId, old.memberId);
  assert.equal(coordinator.heartbeat({ groupId: 'g', memberId: old.memberId, generationId: old.generationId, groupInstanceId: 'pod-0' }), ErrorCode.UNKNOWN_MEMBER_ID);
  assert.equal(coordinator.heartbeat({ groupId: 'g', memberId: fresh.memberId, generationId: fresh.generationId, groupInstanceId: 'pod-1' }), ErrorCode.FENCED_INSTANCE_ID);
  const left = coordinator.leave({ groupId: 'g', members: [{ memberId: '', groupInstanceId: 'pod-0' }] });
  assert.equal(left.members[0]?.errorCode, ErrorCode.NONE);
  assert.equal(coordinator.groupState('g'), 'Empty');
});
