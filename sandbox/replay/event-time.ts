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
  const canonical = canonicalUtc(value);
  if (canonical !== undefined) return canonical;
  const text = value.trim();
  if (DIGITS.test(text)) return fromNumber(Number(text));
  if (!ISO_8601.test(text)) return undefined;
  const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(text) && text.length > 10;
  const normalized = text.replace(' ', 'T');
  const ms = Date.parse(hasZone ? normalized : normalized.length === 10 ? `${normalized}T00:00:00Z` : `${normalized}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

const digit = (text: string, at: number): number => text.charCodeAt(at) - 48;
const twoDigits = (text: string, at: number): number => {
  const a = digit(text, at);
  const b = digit(text, at + 1);
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
};

/**
 * `YYYY-MM-DDTHH:MM:SS[.f{1,3}]Z`, the form most event times are written in, read without regular
 * expressions or Date.parse (which cost more than the rest of replaying a record). Anything else,
 * and any field out of its plain range, is left to the general path (undefined), so both always
 * agree; tests compare them.
 */
function canonicalUtc(text: string): number | undefined {
  const n = text.length;
  if (n < 20 || n > 24 || n === 21 || text.charCodeAt(n - 1) !== 0x5a) return undefined;
  if (text.charCodeAt(4) !== 0x2d || text.charCodeAt(7) !== 0x2d || text.charCodeAt(10) !== 0x54 || text.charCodeAt(13) !== 0x3a || text.charCodeAt(16) !== 0x3a) return undefined;
  const high = twoDigits(text, 0);
  const low = twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  const hour = twoDigits(text, 11);
  const minute = twoDigits(text, 14);
  const second = twoDigits(text, 17);
  // Years below 100 mean 19xx to Date.UTC, unlike to Date.parse: leave them to the general path.
  if (high < 1 || low < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  let ms = 0;
  if (n > 20) {
    if (text.charCodeAt(19) !== 0x2e) return undefined;
    let scale = 100;
    for (let at = 20; at < n - 1; at++) {
      const d = digit(text, at);
      if (d < 0 || d > 9) return undefined;
      ms += d * scale;
      scale /= 10;
    }
  }
  return Date.UTC(high * 100 + low, month - 1, day, hour, minute, second, ms);
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
      return toIso(ms);
    case 'epochMillis':
      return ms;
    case 'epochSeconds':
      return Math.floor(ms / 1000);
  }
}

/** The largest epoch ms whose ISO form has a four-digit year (9999-12-31T23:59:59.999Z). */
const MAX_FOUR_DIGIT_YEAR = 253402300799999;
let cachedMinute = Number.NaN;
let cachedPrefix = '';

/**
 * The same text as `new Date(ms).toISOString()`, faster: the generator writes hundreds of
 * thousands of times a second, mostly within the same minute, so the date and hour:minute part is
 * built once per minute and only seconds and milliseconds are appended.
 */
export function toIso(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0 || ms > MAX_FOUR_DIGIT_YEAR) return new Date(ms).toISOString();
  const minute = Math.floor(ms / 60_000);
  if (minute !== cachedMinute) {
    cachedMinute = minute;
    cachedPrefix = new Date(minute * 60_000).toISOString().slice(0, 17);
  }
  const rest = ms - minute * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  return `${cachedPrefix}${seconds < 10 ? '0' : ''}${seconds}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}

function fromNumber(value: number): number | undefined {
  if (!Number.isFinite(value)) return undefined;
  return Math.round(Math.abs(value) < SECONDS_LIMIT ? value * 1000 : value);
}
