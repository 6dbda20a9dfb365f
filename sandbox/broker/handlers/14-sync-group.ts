/**
 * SyncGroup (key 14), versions 0–4.
 * v1 adds throttle time; v2 is the same as v1; v3 adds group_instance_id; v4 is flexible.
 * Followers wait until the leader has sent the assignments. A member the leader left out gets a
 * valid empty consumer assignment, never zero bytes (pitfall 6); the coordinator builds it.
 */
import { defineHandler } from './registry';

export const syncGroupHandler = defineHandler({
  apiKey: 14,
  minVersion: 0,
  maxVersion: 4,
  async handle(request, ctx) {
    const result = await ctx.broker.groups.sync({
      groupId: request.groupId,
      memberId: request.memberId,
      generationId: request.generationId,
      groupInstanceId: request.groupInstanceId,
      protocolType: request.protocolType,
      protocolName: request.protocolName,
      assignments: request.assignments.map((a) => ({ memberId: a.memberId, assignment: a.assignment })),
    });
    return {
      throttleTimeMs: 0,
      errorCode: result.errorCode,
      protocolType: result.protocolType,
      protocolName: result.protocolName,
      assignment: result.assignment,
    };
  },
});
