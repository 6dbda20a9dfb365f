// Window kinds as users name them. Each returns configuration only; the engine holds the state.
import { toMillis, type WindowSpec } from '../../engine';
import type { Duration } from './types';

/**
 * Fixed-size, non-overlapping windows aligned to the epoch (plus `offset`).
 * @example tumbling('1m')
 */
export function tumbling(size: Duration, options: { offset?: Duration } = {}): WindowSpec {
  return { kind: 'tumbling', size: toMillis(size), offset: toMillis(options.offset ?? 0) };
}

/**
 * Windows of `size` starting every `slide` (sliding windows); each record lands in size / slide of them.
 * @example hopping('10s', '2s')
 */
export function hopping(size: Duration, slide: Duration, options: { offset?: Duration } = {}): WindowSpec {
  return { kind: 'hopping', size: toMillis(size), slide: toMillis(slide), offset: toMillis(options.offset ?? 0) };
}

/**
 * Per-key sessions: a session closes after `gap` without records; sessions that come within the gap merge.
 * @example session('10s')
 */
export function session(gap: Duration): WindowSpec {
  return { kind: 'session', gap: toMillis(gap) };
}

/**
 * Windows that grow by `step` from the start of each `maxSize` period: [0, 1m), [0, 2m), ... [0, 1h).
 * @example cumulating('1m', '1h')
 */
export function cumulating(step: Duration, maxSize: Duration, options: { offset?: Duration } = {}): WindowSpec {
  return { kind: 'cumulating', step: toMillis(step), maxSize: toMillis(maxSize), offset: toMillis(options.offset ?? 0) };
}
