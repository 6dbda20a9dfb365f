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
