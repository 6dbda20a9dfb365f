import { test } from 'node:test';
import assert from 'node:assert/strict';
import { count, createTestDriver, json, max, pipeline, sum, tumbling } from '../../pipeline';

type Sale = { region: string; cents: number; t: number };
const sales = pipeline('running', (p) => {
  const src = p.bronze('sales', { value: json<Sale>(), eventTime: (s) => s.t });
  const perRegion = p.gold('revenue_so_far', src.keyBy((s) => s.region).aggregate({ revenue: sum((s) => s.cents), sales: count(), biggest: max((s) => s.cents) }, { ttl: '1m' }));
  p.gold('total_so_far', perRegion.keyBy(() => 'all').aggregate({ revenue: sum((r) => r.revenue), regions: count() }));
  p.gold('per_minute_of_totals', perRegion.keyBy(() => 'all').window(tumbling('1m')).aggregate({ revenue: sum((r) => r.revenue) }));
});

test('running aggregate: every record updates its key, retracting the previous result', () => {
  const d = createTestDriver(sales);
  d.input<Sale>('sales').sendMany([{ region: 'EU', cents: 5, t: 1 }, { region: 'US', cents: 7, t: 2 }, { region: 'EU', cents: 3, t: 3 }]);
  const out = d.output<{ revenue: number }>('revenue_so_far').readAll();
  assert.deepEqual(out.map((r) => [r.kind, r.id, r.value]), [
    ['insert', 'revenue_so_far/2/"EU"@sales/0/0/0', { key: 'EU', revenue: 5, sales: 1, biggest: 5 }],
    ['insert', 'revenue_so_far/2/"US"@sales/0/1/0', { key: 'US', revenue: 7, sales: 1, biggest: 7 }],
    ['retract', 'revenue_so_far/2/"EU"@sales/0/0/1', { key: 'EU', revenue: 5, sales: 1, biggest: 5 }],
    ['insert', 'revenue_so_far/2/"EU"@sales/0/0/2', { key: 'EU', revenue: 8, sales: 2, biggest: 5 }],
  ]);
});

test('running aggregate feeding aggregates: retractions keep a downstream total and a downstream window right', () => {
  const d = createTestDriver(sales);
  d.input<Sale>('sales').sendMany([{ region: 'EU', cents: 5, t: 1 }, { region: 'US', cents: 7, t: 2 }, { region: 'EU', cents: 3, t: 3 }]);
  assert.deepEqual(d.output('total_so_far').readTable(), [{ key: 'all', revenue: 15, regions: 2 }]);
  d.finish();
  assert.deepEqual(d.output('per_minute_of_totals').readValues(), [{ key: 'all', windowStart: 0, windowEnd: 60_000, revenue: 15 }]);
});

test('running aggregate with a TTL: a key idle for the TTL starts over, under new ids', () => {
  const d = createTestDriver(sales);
  const input = d.input<Sale>('sales');
  input.sendMany([{ region: 'EU', cents: 5, t: 0 }, { region: 'US', cents: 1, t: 60_000 }]);
  assert.equal(d.job.stateSize() > 0, true);
  input.send({ region: 'EU', cents: 2, t: 60_001 });
  const eu = d.output<{ key: string; revenue: number }>('revenue_so_far').readAll().filter((r) => r.value.key === 'EU');
  assert.deepEqual(eu.map((r) => [r.kind, r.id, r.value.revenue]), [
    ['insert', 'revenue_so_far/2/"EU"@sales/0/0/0', 5],
    ['insert', 'revenue_so_far/2/"EU"@sales/0/2/0', 2],
  ]);
});

test('running aggregate: a retraction carries the event time of the result it withdraws, so windows downstream stay right', () => {
  const d = createTestDriver(sales);
  d.input<Sale>('sales').sendMany([{ region: 'EU', cents: 5, t: 59_000 }, { region: 'EU', cents: 3, t: 61_000 }]);
  const out = d.output('revenue_so_far').readAll();
  assert.deepEqual(out.map((r) => [r.kind, r.eventTime]), [['insert', 59_000], ['retract', 59_000], ['insert', 61_000]]);
  d.finish();
  assert.deepEqual(d.output('per_minute_of_totals').readValues(), [{ key: 'all', windowStart: 60_000, windowEnd: 120_000, revenue: 8 }]);
});
