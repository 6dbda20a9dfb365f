/**
 * Bounds on every wait a test makes. A broker bug must show up as a failed assertion naming what was
 * awaited, never as a suite that hangs until the runner is killed.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export class TestTimeoutError extends Error {
  override readonly name = 'TestTimeoutError';
}

/** Resolves like `promise`, or rejects with a message naming `label` after `ms` milliseconds. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TestTimeoutError(`${label}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `condition` until it holds; fails with `label` and the last observed state after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; label: string; describe?: () => string },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) {
      const state = options.describe ? ` (${options.describe()})` : '';
      throw new TestTimeoutError(`${options.label}: not reached within ${options.timeoutMs} ms${state}`);
    }
    await sleep(options.intervalMs ?? 50);
  }
}
