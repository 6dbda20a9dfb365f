/**
 * Live layer counts: the warehouse updates its counters with every batch it commits, so while a
 * replay runs the host polls them (a map read, no query) and pushes them only when they changed.
 */
import type { Counts } from '../protocol/inspector';
import type { Warehouse } from '../warehouse/index';
import { readCounts } from './handlers';

export function startCountsFeed(
  warehouse: Warehouse,
  push: (counts: Counts, tablesChanged: boolean) => void,
  /** @default 500 */
  intervalMs = 500,
): { stop(): void } {
  let last = JSON.stringify(warehouse.layerCounts());
  let tables = warehouse.offsets().map((o) => o.topic).sort().join('\n');
  let busy = false;
  const timer = setInterval(() => {
    const now = JSON.stringify(warehouse.layerCounts());
    if (now === last || busy) return;
    last = now;
    busy = true;
    const topics = [...new Set(warehouse.offsets().map((o) => o.topic))].sort().join('\n');
    const tablesChanged = topics !== tables;
    tables = topics;
    readCounts(warehouse).then(
      (counts) => push(counts, tablesChanged),
      () => undefined,
    ).finally(() => {
      busy = false;
    });
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
