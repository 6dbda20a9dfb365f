// Window assigners (after Flink's api/windowing/assigners): configuration only, no state. An aligned
// assigner maps an event time to the windows that contain it; session windows are not aligned and are
// merged per key by merging-window-set.ts.

export type WindowSpec =
  | { readonly kind: 'tumbling'; readonly size: number; readonly offset: number }
  | { readonly kind: 'hopping'; readonly size: number; readonly slide: number; readonly offset: number }
  | { readonly kind: 'cumulating'; readonly step: number; readonly maxSize: number; readonly offset: number }
  | { readonly kind: 'session'; readonly gap: number };

/** Windows are half-open: [start, end). */
export interface TimeWindow {
  readonly start: number;
  readonly end: number;
}

export function validateWindow(spec: WindowSpec): void {
  const positive = (n: number, what: string): void => {
    if (!(n > 0)) throw new Error(`${spec.kind} window: ${what} must be positive`);
  };
  switch (spec.kind) {
    case 'tumbling': positive(spec.size, 'size'); break;
    case 'hopping':
      positive(spec.size, 'size'); positive(spec.slide, 'slide');
      if (spec.size % spec.slide !== 0) throw new Error('hopping window: size must be a multiple of slide');
      break;
    case 'cumulating':
      positive(spec.step, 'step'); positive(spec.maxSize, 'max size');
      if (spec.maxSize % spec.step !== 0) throw new Error('cumulating window: max size must be a multiple of step');
      break;
    case 'session': positive(spec.gap, 'gap'); break;
  }
}

/** The start of the aligned period of length `size` that contains `ts`; correct for negative times too. */
export function alignedStart(ts: number, size: number, offset: number): number {
  const r = (ts - offset) % size;
  return ts - (r < 0 ? r + size : r);
}

/**
 * For an aligned window, the window end alone identifies the window, so state is keyed by end.
 * This returns the start belonging to an end.
 */
export function startOfEnd(spec: WindowSpec, end: number): number {
  switch (spec.kind) {
    case 'tumbling': return end - spec.size;
    case 'hopping': return end - spec.size;
    case 'cumulating': return alignedStart(end - 1, spec.maxSize, spec.offset);
    case 'session': throw new Error('session windows are not aligned');
  }
}

/**
 * Writes the ends of every window containing `ts` into `out` (reused by the caller, so the hot path
 * allocates nothing) and returns how many there are, latest window last.
 */
export function assignEnds(spec: WindowSpec, ts: number, out: number[]): number {
  switch (spec.kind) {
    case 'tumbling':
      out[0] = alignedStart(ts, spec.size, spec.offset) + spec.size;
      return 1;
    case 'hopping': {
      const lastStart = alignedStart(ts, spec.slide, spec.offset);
      const n = spec.size / spec.slide;
      // The earliest window first, so "latest window last" holds for the late-record report.
      for (let i = 0; i < n; i++) out[i] = lastStart - (n - 1 - i) * spec.slide + spec.size;
      return n;
    }
    case 'cumulating': {
      const start = alignedStart(ts, spec.maxSize, spec.offset);
      // The smallest window that contains ts ends at the first step boundary above ts.
      const first = alignedStart(ts, spec.step, start) + spec.step;
      let n = 0;
      for (let end = first; end <= start + spec.maxSize; end += spec.step) out[n++] = end;
      return n;
    }
    case 'session':
      throw new Error('session windows are assigned by the merging window set');
  }
}
