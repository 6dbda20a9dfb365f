import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualScheduler } from './virtual-scheduler';

test('timers fire in deadline order during advance, seeing their own deadline as now', () => {
  const clock = new VirtualScheduler(10);
  const fired: [string, number][] = [];
  clock.setTimer(30, () => fired.push(['late', clock.now()]));
  clock.setTimer(5, () => {
    fired.push(['early', clock.now()]);
    clock.setTimer(5, () => fired.push(['chained', clock.now()]));
  });
  clock.setTimer(5, () => fired.push(['tie', clock.now()]));
  clock.advance(20);
  assert.deepEqual(fired, [['early', 15], ['tie', 15], ['chained', 20]]);
  assert.equal(clock.now(), 30);
  assert.equal(clock.pendingTimers, 1);
  clock.advance(10);
  assert.deepEqual(fired.at(-1), ['late', 40]);
});

test('a cancelled timer never fires, and cancelling twice is harmless', () => {
  const clock = new VirtualScheduler();
  let fired = false;
  const cancel = clock.setTimer(1, () => (fired = true));
  cancel();
  cancel();
  clock.advance(5);
  assert.equal(fired, false);
  assert.equal(clock.pendingTimers, 0);
});
