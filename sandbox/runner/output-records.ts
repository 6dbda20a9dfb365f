// Turns engine output records into Kafka messages carrying the lineage contract's headers
// (sandbox/warehouse/LINEAGE.md) plus `medallion.watermark`. Records are keyed by their id; in an
// update-mode output the id is the row's (the engine's record id without its change number), so
// every change of one row lands in one partition and "latest" is decided by log order, as the
// contract asks.
import type { Message } from 'kafkajs';
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

export function toMessage(record: OutputRecord, output: OutputInfo, facts: PlanFacts, watermark: number | null): Message {
  const updating = output.kind === 'layer' && facts.updating.has(output.layer);
  const id = updating ? rowIdOf(record.id) : record.id;
  const headers: Record<string, string> = {
    'medallion.layer': facts.tierOf.get(output.layer) ?? 'silver',
    'medallion.output': output.kind === 'layer' ? output.layer : output.kind,
    'medallion.id': id,
  };
  if (record.lineage !== null) {
    const positions = record.lineage.positions.map(parsePosition).filter((p) => p !== null);
    headers['medallion.lineage'] = JSON.stringify(positions);
    const left = record.lineage.total - positions.length;
    if (left > 0) headers['medallion.lineage-truncated'] = String(left);
  }
  if (updating) headers['medallion.change'] = record.kind;
  if (watermark !== null) headers['medallion.watermark'] = String(watermark);
  return {
    key: id,
    value: JSON.stringify(record.value),
    // Kafka refuses negative timestamps; a record without a sensible event time gets none of its own.
    timestamp: Number.isFinite(record.eventTime) && record.eventTime >= 0 ? String(Math.trunc(record.eventTime)) : undefined,
    headers,
  };
}
