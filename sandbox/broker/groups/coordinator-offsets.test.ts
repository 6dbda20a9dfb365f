import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from './error-codes';
import { MemoryOffsetStore } from './offset-store';
import { formGroup, joinRequest, makeCoordinator, settled } from './test-harness';
import type { CommitRequest } from './types';

function commit(over: Partial<CommitRequest> & { offset?: number } = {}): CommitRequest {
  const { offset = 42, ...rest } = over;
  return {
    groupId: 'g',
    memberId: '',
    generationId: -1,
    topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: 0, committedMetadata: 'm' }] }],
    ...rest,
  };
}

function codes(result: { topics: { partitions: { errorCode: number }[] }[] }): number[] {
  return result.topics.flatMap((t) => t.partitions.map((p) => p.errorCode));
}

test('a simple consumer commits to an unknown group, creating it Empty, and reads the offset back', () => {
  const { coordinator } = makeCoordinator();
  assert.deepEqual(codes(coordinator.commitOffsets(commit({ offset: 42 }))), [0]);
  assert.equal(coordinator.groupState('g'), 'Empty');
  const fetched = coordinator.fetchOffsets({ groupId: 'g', topics: [{ name: 'orders', partitionIndexes: [0, 1] }] });
  assert.deepEqual(fetched, {
    errorCode: 0,
    topics: [{
      name: 'orders',
      partitions: [
        { partitionIndex: 0, committedOffset: 42, committedLeaderEpoch: 0, metadata: 'm', errorCode: 0 },
        { partitionIndex: 1, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
      ],
    }],
  });
});

test('OffsetFetch with null topics returns every committed offset of the group, sorted', () => {
  const { coordinator } = makeCoordinator();
  coordinator.commitOffsets({
    groupId: 'g', memberId: '', generationId: -1,
    topics: [
      { name: 'b', partitions: [{ partitionIndex: 1, committedOffset: 5, committedMetadata: null }, { partitionIndex: 0, committedOffset: 4, committedMetadata: null }] },
      { name: 'a', partitions: [{ partitionIndex: 0, committedOffset: 3, committedMetadata: null }] },
    ],
  });
  const all = coordinator.fetchOffsets({ groupId: 'g', topics: null });
  assert.deepEqual(all.topics.map((t) => [t.name, t.partitions.map((p) => [p.partitionIndex, p.committedOffset, p.committedLeaderEpoch])]), [
    ['a', [[0, 3, -1]]],
    ['b', [[0, 4, -1], [1, 5, -1]]],
  ]);
  assert.deepEqual(coordinator.fetchOffsets({ groupId: 'unknown', topics: null }), { errorCode: 0, topics: [] });
  assert.equal(coordinator.fetchOffsets({ groupId: '', topics: null }).errorCode, ErrorCode.INVALID_GROUP_ID);
});

test('members commit with their generation; stale generations, unknown members and simple commits to a live group are refused', async () => {
  const { clock, coordinator } = makeCoordinator();
  const { joins } = await formGroup(coordinator, clock, ['a', 'b']);
  const [a, b] = joins;
  assert.ok(a && b);
  assert.deepEqual(codes(coordinator.commitOffsets(commit({ memberId: a.memberId, generationId: 1, offset: 10 }))), [0]);
  assert.deepEqual(codes(coordinator.commitOffsets(commit({ memberId: a.memberId, generationId: 0 }))), [ErrorCode.ILLEGAL_GENERATION]);
  assert.deepEqual(codes(coordinator.commitOffsets(commit({ memberId: 'ghost', generationId: 1 }))), [ErrorCode.UNKNOWN_MEMBER_ID]);
  assert.deepEqual(codes(coordinator.commitOffsets(commit())), [ErrorCode.UNKNOWN_MEMBER_ID], 'a simple commit to a group with members');
  assert.equal(coordinator.fetchOffsets({ groupId: 'g', topics: [{ name: 'orders', partitionIndexes: [0] }] }).topics[0]?.partitions[0]?.committedOffset, 10);
});

test('commits are accepted during PreparingRebalance (the revoke callback) and refused during CompletingRebalance', async () => {
  const { clock, coordinator } = makeCoordinator();
  const { joins } = await formGroup(coordinator, clock, ['a', 'b']);
  const [a, b] = joins;
  assert.ok(a && b);
  coordinator.leave({ groupId: 'g', members: [{ memberId: b.memberId }] });
  assert.equal(coordinator.groupState('g'), 'PreparingRebalance');
  // The member has not rejoined yet: committing what it processed now is what prevents duplicates.
  assert.deepEqual(codes(coordinator.commitOffsets(commit({ memberId: a.memberId, generationId: 1, offset: 7 }))), [0]);
  const rejoin = await settled(coordinator.join(joinRequest({ clientId: 'a', memberId: a.memberId })));
  assert.equal(coordinator.groupState('g'), 'CompletingRebalance');
  assert.deepEqual(codes(coordinator.commitOffsets(commit({ memberId: a.memberId, generationId: rejoin.generationId }))), [ErrorCode.REBALANCE_IN_PROGRESS]);
  assert.deepEqual(codes(coordinator.commitOffsets(commit({ memberId: a.memberId, generationId: 1 }))), [ErrorCode.REBALANCE_IN_PROGRESS]);
  assert.equal(coordinator.fetchOffsets({ groupId: 'g', topics: null }).topics[0]?.partitions[0]?.committedOffset, 7);
});

test('a commit with a generation to an unknown group is stale; an empty group id is invalid', () => {
  const { coordinator } = makeCoordinator();
  assert.deepEqual(codes(coordinator.commitOffsets(commit({ memberId: 'm', generationId: 3 }))), [ErrorCode.ILLEGAL_GENERATION]);
  assert.equal(coordinator.groupState('g'), undefined);
  assert.deepEqual(codes(coordinator.commitOffsets(commit({ groupId: '' }))), [ErrorCode.INVALID_GROUP_ID]);
});

test('after a group empties, its last generation can no longer commit but simple consumers can', async () => {
  const { clock, coordinator } = makeCoordinator();
  const { joins } = await formGroup(coordinator, clock, ['a']);
  const a = joins[0];
  assert.ok(a);
  coordinator.leave({ groupId: 'g', members: [{ memberId: a.memberId }] });
  assert.deepEqual(codes(coordinator.commitOffsets(commit({ memberId: a.memberId, generationId: 1 }))), [ErrorCode.UNKNOWN_MEMBER_ID]);
  assert.deepEqual(codes(coordinator.commitOffsets(commit())), [0]);
});

test('metadata longer than the limit is refused per partition while the rest commits', () => {
  const { coordinator } = makeCoordinator({ maxMetadataBytes: 4 });
  const result = coordinator.commitOffsets({
    groupId: 'g', memberId: '', generationId: -1,
    topics: [{ name: 't', partitions: [
      { partitionIndex: 0, committedOffset: 1, committedMetadata: 'long!' },
      { partitionIndex: 1, committedOffset: 2, committedMetadata: 'ok' },
    ] }],
  });
  assert.deepEqual(codes(result), [ErrorCode.OFFSET_METADATA_TOO_LARGE, 0]);
  assert.deepEqual(coordinator.fetchOffsets({ groupId: 'g', topics: null }).topics[0]?.partitions.map((p) => p.partitionIndex), [1]);
});

test('a failing store refuses the commit with a retriable error and applies nothing', () => {
  const store = new MemoryOffsetStore();
  const { coordinator } = makeCoordinator({ store });
  coordinator.commitOffsets(commit({ offset: 1 }));
  store.failWrites = true;
  assert.deepEqual(codes(coordinator.commitOffsets(commit({ offset: 2 }))), [ErrorCode.COORDINATOR_NOT_AVAILABLE]);
  assert.equal(coordinator.fetchOffsets({ groupId: 'g', topics: null }).topics[0]?.partitions[0]?.committedOffset, 1);
});

test('committed offsets survive a restart that keeps the store, and the group is listed as Empty', async () => {
  const store = new MemoryOffsetStore();
  const first = makeCoordinator({ store });
  const { joins } = await formGroup(first.coordinator, first.clock, ['a']);
  first.coordinator.commitOffsets(commit({ memberId: joins[0]?.memberId ?? '', generationId: 1, offset: 99 }));
  first.coordinator.close();
  const second = makeCoordinator({ store });
  assert.equal(second.coordinator.fetchOffsets({ groupId: 'g', topics: null }).topics[0]?.partitions[0]?.committedOffset, 99);
  assert.deepEqual(second.coordinator.listGroups().groups, [{ groupId: 'g', protocolType: '', groupState: 'Empty' }]);
  assert.equal(second.coordinator.heartbeat({ groupId: 'g', memberId: joins[0]?.memberId ?? '', generationId: 1 }), ErrorCode.UNKNOWN_MEMBER_ID,
    'membership does not survive: the member rejoins');
});

test('transactional offsets stay invisible until the transaction commits, and vanish on abort', () => {
  const { coordinator } = makeCoordinator();
  const txn = (producerId: number, offset: number) => coordinator.txnCommitOffsets({ ...commit({ offset }), transactionalId: `t${producerId}`, producerId, producerEpoch: 0 });
  assert.deepEqual(codes(txn(1, 100)), [0]);
  const read = (requireStable = false) => coordinator.fetchOffsets({ groupId: 'g', topics: [{ name: 'orders', partitionIndexes: [0] }], requireStable }).topics[0]?.partitions[0];
  assert.equal(read()?.committedOffset, -1);
  assert.equal(read(true)?.errorCode, ErrorCode.UNSTABLE_OFFSET_COMMIT);
  assert.equal(coordinator.endTxn(1, true), ErrorCode.NONE);
  assert.equal(read(true)?.committedOffset, 100);
  txn(2, 200);
  assert.equal(coordinator.endTxn(2, false), ErrorCode.NONE);
  assert.equal(read()?.committedOffset, 100, 'the aborted offset is dropped');
  assert.equal(coordinator.endTxn(2, true), ErrorCode.NONE, 'nothing is left to apply');
  assert.equal(read()?.committedOffset, 100);
});

test('transactional commits from a group member are checked against its generation', async () => {
  const { clock, coordinator } = makeCoordinator();
  const { joins } = await formGroup(coordinator, clock, ['a']);
  const a = joins[0];
  assert.ok(a);
  const txn = (memberId: string, generationId: number) =>
    codes(coordinator.txnCommitOffsets({ ...commit({ memberId, generationId }), transactionalId: 't', producerId: 5, producerEpoch: 0 }));
  assert.deepEqual(txn(a.memberId, 1), [0]);
  assert.deepEqual(txn(a.memberId, 0), [ErrorCode.ILLEGAL_GENERATION]);
  assert.deepEqual(txn('ghost', 1), [ErrorCode.UNKNOWN_MEMBER_ID]);
  assert.deepEqual(txn('', -1), [0], 'producers without member information (TxnOffsetCommit v0–2) are accepted');
});
