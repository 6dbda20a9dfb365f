// A small seeded pseudo-random generator (mulberry32). The generator must give the same files byte
// for byte for the same seed, so nothing here may read Math.random or the clock.

/** A deterministic stream of pseudo-random numbers. */
export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** An exponentially distributed float with the given mean. */
  exponential(mean: number): number;
}

/** Creates a mulberry32 generator; any 32-bit integer is a valid seed. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    // A rate of 0 must never fire, so the comparison is strict.
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new Error('pick from an empty array');
      return item;
    },
    exponential: (mean) => -Math.log(1 - next()) * mean,
  };
}

/** Derives an independent seed for a named sub-stream, so adding draws to one stream never shifts another. */
export function deriveSeed(seed: number, name: string): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (let i = 0; i < name.length; i++) {
    h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  }
  return Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
}
