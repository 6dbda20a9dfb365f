/**
 * OffsetCommit (key 8), versions 0–8.
 * v1 adds generation, member id and a per-partition commit timestamp; v2 replaces the timestamp by
 * a retention time; v3 adds throttle time; v4 is the same as v3; v5 drops the retention time; v6
 * adds the committed leader epoch; v7 group_instance_id; v8 is flexible. Simple consumers
 * (generation -1, empty member id, as kcat sends) may commit to an empty group (pitfall 16).
 */
import { toCommitTopics } from './commit-topics';
import { defineHandler } from './registry';

export const offsetCommitHandler = defineHandler({
  apiKey: 8,
  minVersion: 0,
  maxVersion: 8,
  handle(request, ctx) {
    const result = ctx.broker.groups.commitOffsets({
      groupId: request.groupId,
      memberId: ctx.apiVersion >= 1 ? request.memberId : '',
      generationId: ctx.apiVersion >= 1 ? request.generationIdOrMemberEpoch : -1,
      groupInstanceId: request.groupInstanceId,
      topics: toCommitTopics(request.topics),
    });
    return { throttleTimeMs: 0, topics: result.topics };
  },
});
