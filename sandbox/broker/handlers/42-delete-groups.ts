/**
 * DeleteGroups (key 42), versions 0–2.
 * v1 is the same as v0; v2 is flexible. A group with members cannot be deleted (NON_EMPTY_GROUP).
 */
import { defineHandler } from './registry';

export const deleteGroupsHandler = defineHandler({
  apiKey: 42,
  minVersion: 0,
  maxVersion: 2,
  handle(request, ctx) {
    return { throttleTimeMs: 0, results: ctx.broker.groups.deleteGroups(request.groupsNames) };
  },
});
