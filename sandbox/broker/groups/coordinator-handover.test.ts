import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from './error-codes';
import { formGroup, joinRequest, makeCoordinator, SESSION_MS, settled, syncAll } from './test-harness';
import type { GroupCoordinator } from './coordinator';

function commitP1(coordinator: GroupCoordinator, memberId: string, generationId: number, offset: number): number | undefined {
  return coordinator.commitOffsets({
    groupId: 'g', memberId, generationId,
    topics: [{ name: 'orders', partitions: [{ partitionIndex: 1, committedOffset: offset, committedLeaderEpoch: 0, committedMetadata: null }] }],
  }).topics[0]?.partitions[0]?.errorCode;
}

function committedP1(coordinator: GroupCoordinator): number | undefined {
  return coordinator.fetchOffsets({ groupId: 'g', topics: [{ name: 'orders', partitionIndexes: [1] }] }).topics[0]?.partitions[0]?.committedOffset;
}

test('a partition handed over in a rebalance resumes exactly after what its previous owner committed', async () => {
  const { clock, coordinator } = makeCoordinator();
  const { joins } = await formGroup(coordinator, clock, ['a']);
  const a = joins[0];
  assert.ok(a);
  assert.equal(commitP1(coordinator, a.memberId, 1, 100), ErrorCode.NONE);

  // b arrives; a learns of the rebalance, commits what it processed in its revoke callback, then rejoins.
  const joinB = coordinator.join(joinRequest({ clientId: 'b' }));
  assert.equal(coordinator.heartbeat({ groupId: 'g', memberId: a.memberId, generationId: 1 }), ErrorCode.REBALANCE_IN_PROGRESS);
  assert.equal(commitP1(coordinator, a.memberId, 1, 150), ErrorCode.NONE);
  const rejoinA = coordinator.join(joinRequest({ clientId: 'a', memberId: a.memberId }));
  const [ja, jb] = [await settled(rejoinA), await settled(joinB)];
  await syncAll(coordinator, [ja, jb]);

  // b now owns partition 1 and starts from the committed offset: nothing lost, nothing repeated.
  assert.equal(committedP1(coordinator), 150);
  // A late commit from a's previous generation must not move b's position backwards or forwards.
  assert.equal(commitP1(coordinator, a.memberId, 1, 120), ErrorCode.ILLEGAL_GENERATION);
  assert.equal(commitP1(coordinator, jb.memberId, 2, 160), ErrorCode.NONE);
  assert.equal(committedP1(coordinator), 160);
});

test('a member expired for missing heartbeats cannot commit over its successor', async () => {
  const { clock, coordinator } = makeCoordinator();
  const { joins } = await formGroup(coordinator, clock, ['a', 'b']);
  const [a, b] = joins;
  assert.ok(a && b);
  // a stalls (a long GC pause); b keeps heartbeating, sees the rebalance and rejoins alone.
  for (let i = 0; i < 4; i++) {
    clock.advance(SESSION_MS / 4);
    coordinator.heartbeat({ groupId: 'g', memberId: b.memberId, generationId: 1 });
  }
  assert.equal(coordinator.groupState('g'), 'PreparingRebalance');
  const rejoinB = await settled(coordinator.join(joinRequest({ clientId: 'b', memberId: b.memberId })));
  await syncAll(coordinator, [rejoinB]);
  assert.equal(commitP1(coordinator, b.memberId, 2, 500), ErrorCode.NONE);
  // a wakes up and tries to commit the batch it was processing.
  assert.equal(commitP1(coordinator, a.memberId, 1, 400), ErrorCode.UNKNOWN_MEMBER_ID);
  assert.equal(committedP1(coordinator), 500);
  assert.equal(coordinator.heartbeat({ groupId: 'g', memberId: a.memberId, generationId: 1 }), ErrorCode.UNKNOWN_MEMBER_ID);
});
