/**
 * DescribeGroups (key 15), versions 0–5.
 * v1 adds throttle time; v2 is the same as v1; v3 adds authorized operations; v4 adds
 * group_instance_id; v5 is flexible.
 */
import { defineHandler } from './registry';

const NO_AUTHORIZED_OPERATIONS = -2147483648;

export const describeGroupsHandler = defineHandler({
  apiKey: 15,
  minVersion: 0,
  maxVersion: 5,
  handle(request, ctx) {
    return {
      throttleTimeMs: 0,
      groups: ctx.broker.groups.describeGroups(request.groups).map((g) => ({
        ...g,
        members: g.members.map((m) => ({ ...m })),
        authorizedOperations: NO_AUTHORIZED_OPERATIONS,
      })),
    };
  },
});
