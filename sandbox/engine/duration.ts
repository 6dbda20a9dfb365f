// Durations as users write them ('5s', '1m', '30 minutes') or as milliseconds. The template literal
// types make a misspelt unit a compile error in the editor, not a runtime surprise.

/** A short unit written right after the number: `'500ms'`, `'5s'`, `'1m'`, `'2h'`, `'1d'`. */
export type DurationUnit = 'ms' | 's' | 'm' | 'h' | 'd';
/** A long unit written after a space: `'30 minutes'`, `'1 hour'`. */
export type DurationWord =
  | 'ms' | 'millisecond' | 'milliseconds' | 's' | 'sec' | 'second' | 'seconds' | 'm' | 'min' | 'minute' | 'minutes'
  | 'h' | 'hour' | 'hours' | 'd' | 'day' | 'days';
/** A length of time: milliseconds as a number, or a string such as `'5s'`, `'1m'`, `'30 minutes'`. */
export type Duration = number | `${number}${DurationUnit}` | `${number} ${DurationWord}`;

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1, millisecond: 1, milliseconds: 1,
  s: 1000, sec: 1000, second: 1000, seconds: 1000,
  m: 60_000, min: 60_000, minute: 60_000, minutes: 60_000,
  h: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  d: 86_400_000, day: 86_400_000, days: 86_400_000,
};

/** Converts a duration to whole milliseconds; throws on a negative, fractional-millisecond or unknown value. */
export function toMillis(duration: Duration): number {
  let ms: number;
  if (typeof duration === 'number') {
    ms = duration;
  } else {
    const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(duration);
    const unit = match ? UNIT_MS[match[2]!.toLowerCase()] : undefined;
    if (!match || unit === undefined) throw new Error(`invalid duration "${duration}": write e.g. '5s', '1m', '30 minutes' or a number of ms`);
    ms = Number(match[1]) * unit;
  }
  if (!Number.isFinite(ms) || ms < 0 || !Number.isInteger(ms)) throw new Error(`invalid duration ${String(duration)}: must be a whole, non-negative number of ms`);
  return ms;
}
