import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realScheduler } from './scheduler';

test('the real scheduler does not fire a timer beyond the 32-bit limit at once, and cancels it', async () => {
  let fired = false;
  const cancel = realScheduler.setTimer(2 ** 31 + 5, () => (fired = true));
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(fired, false);
  cancel();
});
