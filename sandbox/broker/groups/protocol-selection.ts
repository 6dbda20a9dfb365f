import type { JoinProtocol } from './types';

/** What protocol selection needs to know of a member. */
export interface ProtocolVoter {
  protocols: JoinProtocol[];
}

/**
 * Whether a joining member can be in the same group as `others`: it must speak the group's protocol
 * type and share at least one protocol with every other member (Kafka's `GroupMetadata.supportsProtocols`).
 * An empty group accepts any non-empty protocol type and protocol list.
 */
export function supportsProtocols(
  groupProtocolType: string | null,
  others: readonly ProtocolVoter[],
  protocolType: string,
  protocols: readonly JoinProtocol[],
): boolean {
  if (protocolType === '' || protocols.length === 0) return false;
  if (others.length === 0) return true;
  if (groupProtocolType !== null && groupProtocolType !== protocolType) return false;
  return protocols.some((p) => others.every((m) => m.protocols.some((q) => q.name === p.name)));
}

/**
 * Kafka's vote (`GroupMetadata.selectProtocol`): among the protocols every member supports, each member
 * votes for the one it prefers most, and the most votes win. Ties go to the protocol the first member
 * prefers, so the choice is deterministic. Returns null when the members share no protocol.
 */
export function selectProtocol(members: readonly ProtocolVoter[]): string | null {
  const first = members[0];
  if (!first) return null;
  const candidates = first.protocols
    .map((p) => p.name)
    .filter((name) => members.every((m) => m.protocols.some((q) => q.name === name)));
  if (candidates.length === 0) return null;
  const votes = new Map<string, number>(candidates.map((c) => [c, 0]));
  for (const m of members) {
    const choice = m.protocols.find((p) => votes.has(p.name));
    if (choice) votes.set(choice.name, (votes.get(choice.name) ?? 0) + 1);
  }
  let best: string | null = null;
  let bestVotes = -1;
  for (const c of candidates) {
    const v = votes.get(c) ?? 0;
    if (v > bestVotes) {
      best = c;
      bestVotes = v;
    }
  }
  return best;
}
