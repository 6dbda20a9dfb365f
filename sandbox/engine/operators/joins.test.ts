import { test } from 'node:test';
import assert from 'node:assert/strict';
import { count, createTestDriver, json, pipeline, tumbling } from '../../pipeline';

type Order = { orderId: string; customerId: string; cents: number; t: number };
type Payment = { paymentId: string; orderId: string; t: number };
type Customer = { customerId: string; tier: string | null; t: number };
const min = (n: number): number => n * 60_000;

const joinPipeline = (before: string | number = 0) => pipeline('joins', (p) => {
  const orders = p.bronze('orders', { value: json<Order>(), key: (o) => o.orderId, eventTime: (o) => o.t });
  const payments = p.bronze('payments', { value: json<Payment>(), key: (x) => x.paymentId, eventTime: (x) => x.t });
  p.gold('paid', orders.intervalJoin(payments, {
    leftKey: (o) => o.orderId, rightKey: (x) => x.orderId, before: before as 0, after: '30 minutes',
    select: (o, x) => ({ orderId: o.orderId, paymentId: x.paymentId }),
  }));
});

test('interval join: matches at both edges of the bound, inclusive, and not one millisecond beyond', () => {
  const d = createTestDriver(joinPipeline('1m'));
  d.input<Order>('orders').sendMany([{ orderId: 'o1', customerId: 'c', cents: 1, t: min(60) }]);
  d.input<Payment>('payments').sendMany([
    { paymentId: 'before-edge', orderId: 'o1', t: min(59) },
    { paymentId: 'too-early', orderId: 'o1', t: min(59) - 1 },
    { paymentId: 'after-edge', orderId: 'o1', t: min(90) },
    { paymentId: 'too-late', orderId: 'o1', t: min(90) + 1 },
    { paymentId: 'other-order', orderId: 'o2', t: min(60) },
  ]);
  const out = d.output<{ paymentId: string }>('paid').readAll();
  assert.deepEqual(out.map((r) => r.value.paymentId), ['before-edge', 'after-edge']);
  assert.deepEqual(out.map((r) => r.id), ['orders/0/0+payments/0/0', 'orders/0/0+payments/0/2']);
  assert.deepEqual(out[1]!.lineage, { positions: ['orders/0/0', 'payments/0/2'], total: 2 });
  assert.equal(out[1]!.eventTime, min(90));
});

test('interval join: the right side arriving first is matched too', () => {
  const d = createTestDriver(joinPipeline());
  d.input<Payment>('payments').send({ paymentId: 'p1', orderId: 'o1', t: min(10) });
  d.input<Order>('orders').send({ orderId: 'o1', customerId: 'c', cents: 1, t: min(0) });
  assert.deepEqual(d.output<{ paymentId: string }>('paid').readValues(), [{ orderId: 'o1', paymentId: 'p1' }]);
});

test('interval join: buffered records are dropped once the watermark passes their bound, and later ones are late', () => {
  const d = createTestDriver(joinPipeline());
  d.input<Order>('orders').send({ orderId: 'o1', customerId: 'c', cents: 1, t: min(0) });
  d.input<Payment>('payments').send({ paymentId: 'p0', orderId: 'x', t: min(0) });
  assert.equal(d.job.stateSize(), 2);
  d.advanceWatermark(min(30));
  assert.equal(d.job.stateSize(), 1, 'the order can still match a payment at exactly 30 minutes');
  d.advanceWatermark(min(30) + 1);
  assert.equal(d.job.stateSize(), 0);
  d.input<Payment>('payments').send({ paymentId: 'p1', orderId: 'o1', t: min(30) });
  assert.deepEqual(d.output('paid').readValues(), []);
  const late = d.sideOutput('paid', 'late').readValues();
  assert.equal(late.length, 1);
  assert.match(late[0]!.reason, /right record at 1800000 is behind the join's watermark 1800001/);
});

const temporalPipeline = (mode: 'left' | 'inner') => pipeline('temporal', (p) => {
  const orders = p.bronze('orders', { value: json<Order>(), key: (o) => o.orderId, eventTime: (o) => o.t });
  const customers = p.bronze('customers', { value: json<Customer>(), key: (c) => c.customerId, eventTime: (c) => c.t });
  const table = customers.toTable({ key: (c) => c.customerId, value: (c) => (c.tier === null ? null : { tier: c.tier }) });
  p.gold('enriched', orders.temporalJoin(table, { key: (o) => o.customerId, mode, select: (o, c) => ({ orderId: o.orderId, tier: c?.tier ?? null }) }));
});

test('temporal join: each order sees the customer row as of its own event time, edges included', () => {
  const d = createTestDriver(temporalPipeline('left'));
  const customers = d.input<Customer>('customers');
  customers.sendMany([
    { customerId: 'c1', tier: 'silver', t: 100 },
    { customerId: 'c1', tier: 'gold', t: 200 },
    { customerId: 'c1', tier: null, t: 300 },
  ]);
  d.input<Order>('orders').sendMany([
    { orderId: 'before-any', customerId: 'c1', cents: 1, t: 99 },
    { orderId: 'at-silver', customerId: 'c1', cents: 1, t: 100 },
    { orderId: 'just-before-gold', customerId: 'c1', cents: 1, t: 199 },
    { orderId: 'at-gold', customerId: 'c1', cents: 1, t: 200 },
    { orderId: 'after-delete', customerId: 'c1', cents: 1, t: 350 },
    { orderId: 'unknown', customerId: 'c9', cents: 1, t: 360 },
  ]);
  // An order is emitted once both inputs' watermarks pass its time: the customers' watermark is 300.
  assert.deepEqual(d.output('enriched').readValues(), [
    { orderId: 'before-any', tier: null },
    { orderId: 'at-silver', tier: 'silver' },
    { orderId: 'just-before-gold', tier: 'silver' },
    { orderId: 'at-gold', tier: 'gold' },
  ]);
  d.finish();
  assert.deepEqual(d.output('enriched').readAll().map((r) => [r.id, r.value]), [
    // A deleted row is gone from the table, so the order saw no row at all.
    ['orders/0/4+none', { orderId: 'after-delete', tier: null }],
    ['orders/0/5+none', { orderId: 'unknown', tier: null }],
  ]);
});

test('temporal join, inner: orders without a row are dropped; old versions are pruned as the watermark passes', () => {
  const d = createTestDriver(temporalPipeline('inner'));
  d.input<Customer>('customers').sendMany([{ customerId: 'c1', tier: 'silver', t: 100 }, { customerId: 'c1', tier: 'gold', t: 200 }]);
  d.input<Order>('orders').sendMany([{ orderId: 'o0', customerId: 'c1', cents: 1, t: 50 }, { orderId: 'o1', customerId: 'c1', cents: 1, t: 250 }]);
  d.advanceWatermark(251);
  assert.deepEqual(d.output('enriched').readValues(), [{ orderId: 'o1', tier: 'gold' }]);
  assert.equal(d.job.stateSize(), 1, 'only the gold version is still visible');
});

test('union: two sources merge, and the merged watermark is the minimum of both', () => {
  const p = pipeline('union', (p) => {
    const a = p.bronze('a', { value: json<Payment>(), eventTime: (x) => x.t });
    const b = p.bronze('b', { value: json<Payment>(), eventTime: (x) => x.t });
    p.gold('all', a.union(b).keyBy((x) => x.orderId).process({ init: () => 0, onRecord: (n, x, emit) => { emit(`${x.paymentId}#${n + 1}`); return n + 1; } }));
  });
  const d = createTestDriver(p);
  d.input<Payment>('a').send({ paymentId: 'a1', orderId: 'o', t: 10 });
  d.input<Payment>('b').send({ paymentId: 'b1', orderId: 'o', t: 5 });
  assert.deepEqual(d.output('all').readValues(), ['a1#1', 'b1#2']);
});

test('union with an idle input: the silent source stops holding the merged watermark back once idle, and counts again when it resumes', () => {
  const p = pipeline('union-idle', (p) => {
    const a = p.bronze('a', { value: json<Payment>(), eventTime: (x) => x.t, idleness: '10s' });
    const b = p.bronze('b', { value: json<Payment>(), eventTime: (x) => x.t, idleness: '10s' });
    p.gold('per_minute', a.union(b).keyBy((x) => x.orderId).window(tumbling('1m')).aggregate({ n: count() }));
  });
  const d = createTestDriver(p);
  d.input<Payment>('b').send({ paymentId: 'b1', orderId: 'o', t: min(0) });
  d.advanceTime(5_000);
  d.input<Payment>('a').sendMany([{ paymentId: 'a1', orderId: 'o', t: min(0) + 1 }, { paymentId: 'a2', orderId: 'o', t: min(3) }]);
  assert.deepEqual(d.output('per_minute').readValues(), [], 'b still holds the watermark at 0');
  d.advanceTime(5_000);
  assert.deepEqual(d.output('per_minute').readValues(), [{ key: 'o', windowStart: 0, windowEnd: min(1), n: 2 }]);
  // b resumes behind a: a record for a window still open counts, one for a closed window is late,
  // and b holds the merged watermark back again (a at 6 min fires nothing beyond b's 3 min).
  d.input<Payment>('b').sendMany([{ paymentId: 'b2', orderId: 'o', t: min(3) + 5 }, { paymentId: 'b3', orderId: 'o', t: min(2) }]);
  d.input<Payment>('a').send({ paymentId: 'a3', orderId: 'o', t: min(6) });
  assert.deepEqual(d.output('per_minute').readValues(), []);
  assert.deepEqual(d.sideOutput('per_minute', 'late').readValues().map((l) => [l.eventTime, l.watermark]), [[min(2), min(3)]]);
  d.finish();
  assert.deepEqual(d.output('per_minute').readValues(), [{ key: 'o', windowStart: min(3), windowEnd: min(4), n: 2 }, { key: 'o', windowStart: min(6), windowEnd: min(7), n: 1 }]);
});
