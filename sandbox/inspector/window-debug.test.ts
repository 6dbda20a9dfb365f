import { test } from 'node:test';
import assert from 'node:assert/strict';
import { record, tempWarehouse } from '../warehouse/test-support';
import { debugWindow } from './window-debug';

const lineage = (offsets: number[]) => JSON.stringify(offsets.map((o) => ({ t: 'sales.silver', p: 0, o })));
const silver = { 'medallion.layer': 'silver', 'medallion.output': 'sales' };

test('the window debugger shows the events of a window, its late records, and says when watermarks are missing', async () => {
  const t = await tempWarehouse();
  try {
    const w = t.warehouse;
    await w.ingest('sales.silver', 0, [
      record(0, { sku: 'a' }, silver, { key: 'a', timestamp: 60_000 }),
      record(1, { sku: 'a' }, silver, { key: 'a', timestamp: 90_000 }),
      record(2, { sku: 'b' }, silver, { key: 'b', timestamp: 95_000 }),
      record(3, { sku: 'a' }, silver, { key: 'a', timestamp: 130_000 }),
    ]);
    await w.ingest('sales.gold', 0, [
      record(0, { key: 'a', windowStart: 60_000, windowEnd: 120_000, total: 2 }, { 'medallion.layer': 'gold', 'medallion.output': 'per_minute', 'medallion.lineage': lineage([0, 1]) }, { key: 'a', timestamp: 119_999 }),
    ]);
    await w.ingest('sales.gold.late', 0, [
      record(0, { record: { sku: 'a' }, eventTime: 70_000, watermark: 185_000, window: { start: 60_000, end: 120_000 }, reason: 'window [60000, 120000) closed at watermark 185000' }, { 'medallion.layer': 'gold', 'medallion.output': 'late' }, { key: 'a', timestamp: 70_000 }),
      record(1, { record: { sku: 'a' }, eventTime: 10_000, watermark: 185_000, window: { start: 0, end: 60_000 }, reason: 'another window' }, { 'medallion.layer': 'gold', 'medallion.output': 'late' }, { key: 'a', timestamp: 10_000 }),
    ]);
    const debug = await debugWindow(w, { table: 'sales_gold', partition: 0, offset: 0 });
    assert.deepEqual(debug.window, { start: 60_000, end: 120_000, key: 'a', layer: 'per_minute' });
    const at = (name: string) => debug.events.columns.findIndex((c) => c.name === name);
    assert.deepEqual(debug.events.rows.map((r) => [r[at('_offset')], r[at('counted')], r[at('event_time_ms')]]), [[0, true, 60_000], [1, true, 90_000]]);
    assert.equal(debug.late.rows.length, 1);
    assert.match(String(debug.late.rows[0]?.[debug.late.columns.findIndex((c) => c.name === 'reason')]), /closed at watermark 185000/);
    assert.deepEqual(debug.lateTables, ['sales_gold_late']);
    assert.equal(debug.watermarks.available, false);
    assert.match(debug.watermarks.available ? '' : debug.watermarks.message, /no _medallion\.watermarks topic/);

    await w.ingest('_medallion.watermarks', 0, [
      record(0, { pipeline: 'p', layer: 'per_minute', task: 'sales', watermark: 100_000, at: 105_000 }),
      record(1, { pipeline: 'p', layer: 'per_minute', task: 'sales', watermark: 125_000, at: 130_000 }),
      record(2, { pipeline: 'p', layer: 'other', task: 'sales', watermark: 125_000, at: 130_000 }),
    ]);
    const withMarks = await debugWindow(w, { table: 'sales_gold', partition: 0, offset: 0 });
    assert.ok(withMarks.watermarks.available);
    assert.deepEqual(withMarks.watermarks.available && withMarks.watermarks.points, [{ at: 105_000, watermark: 100_000, task: 'sales' }, { at: 130_000, watermark: 125_000, task: 'sales' }]);
    await assert.rejects(debugWindow(w, { table: 'sales_silver', partition: 0, offset: 0 }), /not a window result/);
  } finally {
    await t.cleanup();
  }
});
