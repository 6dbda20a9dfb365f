// The showcase pipeline over the sample streams in data/: bronze keeps the raw topics untouched,
// silver normalizes, validates, deduplicates and enriches orders, and gold answers the business
// questions. Run it on the samples with `medallion replay samples/data` and the pipeline runner,
// or test it offline: sandbox/replay/samples-golden.test.ts runs it through the test driver.
import { count, countDistinct, hopping, json, max, pipeline, session, sum, tumbling, type Stream } from 'medallion-studio/pipeline';
import { eventTimeOf, toCustomer, toFunnelStep, toOrder, toPayment } from './lib/normalize';
import type { FunnelStep, RawCustomer, RawOrder, RawPageView, RawPayment } from './lib/shop-types';

/** The out-of-order bound the mess profile declares (outOfOrder.maxDelayMs). */
const OUT_OF_ORDER = '5s';
/** One partition of page_views falls silent part way through; it must not hold the watermark forever. */
const IDLE_AFTER = '30s';

export default pipeline('shop', (p) => {
  const rawOrders = p.bronze('orders', { value: json<RawOrder>(), key: (o) => o.order_id, eventTime: (o) => eventTimeOf(o.ts), outOfOrderness: OUT_OF_ORDER, idleness: IDLE_AFTER });
  const rawPayments = p.bronze('payments', { value: json<RawPayment>(), key: (o) => o.order_id, eventTime: (o) => eventTimeOf(o.ts), outOfOrderness: OUT_OF_ORDER, idleness: IDLE_AFTER });
  const rawCustomers = p.bronze('customers', { value: json<RawCustomer>(), key: (c) => c.customer_id, eventTime: (c) => eventTimeOf(c.updated_at), outOfOrderness: OUT_OF_ORDER, idleness: IDLE_AFTER });
  const rawViews = p.bronze('page_views', { value: json<RawPageView>(), key: (v) => v.session_id, eventTime: (v) => eventTimeOf(v.ts), outOfOrderness: OUT_OF_ORDER, idleness: IDLE_AFTER });

  // Silver: one shape for schema v1 and v2, then the rules an order must meet, then one copy of each.
  const orders = p.silver(
    'orders_clean',
    rawOrders
      .map(toOrder)
      .expect('has_customer', (o) => o.customerId !== null, 'quarantine')
      .expect('amount_matches_lines', (o) => o.amountCents === o.lines.reduce((s, l) => s + l.unitPriceCents * l.quantity, 0), 'quarantine')
      .expect('positive_amount', (o) => o.amountCents > 0, 'quarantine')
      .dedupe({ key: (o) => o.orderId, within: '1h' }),
  );
  const customers = rawCustomers.map(toCustomer).toTable({ key: (c) => c.customerId });
  const enriched = p.silver(
    'orders_enriched',
    orders.temporalJoin(customers, { key: (o) => o.customerId ?? '', select: (o, c) => ({ ...o, region: c?.region ?? 'unknown', tier: c?.tier ?? 'unknown' }) }),
  );
  const payments = p.silver('payments_clean', rawPayments.map(toPayment).dedupe({ key: (x) => x.paymentId, within: '1h' }));
  const paid = p.silver(
    'orders_paid',
    enriched.intervalJoin(
      payments.filter((x) => x.status === 'succeeded'),
      { leftKey: (o) => o.orderId, rightKey: (x) => x.orderId, after: '10m', select: (o, x) => ({ ...o, paymentId: x.paymentId, method: x.method, paidAt: x.ts }) },
    ),
  );

  // Gold: revenue per region per minute, counted when the order is paid.
  const revenue = p.gold('revenue_per_region_per_minute', paid.keyBy((o) => o.region).window(tumbling('1m'), { allowedLateness: '30s' }).aggregate({ revenueCents: sum((o) => o.amountCents), orders: count() }));

  // Gold: products in the most orders over the last ten minutes, every minute.
  const hotProducts = p.gold(
    'hot_products',
    orders
      .flatMap((o) => o.lines.map((l) => ({ productId: l.productId, orderId: o.orderId, quantity: l.quantity })))
      .keyBy((l) => l.productId)
      .window(hopping('10m', '1m'))
      .aggregate({ orders: countDistinct((l) => l.orderId), units: sum((l) => l.quantity) })
      .filter((w) => w.orders >= 3),
  );

  // Gold: the funnel per browsing session, from first view to purchase. A session ends after two
  // minutes without a step; the order placed in it is its last step.
  const purchases = orders.map((o): FunnelStep => ({ sessionId: o.sessionId, customerId: o.customerId, step: 'purchase' }));
  const reached = (step: FunnelStep['step']) => max((s: FunnelStep) => (s.step === step ? 1 : 0));
  const funnel = p.gold(
    'conversion_funnel',
    rawViews
      .map(toFunnelStep)
      .union(purchases)
      .keyBy((s) => s.sessionId)
      .window(session('2m'))
      .aggregate({ steps: count(), product: reached('product'), cart: reached('cart'), checkout: reached('checkout'), purchase: reached('purchase') }),
  );

  // Gold: minutes in which at least a third of at least five payment attempts failed.
  const anomalies = p.gold(
    'payment_failure_anomalies',
    payments
      .keyBy(() => 'all')
      .window(tumbling('1m'))
      .aggregate({ attempts: count(), failures: sum((x) => (x.status === 'failed' ? 1 : 0)) })
      .filter((w) => w.attempts >= 5 && w.failures * 3 >= w.attempts),
  );

  // Gold: late data per layer. Every joining or windowed layer sends the records it found behind its
  // watermark to its late side output; this layer reads those outputs as streams and keeps, per
  // layer, how many there were and how far behind the watermark the worst one arrived.
  const lateOf = (layer: string, stream: Stream<unknown>) =>
    p.sideOutput(stream, 'late').map((late) => ({ layer, behindMs: late.watermark - late.eventTime }));
  p.gold(
    'late_data_counts',
    lateOf('orders_enriched', enriched)
      .union(lateOf('orders_paid', paid), lateOf('revenue_per_region_per_minute', revenue), lateOf('hot_products', hotProducts), lateOf('conversion_funnel', funnel), lateOf('payment_failure_anomalies', anomalies))
      .keyBy((late) => late.layer)
      .aggregate({ late: count(), maxBehindMs: max((late) => late.behindMs) }),
  );
});
