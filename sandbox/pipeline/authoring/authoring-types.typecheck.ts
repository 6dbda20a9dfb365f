// Compile-time tests of the authoring API: part of `tsc -p tsconfig.json`, never run. Each
// `@ts-expect-error` line must be an error; if the API stopped catching the mistake, the unused
// directive itself fails the type check.
import {
  count, createTestDriver, hopping, json, max, maxBy, pipeline, reduce, session, sum, countDistinct, tumbling, avg, first,
  type WindowResult,
} from '../index';

type Order = { orderId: string; customerId: string; region: string; amountCents: number; ts: string };
type Payment = { paymentId: string; orderId: string; amountCents: number; ts: string };
type Customer = { customerId: string; tier: 'gold' | 'silver'; ts: string };

export const typed = pipeline('orders', (p) => {
  const orders = p.bronze('orders', { value: json<Order>(), key: (o) => o.orderId, eventTime: (o) => Date.parse(o.ts), outOfOrderness: '5s', idleness: '30s' });
  const payments = p.bronze('payments', { value: json<Payment>(), eventTime: (x) => Date.parse(x.ts) });
  const customers = p.bronze('customers', { value: json<Customer>(), eventTime: (c) => Date.parse(c.ts) });

  // @ts-expect-error a field Order does not have
  orders.map((o) => o.amout);
  // @ts-expect-error a misspelt duration unit
  p.bronze('bad', { value: json<Order>(), eventTime: (o) => Date.parse(o.ts), outOfOrderness: '5 secs' });

  const clean = orders
    .expect('positive_amount', (o) => o.amountCents > 0, 'quarantine')
    .normalize({ region: (r) => r.trim().toUpperCase() })
    .dedupe({ key: (o) => o.orderId, within: '1h' });
  p.silver('orders_clean', clean);

  // @ts-expect-error normalize of a field Order does not have
  orders.normalize({ regoin: (r: string) => r });
  // @ts-expect-error rename of a field Order does not have
  orders.rename({ amout: 'amount' });

  const renamed = orders.rename({ amountCents: 'cents' });
  renamed.map((o) => o.cents satisfies number);
  // @ts-expect-error the old name is gone after rename
  renamed.map((o) => o.amountCents);

  const revenue = clean.keyBy((o) => o.region).window(tumbling('1m')).aggregate({
    revenue: sum((o) => o.amountCents),
    orders: count(),
    biggest: max((o) => o.amountCents),
    mean: avg((o) => o.amountCents),
    customers: countDistinct((o) => o.customerId),
    firstOrder: first((o) => o.orderId),
    top: maxBy((o) => o.amountCents),
    ids: reduce({ init: () => [] as string[], add: (a, o) => [...a, o.orderId], merge: (a, b) => [...a, ...b] }),
  });
  const checked: WindowResult<string, { revenue: ReturnType<typeof sum<Order>> }> = { key: 'EU', windowStart: 0, windowEnd: 60_000, revenue: 1 };
  void checked;
  revenue.map((r) => [r.key satisfies string, r.revenue satisfies number, r.biggest satisfies number | null, r.top?.orderId, r.ids.length]);
  // @ts-expect-error a window result has no field the aggregate did not name
  revenue.map((r) => r.revnue);
  // @ts-expect-error sum over a field that is not a number
  clean.keyBy((o) => o.region).window(tumbling('1m')).aggregate({ x: sum((o) => o.region) });
  // @ts-expect-error an aggregate over a field the record does not have
  clean.keyBy((o) => o.region).window(hopping('10s', '2s')).aggregate({ x: sum((o) => o.amout) });
  // @ts-expect-error aggregate names may not hide the key or window bounds
  clean.keyBy((o) => o.region).window(session('10s')).aggregate({ key: count() });
  p.gold('revenue_per_region', revenue);

  const soFar = clean.keyBy((o) => o.region).aggregate({ revenue: sum((o) => o.amountCents), orders: count() }, { ttl: '7 days' });
  soFar.map((r) => [r.key satisfies string, r.revenue satisfies number]);
  // @ts-expect-error a running aggregate has no window bounds
  soFar.map((r) => r.windowStart);
  // @ts-expect-error a running aggregate over a field the record does not have
  clean.keyBy((o) => o.region).aggregate({ x: sum((o) => o.amout) });

  const { refunds, sales, unmatched } = orders.split({
    refunds: (o) => o.amountCents < 0,
    sales: (o): o is Order & { amountCents: number } => o.amountCents >= 0,
  });
  refunds.map((o) => o.orderId);
  sales.map((o) => o.amountCents);
  unmatched.map((o) => o.orderId);

  const paid = orders.intervalJoin(payments, {
    leftKey: (o) => o.orderId, rightKey: (x) => x.orderId, after: '30m',
    select: (o, x) => ({ orderId: o.orderId, paid: x.amountCents }),
  });
  paid.map((r) => r.paid satisfies number);
  // @ts-expect-error the right side is a Payment, which has no customerId
  orders.intervalJoin(payments, { leftKey: (o) => o.orderId, rightKey: (x) => x.customerId, select: (o) => o });

  const table = customers.toTable({ key: (c) => c.customerId });
  const enriched = orders.temporalJoin(table, { key: (o) => o.customerId, select: (o, c) => ({ ...o, tier: c?.tier ?? ('none' as const) }) });
  enriched.map((o) => o.tier satisfies 'gold' | 'silver' | 'none');
  // @ts-expect-error in a left join the row may be missing
  orders.temporalJoin(table, { key: (o) => o.customerId, select: (_o, c) => c.tier });
  orders.temporalJoin(table, { key: (o) => o.customerId, mode: 'inner', select: (_o, c) => c.tier });
  p.gold('enriched', enriched);
});

export const driverUse = (): void => {
  const driver = createTestDriver(typed);
  driver.input<Order>('orders').send({ orderId: 'o1', customerId: 'c1', region: 'eu', amountCents: 5, ts: '2026-01-01T00:00:00Z' });
  // @ts-expect-error the input is typed by the caller
  driver.input<Order>('orders').send({ orderId: 'o1' });
  driver.sideOutput('orders_clean', 'quarantine').readValues().map((q) => q.rule);
};
