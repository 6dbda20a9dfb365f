// Event-time parsing shared by the replayer (record timestamps) and the sample pipeline (silver
// normalization). Real sources mix ISO 8601 strings, epoch milliseconds and epoch seconds, as
// numbers or as digit strings; all of them come back as epoch milliseconds.

/**
 * Below this magnitude a number is read as epoch seconds, above it as epoch milliseconds.
 * 1e11 seconds is the year 5138 and 1e11 milliseconds is March 1973, so no realistic event time
 * is ambiguous.
 */
const SECONDS_LIMIT = 1e11;

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;
const DIGITS = /^-?\d+(?:\.\d+)?$/;

/** The formats an event time can be written in. */
export type EventTimeFormat = 'iso8601' | 'epochMillis' | 'epochSeconds';

/**
 * Parses an event time written as ISO 8601, epoch milliseconds or epoch seconds (a number or a
 * string of digits) into epoch milliseconds, or undefined when the value is none of those.
 * An ISO 8601 string without an offset is read as UTC, never as the machine's local time, so the
 * result does not depend on where it runs.
 */
export function parseEventTime(value: unknown): number | undefined {
  if (typeof value === 'number') return fromNumber(value);
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (DIGITS.test(text)) return fromNumber(Number(text));
  if (!ISO_8601.test(text)) return undefined;
  const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(text) && text.length > 10;
  const normalized = text.replace(' ', 'T');
  const ms = Date.parse(hasZone ? normalized : normalized.length === 10 ? `${normalized}T00:00:00Z` : `${normalized}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Which of the three formats a value is written in, or undefined when it is not an event time. */
export function eventTimeFormat(value: unknown): EventTimeFormat | undefined {
  const ms = parseEventTime(value);
  if (ms === undefined) return undefined;
  const text = typeof value === 'string' ? value.trim() : String(value);
  if (!DIGITS.test(text)) return 'iso8601';
  return Math.abs(Number(text)) < SECONDS_LIMIT ? 'epochSeconds' : 'epochMillis';
}

/** Writes epoch milliseconds in the given format, as the generator's services do. */
export function formatEventTime(ms: number, format: EventTimeFormat): string | number {
  switch (format) {
    case 'iso8601':
      return new Date(ms).toISOString();
    case 'epochMillis':
      return ms;
    case 'epochSeconds':
      return Math.floor(ms / 1000);
  }
}

function fromNumber(value: number): number | undefined {
  if (!Number.isFinite(value)) return undefined;
  return Math.round(Math.abs(value) < SECONDS_LIMIT ? value * 1000 : value);
}
