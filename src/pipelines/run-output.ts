/**
 * Reads what `medallion run --json` prints, one event a line (sandbox/runner's RunEvent): metrics
 * with per-layer counters, worker errors with the source location of the user's code, worker exits,
 * caught-up and failure. Lines that are not such JSON are kept as text and never break a run; a
 * `{ type: 'diff' }` line (from `medallion rerun`) is a layer's difference from the previous run.
 * The runner's other lines (its per-worker bookkeeping, and the flat per-layer `metrics` and `error`
 * lines it repeats for simpler readers) are `quiet`: the output channel would fill with a line per
 * layer every second, and the flat error would report each worker error twice.
 */

export interface LayerMetrics {
  layer: string;
  recordsIn: number;
  recordsOut: number;
  late: number;
  quarantined: number;
  deadLetters: number;
  /** Records out per second since the previous metrics, when there was one. */
  ratePerSec: number | undefined;
}

export interface SourceProblem {
  kind: 'transform-error' | 'expectation';
  message: string;
  layer: string | undefined;
  file: string;
  /** One-based, as stack traces print it. */
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
  | { kind: 'metrics'; at: number | undefined; recordsPerSecond: number | undefined; layers: LayerMetrics[] }
  | { kind: 'problem'; problem: SourceProblem }
  | { kind: 'diff'; diff: LayerDiff }
  | { kind: 'caught-up' }
  | { kind: 'failed'; error: string }
  | { kind: 'text'; text: string }
  | { kind: 'quiet' };

/** The runner's worker messages that carry nothing the extension shows. */
const QUIET_WORKER_MESSAGES = new Set(['heartbeat', 'metrics', 'assigned', 'task-done']);

type Json = Record<string, unknown>;

export function parseRunLine(line: string): RunEvent {
  const trimmed = line.trim();
  const o = trimmed.startsWith('{') ? parseObject(trimmed) : undefined;
  if (!o) return { kind: 'text', text: line };
  switch (o.type) {
    case 'metrics': {
      const metrics = object(o.metrics);
      const layers = object(metrics?.layers);
      if (!metrics && typeof o.layer === 'string') return { kind: 'quiet' };
      if (!metrics || !layers) break;
      return {
        kind: 'metrics',
        at: num(metrics, 'at'),
        recordsPerSecond: num(metrics, 'recordsPerSecond'),
        layers: Object.entries(layers).flatMap(([layer, value]) => {
          const c = object(value);
          if (!c) return [];
          return [{ layer, recordsIn: num(c, 'in') ?? 0, recordsOut: num(c, 'out') ?? 0, late: num(c, 'late') ?? 0, quarantined: num(c, 'quarantined') ?? 0, deadLetters: num(c, 'deadLetters') ?? 0, ratePerSec: undefined }];
        }),
      };
    }
    case 'worker-message': {
      const m = object(o.message);
      if (m?.type === 'error') return problemAt(str(m, 'location'), str(m, 'message') ?? 'the pipeline threw') ?? { kind: 'text', text: `worker error: ${str(m, 'message') ?? ''}` };
      if (m?.type === 'warning') return { kind: 'text', text: `worker warning: ${str(m, 'message') ?? ''}` };
      if (m?.type === 'ready') return { kind: 'text', text: `pipeline ${str(m, 'pipeline') ?? '?'}: group ${str(m, 'group') ?? '?'}, ${num(m, 'tasks') ?? '?'} task(s), ${str(m, 'mode') ?? '?'}` };
      if (typeof m?.type === 'string' && QUIET_WORKER_MESSAGES.has(m.type)) return { kind: 'quiet' };
      break;
    }
    case 'worker-started':
      return { kind: 'text', text: `worker ${num(o, 'worker') ?? '?'} started (pid ${num(o, 'pid') ?? '?'})` };
    case 'worker-exited':
      if (o.expected === false) return problemAt(str(o, 'location'), `a worker died: ${str(o, 'reason') ?? 'unknown reason'}`) ?? { kind: 'text', text: `worker died: ${str(o, 'reason') ?? ''}` };
      return { kind: 'text', text: `worker ${num(o, 'worker') ?? '?'} exited` };
    case 'rerun':
      // The whole re-run report, after the flat `diff` lines that carry what the extension shows.
      return { kind: 'quiet' };
    case 'error':
      // The flat copy of a worker error or death that the worker-message or worker-exited line reported already.
      if (typeof o.at === 'string') return { kind: 'quiet' };
      break;
    case 'caught-up':
      return { kind: 'caught-up' };
    case 'failed':
      return { kind: 'failed', error: str(o, 'error') ?? 'the run failed' };
    case 'diff': {
      const layer = str(o, 'layer');
      if (layer) return { kind: 'diff', diff: { layer, added: num(o, 'added') ?? 0, removed: num(o, 'removed') ?? 0, changed: num(o, 'changed') ?? 0 } };
      break;
    }
  }
  return { kind: 'text', text: line };
}

const LOCATION = /^(?:file:\/\/)?(.+?):(\d+)(?::(\d+))?$/;

/** A `file:line:column` location (as stacks print it) made a problem; undefined without a usable location. */
export function problemAt(location: string | undefined, message: string, kind: SourceProblem['kind'] = 'transform-error', layer?: string, count = 1): RunEvent | undefined {
  const match = location ? LOCATION.exec(location.trim()) : null;
  if (!match || match[1]!.includes('node_modules')) return undefined;
  return { kind: 'problem', problem: { kind, message, layer, file: match[1]!, line: Number(match[2]), column: match[3] ? Number(match[3]) : 1, count } };
}

/** Adds throughput to new metrics from the previous ones: records out per second in between. */
export function withRates(previous: Map<string, LayerMetrics>, previousAt: number | undefined, event: Extract<RunEvent, { kind: 'metrics' }>): LayerMetrics[] {
  const seconds = previousAt !== undefined && event.at !== undefined ? (event.at - previousAt) / 1000 : undefined;
  return event.layers.map((m) => {
    const before = previous.get(m.layer);
    const rate = seconds && seconds > 0 && before ? Math.max(0, (m.recordsOut - before.recordsOut) / seconds) : before?.ratePerSec;
    return { ...m, ratePerSec: rate };
  });
}

function parseObject(text: string): Json | undefined {
  try {
    return object(JSON.parse(text));
  } catch {
    return undefined;
  }
}

function object(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function str(o: Json, key: string): string | undefined {
  return typeof o[key] === 'string' ? (o[key] as string) : undefined;
}

function num(o: Json, key: string): number | undefined {
  return typeof o[key] === 'number' && Number.isFinite(o[key]) ? (o[key] as number) : undefined;
}
