/**
 * The warehouse side of the lineage contract (LINEAGE.md): reads the `medallion.*` headers the
 * pipeline runner puts on every record it writes. Bronze records carry none of them.
 */

export const headerNames = {
  layer: 'medallion.layer',
  output: 'medallion.output',
  lineage: 'medallion.lineage',
  lineageTruncated: 'medallion.lineage-truncated',
  id: 'medallion.id',
  change: 'medallion.change',
} as const;

export type Layer = 'bronze' | 'silver' | 'gold';
export type Change = 'insert' | 'retract';

/** One input position: the record at offset `o` of partition `p` of topic `t`. */
export interface LineagePosition {
  t: string;
  p: number;
  o: number;
}

/** Kafka headers as kafkajs hands them over: each value a Buffer, a string, or several of them. */
export type RawHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

/** What the headers say about one record. */
export interface RecordLineage {
  layer: string | null;
  output: string | null;
  /** Null when the header is absent or unreadable; an unreadable one stays visible in `_headers`. */
  lineage: LineagePosition[] | null;
  lineageTruncated: number | null;
  id: string | null;
  change: string | null;
  /** Every header as text, minus a `medallion.lineage` that was read into `lineage`. */
  headers: Record<string, string | string[]> | null;
}

function text(value: Buffer | string): string {
  return typeof value === 'string' ? value : value.toString('utf8');
}

function single(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? (value[value.length - 1] ?? null) : value;
}

/**
 * Parses `medallion.lineage`: a JSON array of `{t, p, o}`. Anything else yields null rather than
 * a partial list, because a partial lineage would look complete to whoever traces it.
 */
export function parseLineage(value: string): LineagePosition[] | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return null;
  }
  if (!Array.isArray(parsed)) return null;
  const positions: LineagePosition[] = [];
  for (const item of parsed) {
    if (typeof item !== 'object' || item === null) return null;
    const { t, p, o } = item as Record<string, unknown>;
    if (typeof t !== 'string' || !Number.isInteger(p) || !Number.isSafeInteger(o)) return null;
    positions.push({ t, p: p as number, o: o as number });
  }
  return positions;
}

export function readLineageHeaders(raw: RawHeaders | undefined): RecordLineage {
  const result: RecordLineage = {
    layer: null,
    output: null,
    lineage: null,
    lineageTruncated: null,
    id: null,
    change: null,
    headers: null,
  };
  if (raw === undefined) return result;
  const headers: Record<string, string | string[]> = {};
  let any = false;
  for (const name of Object.keys(raw)) {
    const value = raw[name];
    if (value === undefined) continue;
    const decoded = Array.isArray(value) ? value.map(text) : text(value);
    if (name === headerNames.lineage) {
      const lineageText = single(decoded);
      result.lineage = lineageText === null ? null : parseLineage(lineageText);
      if (result.lineage !== null) continue;
    }
    headers[name] = decoded;
    any = true;
  }
  result.headers = any ? headers : null;
  result.layer = single(headers[headerNames.layer]);
  result.output = single(headers[headerNames.output]);
  result.id = single(headers[headerNames.id]);
  result.change = single(headers[headerNames.change]);
  const truncated = single(headers[headerNames.lineageTruncated]);
  result.lineageTruncated = truncated !== null && /^\d+$/.test(truncated) ? Number(truncated) : null;
  return result;
}
