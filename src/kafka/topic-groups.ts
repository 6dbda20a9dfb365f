/**
 * Groups a cluster's topics by layer for the Topics view: a topic a pipeline reads as bronze or
 * writes as silver or gold goes under that tier, with its side outputs (`<topic>.late`,
 * `<topic>.quarantine`, `<topic>.dead_letter`) beside it; the rest go under "other". Internal topics
 * (names starting with `__`) are left out.
 */
import type { Tier } from '../pipelines/pipeline-file';

export type SideOutput = 'late' | 'quarantine' | 'dead_letter';
export const SIDE_OUTPUTS: readonly SideOutput[] = ['late', 'quarantine', 'dead_letter'];

export interface TopicCount {
  topic: string;
  /** Records in the topic: the sum over partitions of high watermark minus log start. */
  records: number;
  partitions: number;
}

export interface GroupedTopic extends TopicCount {
  sideOutputs: Partial<Record<SideOutput, TopicCount>>;
}

export type TopicGroups = Record<Tier | 'other', GroupedTopic[]>;

export function groupTopics(topics: readonly TopicCount[], tierOfTopic: ReadonlyMap<string, Tier>): TopicGroups {
  const groups: TopicGroups = { bronze: [], silver: [], gold: [], other: [] };
  const byName = new Map(topics.filter((t) => !t.topic.startsWith('__')).map((t) => [t.topic, t]));
  const attached = new Set<string>();
  const grouped: GroupedTopic[] = [];
  for (const t of byName.values()) {
    const side = sideOutputOf(t.topic);
    if (side && byName.has(side.parent)) continue;
    const entry: GroupedTopic = { ...t, sideOutputs: {} };
    for (const kind of SIDE_OUTPUTS) {
      const sideTopic = byName.get(`${t.topic}.${kind}`);
      if (sideTopic) {
        entry.sideOutputs[kind] = sideTopic;
        attached.add(sideTopic.topic);
      }
    }
    grouped.push(entry);
  }
  for (const entry of grouped) {
    if (attached.has(entry.topic)) continue;
    const side = sideOutputOf(entry.topic);
    const tier = tierOfTopic.get(entry.topic) ?? (side ? tierOfTopic.get(side.parent) : undefined) ?? 'other';
    groups[tier].push(entry);
  }
  for (const list of Object.values(groups)) list.sort((a, b) => a.topic.localeCompare(b.topic));
  return groups;
}

/** Sums a kind of side output over every topic, for the quarantine, late and dead-letter counts. */
export function sideOutputTotals(groups: TopicGroups): Record<SideOutput, number> {
  const totals: Record<SideOutput, number> = { late: 0, quarantine: 0, dead_letter: 0 };
  for (const list of Object.values(groups)) {
    for (const entry of list) {
      for (const kind of SIDE_OUTPUTS) totals[kind] += entry.sideOutputs[kind]?.records ?? 0;
      const own = sideOutputOf(entry.topic);
      if (own) totals[own.kind] += entry.records;
    }
  }
  return totals;
}

function sideOutputOf(topic: string): { parent: string; kind: SideOutput } | undefined {
  for (const kind of SIDE_OUTPUTS) if (topic.endsWith(`.${kind}`)) return { parent: topic.slice(0, -kind.length - 1), kind };
  return undefined;
}
