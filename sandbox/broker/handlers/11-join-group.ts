/**
 * JoinGroup (key 11), versions 0–6.
 * v1 adds rebalance_timeout_ms; v2 throttle time; v3 is the same as v2; v4 answers an unknown
 * member with MEMBER_ID_REQUIRED and an id to rejoin with (KIP-394); v5 adds group_instance_id for
 * static membership; v6 is flexible. The response waits until the join phase completes, which is
 * how JoinGroup long-polls; the coordinator owns that wait.
 */
import { defineHandler } from './registry';

export const joinGroupHandler = defineHandler({
  apiKey: 11,
  minVersion: 0,
  maxVersion: 6,
  async handle(request, ctx) {
    const result = await ctx.broker.groups.join({
      groupId: request.groupId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      protocolType: request.protocolType,
      protocols: request.protocols.map((p) => ({ name: p.name, metadata: p.metadata })),
      sessionTimeoutMs: request.sessionTimeoutMs,
      rebalanceTimeoutMs: ctx.apiVersion >= 1 ? request.rebalanceTimeoutMs : -1,
      clientId: ctx.clientId ?? '',
      clientHost: hostOf(ctx.remoteAddress),
      apiVersion: ctx.apiVersion,
    });
    return {
      throttleTimeMs: 0,
      errorCode: result.errorCode,
      generationId: result.generationId,
      protocolType: result.protocolType,
      protocolName: result.protocolName ?? '',
      leader: result.leader,
      skipAssignment: result.skipAssignment,
      memberId: result.memberId,
      members: result.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadata })),
    };
  },
});

/** Kafka reports the member's host as "/address", without the port. */
export function hostOf(remoteAddress: string): string {
  const colon = remoteAddress.lastIndexOf(':');
  return `/${colon > 0 ? remoteAddress.slice(0, colon) : remoteAddress}`;
}
