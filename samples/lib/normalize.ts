// Silver normalization of the sample streams: one timestamp format (epoch ms), one customer-id form
// (C-00042), one currency unit (cents), and schema v1 and v2 of orders mapped to one shape.
import { parseEventTime } from 'medallion-studio/pipeline';
import type { Customer, FunnelStep, Order, Payment, RawCustomer, RawOrder, RawPageView, RawPayment } from './shop-types';

/**
 * The event time of a raw value in epoch ms. Throwing sends the record to its source's dead-letter
 * output, which is where an event without a usable time belongs.
 */
export function eventTimeOf(value: unknown): number {
  const ms = parseEventTime(value);
  if (ms === undefined) throw new Error(`not an event time: ${JSON.stringify(value)}`);
  return ms;
}

/**
 * The canonical form of a customer id, whichever service spelled it: C-00042, c-00042, C00042,
 * 42 and ' C-00042 ' are all C-00042. Anything else is not a customer id (null).
 */
export function canonicalCustomerId(id: unknown): string | null {
  if (typeof id !== 'string' && typeof id !== 'number') return null;
  const match = /^(?:c-?)?0*(\d{1,9})$/i.exec(String(id).trim());
  return match ? `C-${match[1]!.padStart(5, '0')}` : null;
}

/** Euros as whole cents, without the float error of `euros * 100`. */
export function toCents(euros: number): number {
  return Math.round(euros * 100);
}

export function toOrder(raw: RawOrder): Order {
  const common = {
    orderId: raw.order_id,
    customerId: canonicalCustomerId(raw.customer_id),
    sessionId: raw.session_id,
    // The shop sells in euros only; a missing or null currency is the services' omission, not another currency.
    currency: raw.currency ?? 'EUR',
    ts: eventTimeOf(raw.ts),
  };
  if (raw.schema_version === 2) {
    return {
      ...common,
      lines: raw.line_items.map((l) => ({ productId: l.product_id, quantity: l.quantity, unitPriceCents: l.unit_price_cents })),
      amountCents: raw.amount_cents,
      schemaVersion: 2,
    };
  }
  return {
    ...common,
    lines: raw.items.map((l) => ({ productId: l.product_id, quantity: l.quantity, unitPriceCents: toCents(l.unit_price) })),
    amountCents: toCents(raw.amount),
    schemaVersion: 1,
  };
}

export function toPayment(raw: RawPayment): Payment {
  return {
    paymentId: raw.payment_id,
    orderId: raw.order_id,
    attempt: raw.attempt,
    amountCents: toCents(raw.amount),
    method: raw.method ?? 'unknown',
    status: raw.status,
    failureReason: raw.failure_reason ?? null,
    ts: eventTimeOf(raw.ts),
  };
}

export function toCustomer(raw: RawCustomer): Customer {
  return { customerId: canonicalCustomerId(raw.customer_id) ?? raw.customer_id, region: raw.region, tier: raw.tier ?? 'unknown' };
}

/** The funnel step a page view is; a product page counts as showing interest. */
export function toFunnelStep(raw: RawPageView): FunnelStep {
  const step = raw.page === '/cart' ? 'cart' : raw.page === '/checkout' ? 'checkout' : raw.page.startsWith('/product/') ? 'product' : 'view';
  return { sessionId: raw.session_id, customerId: canonicalCustomerId(raw.customer_id), step };
}
