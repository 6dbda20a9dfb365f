// The shapes of the sample streams: bronze as the services write them (every field that the mess
// profile may drop or null is optional), and silver as the pipeline normalizes them.

/** An event time as the services write it: ISO 8601, epoch milliseconds or epoch seconds. */
export type RawTime = string | number;

export interface RawOrderV1 {
  schema_version: 1;
  order_id: string;
  customer_id?: string | null;
  /** The browsing session the order was placed in. */
  session_id: string;
  items: { product_id: string; quantity: number; unit_price: number }[];
  /** Euros. */
  amount: number;
  currency?: string | null;
  ts: RawTime;
}

/** Schema v2, after the drift: `items` became `line_items` and amounts are in cents. */
export interface RawOrderV2 {
  schema_version: 2;
  order_id: string;
  customer_id?: string | null;
  session_id: string;
  line_items: { product_id: string; quantity: number; unit_price_cents: number }[];
  amount_cents: number;
  currency?: string | null;
  ts: RawTime;
}

export type RawOrder = RawOrderV1 | RawOrderV2;

export interface RawPayment {
  payment_id: string;
  order_id: string;
  customer_id?: string | null;
  attempt: number;
  /** Euros. */
  amount: number;
  currency?: string | null;
  method?: string | null;
  status: 'succeeded' | 'failed';
  failure_reason?: string;
  ts: RawTime;
}

export interface RawCustomer {
  customer_id: string;
  name: string;
  email?: string | null;
  region: string;
  tier?: string | null;
  updated_at: RawTime;
}

export interface RawPageView {
  view_id: string;
  session_id: string;
  customer_id?: string | null;
  page: string;
  product_id?: string;
  referrer?: string | null;
  user_agent?: string | null;
  ts: RawTime;
}

/** One order in silver: one shape for both schema versions, cents, canonical ids, epoch ms. */
export interface Order {
  orderId: string;
  customerId: string | null;
  sessionId: string;
  lines: { productId: string; quantity: number; unitPriceCents: number }[];
  amountCents: number;
  currency: string;
  schemaVersion: 1 | 2;
  ts: number;
}

export interface Payment {
  paymentId: string;
  orderId: string;
  attempt: number;
  amountCents: number;
  method: string;
  status: 'succeeded' | 'failed';
  failureReason: string | null;
  ts: number;
}

export interface Customer {
  customerId: string;
  region: string;
  tier: string;
}

/** A step of the funnel: a page view, or the purchase that ends it. */
export interface FunnelStep {
  sessionId: string;
  customerId: string | null;
  step: 'view' | 'product' | 'cart' | 'checkout' | 'purchase';
}
