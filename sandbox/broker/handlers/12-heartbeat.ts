/**
 * Heartbeat (key 12), versions 0–4.
 * v1 adds throttle time; v2 is the same as v1; v3 adds group_instance_id; v4 is flexible.
 * REBALANCE_IN_PROGRESS is how a member learns it must rejoin.
 */
import { defineHandler } from './registry';

export const heartbeatHandler = defineHandler({
  apiKey: 12,
  minVersion: 0,
  maxVersion: 4,
  handle(request, ctx) {
    const errorCode = ctx.broker.groups.heartbeat({
      groupId: request.groupId,
      memberId: request.memberId,
      generationId: request.generationId,
      groupInstanceId: request.groupInstanceId,
    });
    return { throttleTimeMs: 0, errorCode };
  },
});
