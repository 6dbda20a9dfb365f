/**
 * ListGroups (key 16), versions 0–4.
 * v1 adds throttle time; v2 is the same as v1; v3 is flexible; v4 filters by state and returns it.
 */
import type { GroupState } from '../groups/index';
import { defineHandler } from './registry';

export const listGroupsHandler = defineHandler({
  apiKey: 16,
  minVersion: 0,
  maxVersion: 4,
  handle(request, ctx) {
    const filter = ctx.apiVersion >= 4 && request.statesFilter.length > 0 ? (request.statesFilter as GroupState[]) : undefined;
    const result = ctx.broker.groups.listGroups(filter);
    return {
      throttleTimeMs: 0,
      errorCode: result.errorCode,
      groups: result.groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, groupState: g.groupState, groupType: 'classic' })),
    };
  },
});
