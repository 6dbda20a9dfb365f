/**
 * LeaveGroup (key 13), versions 0–4.
 * v1 adds throttle time; v2 is the same as v1; v3 lets several members leave at once, each with
 * its own error code (KIP-345); v4 is flexible. Below v3 only the top-level error code exists.
 */
import { defineHandler } from './registry';

export const leaveGroupHandler = defineHandler({
  apiKey: 13,
  minVersion: 0,
  maxVersion: 4,
  handle(request, ctx) {
    const members = ctx.apiVersion >= 3
      ? request.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId }))
      : [{ memberId: request.memberId, groupInstanceId: null }];
    const result = ctx.broker.groups.leave({ groupId: request.groupId, members });
    const errorCode = ctx.apiVersion >= 3 ? result.errorCode : result.errorCode || (result.members[0]?.errorCode ?? 0);
    return { throttleTimeMs: 0, errorCode, members: result.members };
  },
});
