// Shared fixtures of the engine's tests: a small event type and pipelines built around one window.
import { count, json, pipeline, sum, type Pipeline } from '../../pipeline';
import type { WindowSpec } from '../windows/assigners';

export type Ev = { id: string; user: string; v: number; t: number };

/** An event of `user` at `t` ms with value `v`; the id defaults to user@t. */
export function ev(user: string, t: number, v = 1, id = `${user}@${t}`): Ev {
  return { id, user, v, t };
}

export const sec = (n: number): number => n * 1000;

export interface WindowFixture {
  outOfOrderness?: number;
  idleness?: number;
  allowedLateness?: number;
  emit?: 'final' | 'update';
  dedupeWithin?: number;
}

/**
 * bronze `events` → silver `clean` (deduplicated by id when asked) → gold `agg`: per user and window,
 * the count and the sum of v.
 */
export function windowPipeline(spec: WindowSpec, f: WindowFixture = {}): Pipeline {
  return pipeline('window-fixture', (p) => {
    const events = p.bronze('events', {
      value: json<Ev>(), key: (e) => e.id, eventTime: (e) => e.t,
      outOfOrderness: f.outOfOrderness ?? 0, ...(f.idleness === undefined ? {} : { idleness: f.idleness }),
    });
    const clean = p.silver('clean', f.dedupeWithin === undefined ? events : events.dedupe({ key: (e) => e.id, within: f.dedupeWithin }));
    p.gold('agg', clean.keyBy((e) => e.user).window(spec, { allowedLateness: f.allowedLateness ?? 0, emit: f.emit ?? 'final' })
      .aggregate({ n: count(), total: sum((e) => e.v) }));
  });
}

/** A window result reduced to what the tests compare. */
export type Row = { key: string; windowStart: number; windowEnd: number; n: number; total: number };

/** Asserts two JSON texts are equal, reporting where they first differ instead of both texts in full. */
export function sameJson(actual: string, expected: string): void {
  if (actual === expected) return;
  let i = 0;
  while (i < actual.length && actual[i] === expected[i]) i++;
  throw new Error(`JSON differs at character ${i}:\n  actual:   ...${actual.slice(Math.max(0, i - 150), i + 150)}\n  expected: ...${expected.slice(Math.max(0, i - 150), i + 150)}`);
}
