import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Pacer, type WallClock } from './pacer';

function virtualClock(): WallClock & { advance(ms: number): void } {
  let now = 1000;
  return { now: () => now, sleep: async (ms) => { now += ms; }, advance: (ms) => { now += ms; } };
}

test('at 10x, an event one minute after the first is due six seconds after it', () => {
  const clock = virtualClock();
  const pacer = new Pacer(10, clock);
  assert.equal(pacer.delayFor(1_000_000), 0);
  assert.equal(pacer.delayFor(1_060_000), 6000);
  clock.advance(2000);
  assert.equal(pacer.delayFor(1_060_000), 4000);
});

test('events behind the pace, without a time, or unpaced go at once', () => {
  const clock = virtualClock();
  const pacer = new Pacer(1, clock);
  pacer.delayFor(5000);
  assert.equal(pacer.delayFor(4000), 0);
  assert.equal(pacer.delayFor(undefined), 0);
  assert.equal(new Pacer(undefined, clock).delayFor(9e12), 0);
  assert.equal(new Pacer(Infinity, clock).delayFor(9e12), 0);
});

test('reset starts the pace over from the next event', () => {
  const clock = virtualClock();
  const pacer = new Pacer(2, clock);
  pacer.delayFor(0);
  assert.equal(pacer.delayFor(10_000), 5000);
  pacer.reset();
  assert.equal(pacer.delayFor(10_000), 0);
  assert.equal(pacer.delayFor(12_000), 1000);
});

test('a speed that is not positive is refused', () => {
  assert.throws(() => new Pacer(0, virtualClock()), /speed must be positive/);
  assert.throws(() => new Pacer(-2, virtualClock()), /speed must be positive/);
});
