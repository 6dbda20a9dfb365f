// Turns engine output records into Kafka messages carrying the lineage contract's headers
// (sandbox/warehouse/LINEAGE.md) plus `medallion.watermark`. Records are keyed by their id; in an
// update-mode output the id is the row's (the engine's record id without its change number), so
// every change of one row lands in one partition and "latest" is decided by log order, as the
// contract asks.
import { rowIdOf, type OutputInfo, type OutputRecord } from '../engine';
import type { PlanFacts } from './plan-facts';
import { HeaderList, type ProducerRecord } from '../wire/batch-builder';

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

/** The lineage fragment of each position prefix (`topic/partition/`): `{"t":"topic","p":partition,"o":`. */
const prefixFragments = new Map<string, string>();

/** True when `text` from `from` on is an integer as Number() and String() round-trip it: digits, no leading zero. */
function isCanonicalOffset(text: string, from: number): boolean {
  const n = text.length - from;
  if (n < 1 || n > 15 || (n > 1 && text.charCodeAt(from) === 48)) return false;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * The lineage header, `[{"t":topic,"p":partition,"o":offset},...]`, written directly from the
 * positions rather than through objects and JSON.stringify: it is built for every output record.
 * A position's prefix (topic and partition) maps to its fragment once, and the offset's digits are
 * copied as they are when they are what the number prints as.
 */
function lineageHeader(positions: readonly string[]): { json: string; count: number } {
  let json = '[';
  let count = 0;
  for (const position of positions) {
    const last = position.lastIndexOf('/');
    const prefix = position.slice(0, last + 1);
    let fragment = prefixFragments.get(prefix);
    if (fragment === undefined || !isCanonicalOffset(position, last + 1)) {
      const p = parsePosition(position);
      if (p === null) continue;
      fragment = `{"t":${quotedTopic(p.t)},"p":${p.p},"o":`;
      if (prefixFragments.size < 4_096) prefixFragments.set(prefix, fragment);
      json += `${count > 0 ? ',' : ''}${fragment}${p.o}}`;
    } else {
      json += `${count > 0 ? ',' : ''}${fragment}${position.slice(last + 1)}}`;
    }
    count++;
  }
  return { json: json + ']', count };
}

/** What an output's records are labelled with, read off the plan once per output rather than per record. */
interface OutputLabels {
  readonly tier: string;
  readonly name: string;
  /** An update-mode layer: records are keyed by their row and carry their change. */
  readonly updating: boolean;
}

function labelsOf(output: OutputInfo, facts: PlanFacts): OutputLabels {
  return {
    tier: facts.tierOf.get(output.layer) ?? 'silver',
    name: output.kind === 'layer' ? output.layer : output.kind,
    updating: output.kind === 'layer' && facts.updating.has(output.layer),
  };
}

/**
 * Fills `headers` (cleared first) with an output record's headers, in the contract's order.
 * `watermark` is the layer's watermark as its header text, or null when unknown.
 */
function outputHeaders(headers: HeaderList, record: OutputRecord, labels: OutputLabels, id: string, watermark: string | null): HeaderList {
  headers.clear();
  headers.add('medallion.layer', labels.tier);
  headers.add('medallion.output', labels.name);
  headers.add('medallion.id', id);
  if (record.lineage !== null) {
    const lineage = lineageHeader(record.lineage.positions);
    headers.add('medallion.lineage', lineage.json);
    const left = record.lineage.total - lineage.count;
    if (left > 0) headers.add('medallion.lineage-truncated', String(left));
  }
  if (labels.updating) headers.add('medallion.change', record.kind);
  if (watermark !== null) headers.add('medallion.watermark', watermark);
  return headers;
}

/** The Kafka key of an output record: its id, or in an update-mode output its row's, so every change of a row lands in one partition. */
function outputKey(record: OutputRecord, labels: OutputLabels): string {
  return labels.updating ? rowIdOf(record.id) : record.id;
}

/** Kafka refuses negative timestamps; a record without a sensible event time gets none of its own. */
function outputTimestamp(record: OutputRecord): number | undefined {
  return Number.isFinite(record.eventTime) && record.eventTime >= 0 ? Math.trunc(record.eventTime) : undefined;
}

export function toMessage(record: OutputRecord, output: OutputInfo, facts: PlanFacts, watermark: number | null): OutputMessage {
  const labels = labelsOf(output, facts);
  const id = outputKey(record, labels);
  return {
    key: id,
    value: JSON.stringify(record.value),
    timestamp: outputTimestamp(record),
    headers: outputHeaders(new HeaderList(), record, labels, id, watermark === null ? null : String(watermark)).toObject(),
  };
}

/** An output record as a producer takes it, with its headers as a HeaderList. Reused: valid only during the call it is passed to. */
export interface EncodedMessage extends ProducerRecord {
  key: string;
  value: string;
  timestamp: number | undefined;
  headers: HeaderList;
}

/**
 * Turns a layer's records into messages one at a time, through one reused message and header list:
 * the records of a whole commit interval pass through here, and objects per record would be
 * garbage by the thousand.
 */
export class OutputEncoder {
  private readonly message: EncodedMessage = { key: '', value: '', timestamp: undefined, headers: new HeaderList() };

  constructor(private readonly facts: PlanFacts) {}

  /** Hands each record of `output` to `write` as a message, which `write` must copy before it returns. */
  encode(records: readonly OutputRecord[], output: OutputInfo, watermark: number | null, write: (message: EncodedMessage) => void): void {
    const labels = labelsOf(output, this.facts);
    const message = this.message;
    const watermarkText = watermark === null ? null : String(watermark);
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      const id = outputKey(record, labels);
      message.key = id;
      message.value = JSON.stringify(record.value);
      message.timestamp = outputTimestamp(record);
      outputHeaders(message.headers, record, labels, id, watermarkText);
      write(message);
    }
  }
}
