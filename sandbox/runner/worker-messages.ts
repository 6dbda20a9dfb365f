// The JSON lines a worker writes on stdout for its supervisor: one message per line.

/** Counters of one layer's output, or of one source's input. */
export interface LayerCounters {
  in: number;
  out: number;
  late: number;
  quarantined: number;
  deadLetters: number;
}

export type WorkerMessage =
  | {
    type: 'ready'; worker: number; pipeline: string; group: string; tasks: number; mode: 'single' | 'per-partition';
    /** What this run writes: each output with its topic (suffixed in re-runs) and the topic of the normal run. */
    outputs: { output: string; layer: string; kind: string; topic: string; baseTopic: string }[];
    /** CPU time (user plus system) used until ready, in ms: loading the modules and the pipeline, connecting. */
    cpuMs: number;
  }
  | { type: 'heartbeat'; worker: number }
  | { type: 'assigned'; worker: number; tasks: number[] }
  | { type: 'task-done'; worker: number; task: number }
  | {
    type: 'metrics'; worker: number; at: number; tasks: number[]; commits: number; layers: Record<string, LayerCounters>;
    /** CPU time (user plus system) the worker process has used since it started, in ms: what benchmarks divide by. */
    cpuMs: number;
  }
  | { type: 'warning'; worker: number; message: string }
  /** `fatal`: restarting cannot help (the pipeline's own failure, a missing topic); the run stops. */
  | { type: 'error'; worker: number; message: string; stack: string | null; location: string | null; fatal: boolean };

export function parseWorkerMessage(line: string): WorkerMessage | null {
  if (!line.startsWith('{')) return null;
  try {
    const parsed = JSON.parse(line) as { type?: unknown };
    return typeof parsed.type === 'string' ? (parsed as WorkerMessage) : null;
  } catch {
    return null;
  }
}

/**
 * The first stack frame in the user's code (source-mapped by --enable-source-maps): where an error
 * points the user. Frames in node itself, in node_modules and in the sandbox's own code are skipped.
 */
export function userLocation(stack: string | undefined | null, sandboxDir: string): string | null {
  if (!stack) return null;
  for (const line of stack.split('\n').slice(1)) {
    const match = /\(?((?:[A-Za-z]:)?[^\s()]+):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (!match) continue;
    const file = match[1]!.replace(/^file:\/\//, '');
    if (file.startsWith('node:') || file.includes('node_modules') || file.startsWith(sandboxDir)) continue;
    return `${file}:${match[2]}:${match[3]}`;
  }
  return null;
}
