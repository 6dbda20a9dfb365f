// Turns engine output records into Kafka messages carrying the lineage contract's headers
// (sandbox/warehouse/LINEAGE.md) plus `medallion.watermark`. Records are keyed by their id; in an
// update-mode output the id is the row's (the engine's record id without its change number), so
// every change of one row lands in one partition and "latest" is decided by log order, as the
// contract asks.
import { rowIdOf, type OutputInfo, type OutputRecord } from '../engine';
import type { PlanFacts } from './plan-facts';

/** Splits `topic/partition/offset` (the engine's position format) from the right: topic names may hold '/'. */
export function parsePosition(position: string): { t: string; p: number; o: number } | null {
  const last = position.lastIndexOf('/');
  const middle = position.lastIndexOf('/', last - 1);
  if (middle <= 0) return null;
  const p = Number(position.slice(middle + 1, last));
  const o = Number(position.slice(last + 1));
  if (!Number.isInteger(p) || !Number.isInteger(o)) return null;
  return { t: position.slice(0, middle), p, o };
}

/** One output record as produced: key, JSON value, headers and the event time as its timestamp. */
export interface OutputMessage {
  key: string;
  value: string;
  /** Milliseconds; absent when the record has no sensible event time (the producer stamps it). */
  timestamp: number | undefined;
  headers: Record<string, string>;
}

/** JSON string literals of topic names: a run has a handful, and every lineage header repeats them. */
const quotedTopics = new Map<string, string>();

function quotedTopic(topic: string): string {
  let quoted = quotedTopics.get(topic);
  if (quoted === undefined) {
    quoted = JSON.stringify(topic);
    if (quotedTopics.size < 1_024) quotedTopics.set(topic, quoted);
  }
  return quoted;
}

/**
 * The lineage header, `[{"t":topic,"p":partition,"o":offset},...]`, written directly from the
 * positions rather than through objects and JSON.stringify: it is built for every output record.
 */
function lineageHeader(positions: readonly string[]): { json: string; count: number } {
  let json = '[';
  let count = 0;
  for (const position of positions) {
    const p = parsePosition(position);
    if (p === null) continue;
    json += `${count > 0 ? ',' : ''}{"t":${quotedTopic(p.t)},"p":${p.p},"o":${p.o}}`;
    count++;
  }
  return { json: json + ']', count };
}

export function toMessage(record: OutputRecord, output: OutputInfo, facts: PlanFacts, watermark: number | null): OutputMessage {
  const updating = output.kind === 'layer' && facts.updating.has(output.layer);
  const id = updating ? rowIdOf(record.id) : record.id;
  const headers: Record<string, string> = {
    'medallion.layer': facts.tierOf.get(output.layer) ?? 'silver',
    'medallion.output': output.kind === 'layer' ? output.layer : output.kind,
    'medallion.id': id,
  };
  if (record.lineage !== null) {
    const lineage = lineageHeader(record.lineage.positions);
    headers['medallion.lineage'] = lineage.json;
    const left = record.lineage.total - lineage.count;
    if (left > 0) headers['medallion.lineage-truncated'] = String(left);
  }
  if (updating) headers['medallion.change'] = record.kind;
  if (watermark !== null) headers['medallion.watermark'] = String(watermark);
  return {
    key: id,
    value: JSON.stringify(record.value),
    // Kafka refuses negative timestamps; a record without a sensible event time gets none of its own.
    timestamp: Number.isFinite(record.eventTime) && record.eventTime >= 0 ? Math.trunc(record.eventTime) : undefined,
    headers,
  };
}
