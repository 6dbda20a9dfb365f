/**
 * Reads what `medallion run --json` and `medallion rerun` print: one JSON object a line with a
 * layer's metrics, a transform error or an expectation failure, mixed with plain text. Field names
 * are read leniently (several spellings per figure) because the extension only displays them; a line
 * that is not JSON, or JSON of an unknown type, is kept as plain text and never breaks a run.
 */

export interface LayerMetrics {
  layer: string;
  state: string | undefined;
  recordsIn: number | undefined;
  recordsOut: number | undefined;
  ratePerSec: number | undefined;
  quarantined: number | undefined;
  late: number | undefined;
  deadLetters: number | undefined;
}

export interface SourceProblem {
  kind: 'transform-error' | 'expectation';
  message: string;
  layer: string | undefined;
  file: string;
  /** One-based, as the runner prints it. */
  line: number;
  /** One-based; 1 when unknown. */
  column: number;
  count: number;
}

export interface LayerDiff {
  layer: string;
  added: number;
  removed: number;
  changed: number;
}

export type RunEvent =
  | { kind: 'metrics'; metrics: LayerMetrics }
  | { kind: 'problem'; problem: SourceProblem }
  | { kind: 'diff'; diff: LayerDiff }
  | { kind: 'caught-up' }
  | { kind: 'text'; text: string };

type Json = Record<string, unknown>;

export function parseRunLine(line: string): RunEvent {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return { kind: 'text', text: line };
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return { kind: 'text', text: line };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { kind: 'text', text: line };
  const o = value as Json;
  const type = str(o, 'type', 'kind', 'event');
  if (type === 'caught-up' || type === 'caughtUp' || o.caughtUp === true) return { kind: 'caught-up' };
  if (type === 'diff') {
    const layer = str(o, 'layer');
    if (layer) return { kind: 'diff', diff: { layer, added: num(o, 'added', 'inserted') ?? 0, removed: num(o, 'removed', 'deleted') ?? 0, changed: num(o, 'changed', 'updated') ?? 0 } };
  }
  if (type === 'error' || type === 'dead_letter' || type === 'dead-letter' || type === 'transform-error' || type === 'expectation' || type === 'expectation-failure') {
    const problem = problemOf(o, type.startsWith('expectation') ? 'expectation' : 'transform-error');
    if (problem) return { kind: 'problem', problem };
  }
  const layer = str(o, 'layer', 'name');
  if (layer && (type === undefined || type === 'metrics' || type === 'layer')) {
    return {
      kind: 'metrics',
      metrics: {
        layer,
        state: str(o, 'state', 'status'),
        recordsIn: num(o, 'recordsIn', 'in', 'read', 'consumed'),
        recordsOut: num(o, 'recordsOut', 'out', 'records', 'written', 'produced'),
        ratePerSec: num(o, 'ratePerSec', 'recordsPerSec', 'throughput', 'rate'),
        quarantined: num(o, 'quarantined', 'quarantine'),
        late: num(o, 'late', 'lateRecords'),
        deadLetters: num(o, 'deadLetters', 'deadLettered', 'dead_letter', 'deadLetter'),
      },
    };
  }
  return { kind: 'text', text: line };
}

function problemOf(o: Json, kind: SourceProblem['kind']): SourceProblem | undefined {
  const location = typeof o.location === 'object' && o.location !== null ? (o.location as Json) : o;
  let file = str(location, 'file', 'path', 'source');
  let line = num(location, 'line');
  let column = num(location, 'column', 'col');
  const at = str(o, 'at', 'where');
  if ((!file || !line) && at) {
    const parsed = LOCATION.exec(at);
    if (parsed) [file, line, column] = [parsed[1], Number(parsed[2]), parsed[3] ? Number(parsed[3]) : undefined];
  }
  if (!file || !line) return undefined;
  const rule = str(o, 'rule', 'expectation');
  const message = str(o, 'message', 'error', 'reason') ?? (rule ? `expectation ${rule} failed` : 'transform failed');
  return { kind, message: rule && !message.includes(rule) ? `${rule}: ${message}` : message, layer: str(o, 'layer'), file, line, column: column ?? 1, count: num(o, 'count', 'records') ?? 1 };
}

const LOCATION = /((?:[A-Za-z]:)?[^\s():]+\.[cm]?[tj]sx?):(\d+)(?::(\d+))?/;
function str(o: Json, ...keys: string[]): string | undefined {
  for (const key of keys) if (typeof o[key] === 'string') return o[key] as string;
  return undefined;
}

function num(o: Json, ...keys: string[]): number | undefined {
  for (const key of keys) if (typeof o[key] === 'number' && Number.isFinite(o[key])) return o[key] as number;
  return undefined;
}

/** Merges a metrics update into the latest known metrics of a layer: fields absent in the update keep their value. */
export function mergeMetrics(previous: LayerMetrics | undefined, update: LayerMetrics): LayerMetrics {
  if (!previous) return update;
  const pick = <K extends keyof LayerMetrics>(key: K): LayerMetrics[K] => (update[key] !== undefined ? update[key] : previous[key]);
  return {
    layer: update.layer,
    state: pick('state'),
    recordsIn: pick('recordsIn'),
    recordsOut: pick('recordsOut'),
    ratePerSec: pick('ratePerSec'),
    quarantined: pick('quarantined'),
    late: pick('late'),
    deadLetters: pick('deadLetters'),
  };
}
