import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from './error-codes';
import { formGroup, joinRequest, makeCoordinator, peek, settled } from './test-harness';

test('ListGroups reports each group with its state, filtered case-insensitively by state', async () => {
  const { clock, coordinator } = makeCoordinator();
  await formGroup(coordinator, clock, ['a'], 'stable');
  coordinator.commitOffsets({ groupId: 'simple', memberId: '', generationId: -1, topics: [] });
  coordinator.join(joinRequest({ groupId: 'joining' }));
  const byId = (groups: { groupId: string }[]) => [...groups].sort((x, y) => x.groupId.localeCompare(y.groupId));
  assert.deepEqual(byId(coordinator.listGroups().groups), [
    { groupId: 'joining', protocolType: 'consumer', groupState: 'PreparingRebalance' },
    { groupId: 'simple', protocolType: '', groupState: 'Empty' },
    { groupId: 'stable', protocolType: 'consumer', groupState: 'Stable' },
  ]);
  assert.deepEqual(coordinator.listGroups(['stable', 'EMPTY']).groups.map((g) => g.groupId).sort(), ['simple', 'stable']);
  assert.deepEqual(coordinator.listGroups([]).groups.length, 3, 'an empty filter means every state');
});

test('DescribeGroups shows members with metadata and assignments once Stable, and unknown groups as Dead', async () => {
  const { clock, coordinator } = makeCoordinator();
  const { joins } = await formGroup(coordinator, clock, ['a', 'b']);
  const [described, unknown, invalid] = coordinator.describeGroups(['g', 'nope', '']);
  assert.equal(described?.groupState, 'Stable');
  assert.equal(described?.protocolType, 'consumer');
  assert.equal(described?.protocolData, 'range');
  assert.deepEqual(described?.members.map((m) => [m.memberId, m.clientId, m.clientHost, m.memberMetadata.toString(), m.memberAssignment.toString()]), [
    [joins[0]?.memberId, 'a', '/127.0.0.1', 'meta', `assigned:${joins[0]?.memberId}`],
    [joins[1]?.memberId, 'b', '/127.0.0.1', 'meta', `assigned:${joins[1]?.memberId}`],
  ]);
  assert.deepEqual(unknown, { errorCode: 0, groupId: 'nope', groupState: 'Dead', protocolType: '', protocolData: '', members: [] });
  assert.equal(invalid?.errorCode, ErrorCode.INVALID_GROUP_ID);
});

test('DescribeGroups hides metadata, assignments and protocol while a group rebalances, as Kafka does', async () => {
  const { clock, coordinator } = makeCoordinator();
  await formGroup(coordinator, clock, ['a']);
  coordinator.join(joinRequest({ clientId: 'b' }));
  const [described] = coordinator.describeGroups(['g']);
  assert.equal(described?.groupState, 'PreparingRebalance');
  assert.equal(described?.protocolData, '');
  assert.deepEqual(described?.members.map((m) => [m.clientId, m.memberMetadata.length, m.memberAssignment.length]), [['a', 0, 0], ['b', 0, 0]]);
});

test('DeleteGroups removes empty groups with their offsets and refuses groups with members or unknown ids', async () => {
  const { clock, coordinator } = makeCoordinator();
  await formGroup(coordinator, clock, ['a'], 'busy');
  coordinator.commitOffsets({ groupId: 'idle', memberId: '', generationId: -1, topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 5, committedMetadata: null }] }] });
  assert.deepEqual(coordinator.deleteGroups(['busy', 'idle', 'nope', '']), [
    { groupId: 'busy', errorCode: ErrorCode.NON_EMPTY_GROUP },
    { groupId: 'idle', errorCode: ErrorCode.NONE },
    { groupId: 'nope', errorCode: ErrorCode.GROUP_ID_NOT_FOUND },
    { groupId: '', errorCode: ErrorCode.INVALID_GROUP_ID },
  ]);
  assert.equal(coordinator.groupState('idle'), undefined);
  assert.deepEqual(coordinator.fetchOffsets({ groupId: 'idle', topics: null }).topics, []);
  assert.equal(coordinator.describeGroups(['idle'])[0]?.groupState, 'Dead');
  assert.deepEqual(coordinator.deleteGroups(['idle']), [{ groupId: 'idle', errorCode: ErrorCode.GROUP_ID_NOT_FOUND }]);
});

test('a deleted group drops offsets staged by open transactions, and its id can be reused', async () => {
  const { clock, coordinator } = makeCoordinator();
  coordinator.txnCommitOffsets({
    groupId: 'g', memberId: '', generationId: -1, transactionalId: 't', producerId: 1, producerEpoch: 0,
    topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 5, committedMetadata: null }] }],
  });
  assert.deepEqual(coordinator.deleteGroups(['g']), [{ groupId: 'g', errorCode: 0 }]);
  coordinator.endTxn(1, true);
  assert.deepEqual(coordinator.fetchOffsets({ groupId: 'g', topics: null }).topics, []);
  const { joins } = await formGroup(coordinator, clock, ['a']);
  assert.equal(joins[0]?.generationId, 1, 'a recreated group starts over');
});

test('close settles every waiting JoinGroup and SyncGroup, cancels every timer and refuses later calls', async () => {
  const { clock, coordinator } = makeCoordinator();
  const joinA = coordinator.join(joinRequest({ clientId: 'a' }));
  const joinB = coordinator.join(joinRequest({ clientId: 'b' }));
  clock.advance(200);
  const [a, b] = [await settled(joinA), await settled(joinB)];
  const followerSync = coordinator.sync({ groupId: 'g', memberId: b.memberId, generationId: 1, assignments: [] });
  const waitingJoin = coordinator.join(joinRequest({ groupId: 'other', clientId: 'c' }));
  assert.equal(await peek(followerSync), 'pending');
  assert.equal(await peek(waitingJoin), 'pending');
  coordinator.close();
  assert.equal((await settled(followerSync)).errorCode, ErrorCode.COORDINATOR_NOT_AVAILABLE);
  assert.equal((await settled(waitingJoin)).errorCode, ErrorCode.COORDINATOR_NOT_AVAILABLE);
  assert.equal(clock.pendingTimers, 0);
  assert.equal((await settled(coordinator.join(joinRequest()))).errorCode, ErrorCode.COORDINATOR_NOT_AVAILABLE);
  assert.equal((await settled(coordinator.sync({ groupId: 'g', memberId: a.memberId, generationId: 1, assignments: [] }))).errorCode, ErrorCode.COORDINATOR_NOT_AVAILABLE);
  assert.equal(coordinator.heartbeat({ groupId: 'g', memberId: a.memberId, generationId: 1 }), ErrorCode.COORDINATOR_NOT_AVAILABLE);
  assert.equal(coordinator.listGroups().errorCode, ErrorCode.COORDINATOR_NOT_AVAILABLE);
  assert.equal(coordinator.fetchOffsets({ groupId: 'g', topics: null }).errorCode, ErrorCode.COORDINATOR_NOT_AVAILABLE);
  coordinator.close();
});
