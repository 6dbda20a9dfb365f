import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from './prng';
import { eventTimeFormat, formatEventTime, parseEventTime, toIso } from './event-time';

const MS = Date.UTC(2026, 2, 2, 9, 15, 30, 250);

test('parseEventTime reads ISO 8601 with Z, with offsets, without zone (as UTC) and dates alone', () => {
  assert.equal(parseEventTime('2026-03-02T09:15:30.250Z'), MS);
  assert.equal(parseEventTime('2026-03-02T10:15:30.250+01:00'), MS);
  assert.equal(parseEventTime('2026-03-02T10:15:30.250+0100'), MS);
  assert.equal(parseEventTime('2026-03-02 09:15:30.250'), MS);
  assert.equal(parseEventTime('2026-03-02'), Date.UTC(2026, 2, 2));
});

test('parseEventTime reads epoch milliseconds and epoch seconds, as numbers and digit strings', () => {
  assert.equal(parseEventTime(MS), MS);
  assert.equal(parseEventTime(String(MS)), MS);
  assert.equal(parseEventTime(Math.floor(MS / 1000)), MS - 250);
  assert.equal(parseEventTime(` ${Math.floor(MS / 1000)} `), MS - 250);
  assert.equal(parseEventTime(MS / 1000), MS);
});

test('parseEventTime refuses what is not a time', () => {
  for (const value of ['yesterday', '', '2026-13-45T99:99:99Z', null, undefined, {}, [], Number.NaN, Infinity, true]) {
    assert.equal(parseEventTime(value), undefined, JSON.stringify(value));
  }
});

test('formatEventTime and eventTimeFormat round-trip every format', () => {
  for (const format of ['iso8601', 'epochMillis', 'epochSeconds'] as const) {
    const written = formatEventTime(MS, format);
    assert.equal(eventTimeFormat(written), format);
    assert.equal(parseEventTime(written), format === 'epochSeconds' ? MS - 250 : MS);
  }
  assert.equal(eventTimeFormat('soon'), undefined);
});

test('toIso writes exactly what Date.prototype.toISOString writes', () => {
  const rng = createRng(1);
  const samples = [0, 59_999, 60_000, MS, MS + 1, 253402300799999, -1, 253402300800000];
  for (let i = 0; i < 2000; i++) samples.push(Math.floor(rng.next() * 4e12), MS + rng.int(0, 120_000));
  for (const ms of samples) assert.equal(toIso(ms), new Date(ms).toISOString(), String(ms));
});

test('the canonical UTC fast path of parseEventTime gives what the general ISO 8601 path gives', () => {
  // The general path as it reads strings, kept here as the reference.
  const general = (value: string): number | undefined => {
    const text = value.trim();
    if (!/^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i.test(text)) return undefined;
    const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(text) && text.length > 10;
    const normalized = text.replace(' ', 'T');
    const ms = Date.parse(hasZone ? normalized : normalized.length === 10 ? `${normalized}T00:00:00Z` : `${normalized}Z`);
    return Number.isNaN(ms) ? undefined : ms;
  };
  const rng = createRng(11);
  // Mostly in range, sometimes anything two digits can say.
  const two = (min: number, max: number) => String(rng.chance(0.95) ? rng.int(min, max) : rng.int(0, 99)).padStart(2, '0');
  const samples = ['2026-03-02T09:10:00Z', '2026-02-30T00:00:00Z', '2024-02-29T23:59:59.999Z', '0099-01-01T00:00:00Z', '0100-01-01T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T00:00:00.1Z', '2026-01-01T00:00:00.12Z', '2026-01-01T00:00:00.Z', '2026-01-01t00:00:00z'];
  for (let i = 0; i < 20_000; i++) {
    let text = `${two(0, 99)}${two(0, 99)}-${two(1, 12)}-${two(1, 31)}T${two(0, 23)}:${two(0, 59)}:${two(0, 59)}`;
    const fraction = rng.int(0, 4);
    if (fraction > 0) text += '.' + String(rng.int(0, 10 ** fraction - 1)).padStart(fraction, '0');
    text += rng.chance(0.9) ? 'Z' : '+01:00';
    if (rng.chance(0.2)) {
      const at = rng.int(0, text.length - 1);
      text = text.slice(0, at) + rng.pick(['-', ':', 'T', 'Z', '.', '9', '0', ' ', 'a']) + text.slice(at + 1);
    }
    samples.push(text);
  }
  let valid = 0;
  for (const text of samples) {
    const expected = general(text);
    assert.equal(parseEventTime(text), expected, text);
    if (expected !== undefined) valid++;
  }
  assert.ok(valid > 2_000, `only ${valid} samples were times`);
});
