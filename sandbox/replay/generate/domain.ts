// The e-commerce domain behind the sample streams: customers browse in sessions (page views), some
// sessions end in an order, each order is paid (sometimes after a failed attempt, more often during
// payment incidents), paid orders ship and are delivered, a few are refunded, and customers change
// region, tier or email along the way. Everything here is clean; mess.ts adds the imperfections.
import type { Rng } from '../prng';
import type { StreamName } from './mess-profile';

/** A clean event: its stream, its Kafka key, its event time and its fields (times as epoch ms). */
export interface DomainEvent {
  stream: StreamName;
  key: string;
  ts: number;
  fields: Record<string, unknown>;
}

/** What the domain needs from whoever drives it. */
export interface DomainSink {
  /** Takes one clean event; the sink may refuse it once enough events exist. */
  emit(event: DomainEvent): void;
  /** How far through the run we are, from 0 to 1, for the drift and idle points. */
  progress(): number;
  /** True when an event of this stream with this key must not be created (its partition is idle). */
  isIdle(stream: StreamName, key: string): boolean;
}

/** Tuning of the domain; defaults give a shop with a few sessions per second. */
export interface DomainOptions {
  /** When the shop opens; the customer snapshot predates it. */
  startMs: number;
  /** How many customers exist. */
  customers: number;
  /** From this progress (0..1) on, orders use schema v2. */
  driftAt: number;
}

const REGIONS = ['eu-west', 'eu-central', 'eu-north', 'us-east', 'us-west', 'apac'] as const;
const TIERS = ['free', 'free', 'free', 'plus', 'plus', 'pro'] as const;
const FIRST = ['ada', 'alan', 'grace', 'linus', 'margaret', 'ken', 'barbara', 'edsger', 'frances', 'donald', 'radia', 'tim', 'hedy', 'john', 'sophie', 'yukihiro'] as const;
const LAST = ['lovelace', 'turing', 'hopper', 'torvalds', 'hamilton', 'thompson', 'liskov', 'dijkstra', 'allen', 'knuth', 'perlman', 'berners-lee', 'lamarr', 'backus', 'wilson', 'matsumoto'] as const;
const REFERRERS = ['direct', 'search', 'newsletter', 'ads', 'social'] as const;
const AGENTS = ['web-chrome', 'web-firefox', 'web-safari', 'ios-app', 'android-app'] as const;
const METHODS = ['card', 'card', 'card', 'paypal', 'bank-transfer'] as const;
const FAILURES = ['card_declined', 'insufficient_funds', 'gateway_timeout', 'fraud_suspected'] as const;
const CARRIERS = ['dhl', 'ups', 'postnl', 'colissimo'] as const;
const REFUND_REASONS = ['damaged', 'wrong_size', 'not_as_described', 'late_delivery'] as const;
const PRODUCTS = 120;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

interface Customer {
  customer_id: string;
  name: string;
  email: string;
  region: string;
  tier: string;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** The shop simulation: call snapshot() once, then session() until the sink has enough events. */
export class Shop {
  private now: number;
  private readonly customers: Customer[] = [];
  private readonly prices: number[] = [];
  private nextSession = 1;
  private nextView = 1;
  private nextOrder = 1;
  private nextPayment = 1;
  private nextShipment = 1;
  private nextRefund = 1;
  private readonly incidents: { start: number; end: number }[] = [];

  constructor(private readonly rng: Rng, private readonly sink: DomainSink, private readonly options: DomainOptions) {
    this.now = options.startMs;
    // The first payment incident comes early so even the small samples show one.
    this.incidents.push({ start: options.startMs + 4 * MINUTE, end: options.startMs + 6 * MINUTE });
    for (let i = 0; i < PRODUCTS; i++) this.prices.push(rng.int(2, 200) * 100 - 1);
  }

  /** The current simulated time: every event emitted from now on has an event time at or after it. */
  get clock(): number {
    return this.now;
  }

  /** Emits the customers changelog's initial snapshot, dated in the month before the shop opens. */
  snapshot(): void {
    for (let i = 1; i <= this.options.customers; i++) {
      const first = this.rng.pick(FIRST);
      const last = this.rng.pick(LAST);
      const customer: Customer = {
        customer_id: `C-${pad(i, 5)}`,
        name: `${capitalize(first)} ${capitalize(last)}`,
        email: `${first}.${last}${i}@example.com`,
        region: this.rng.pick(REGIONS),
        tier: this.rng.pick(TIERS),
      };
      this.customers.push(customer);
      this.emitCustomer(customer, this.options.startMs - this.rng.int(1, 30 * 24 * 60) * MINUTE);
    }
  }

  /** Simulates one browsing session and everything it leads to; advances the clock. */
  session(): void {
    this.now += Math.max(1, Math.round(this.rng.exponential(1500)));
    if (this.rng.chance(0.02)) this.updateCustomer();
    const customer = this.rng.pick(this.customers);
    let sessionId = `S-${pad(this.nextSession++, 7)}`;
    while (this.sink.isIdle('page_views', sessionId)) sessionId = `S-${pad(this.nextSession++, 7)}`;
    const referrer = this.rng.pick(REFERRERS);
    const agent = this.rng.pick(AGENTS);
    const converts = this.rng.chance(customer.tier === 'pro' ? 0.4 : 0.25);
    const browsed: number[] = [];
    let t = this.now;
    const views = 1 + Math.min(7, Math.floor(this.rng.exponential(1.8)));
    for (let i = 0; i < views; i++) {
      const onProduct = i > 0 || this.rng.chance(0.6);
      const product = onProduct ? this.popularProduct() : undefined;
      if (product !== undefined) browsed.push(product);
      this.emitView(sessionId, customer, i === 0 ? '/' : `/product/P-${pad(product ?? 0, 4)}`, product, referrer, agent, t);
      t += this.rng.int(2, 40) * SECOND;
    }
    if (!converts || browsed.length === 0) return;
    this.emitView(sessionId, customer, '/cart', undefined, referrer, agent, t);
    t += this.rng.int(3, 30) * SECOND;
    this.emitView(sessionId, customer, '/checkout', undefined, referrer, agent, t);
    t += this.rng.int(5, 60) * SECOND;
    this.order(customer, sessionId, browsed, t);
  }

  private order(customer: Customer, sessionId: string, browsed: number[], ts: number): void {
    let orderId = `O-${pad(this.nextOrder++, 7)}`;
    while (this.orderKeyIdle(orderId)) orderId = `O-${pad(this.nextOrder++, 7)}`;
    const distinct = [...new Set(browsed)].slice(0, 4);
    const lines = distinct.map((product) => ({ product, quantity: this.rng.chance(0.8) ? 1 : this.rng.int(2, 3), cents: this.prices[product - 1] ?? 999 }));
    const cents = lines.reduce((sum, line) => sum + line.cents * line.quantity, 0);
    const v2 = this.sink.progress() >= this.options.driftAt;
    const fields: Record<string, unknown> = v2
      ? {
          schema_version: 2,
          order_id: orderId,
          customer_id: customer.customer_id,
          session_id: sessionId,
          line_items: lines.map((l) => ({ product_id: `P-${pad(l.product, 4)}`, quantity: l.quantity, unit_price_cents: l.cents })),
          amount_cents: cents,
          currency: 'EUR',
          ts,
        }
      : {
          schema_version: 1,
          order_id: orderId,
          customer_id: customer.customer_id,
          session_id: sessionId,
          items: lines.map((l) => ({ product_id: `P-${pad(l.product, 4)}`, quantity: l.quantity, unit_price: l.cents / 100 })),
          amount: cents / 100,
          currency: 'EUR',
          ts,
        };
    this.sink.emit({ stream: 'orders', key: orderId, ts, fields });
    this.pay(orderId, customer, cents, ts + this.rng.int(2, 180) * SECOND, 1);
  }

  private pay(orderId: string, customer: Customer, cents: number, ts: number, attempt: number): void {
    const failed = this.rng.chance(this.inIncident(ts) ? 0.55 : 0.04);
    const fields: Record<string, unknown> = {
      payment_id: `PAY-${pad(this.nextPayment++, 7)}`,
      order_id: orderId,
      customer_id: customer.customer_id,
      attempt,
      amount: cents / 100,
      currency: 'EUR',
      method: this.rng.pick(METHODS),
      status: failed ? 'failed' : 'succeeded',
    };
    if (failed) fields.failure_reason = this.rng.pick(FAILURES);
    fields.ts = ts;
    this.sink.emit({ stream: 'payments', key: orderId, ts, fields });
    if (failed) {
      if (attempt < 3 && this.rng.chance(0.7)) this.pay(orderId, customer, cents, ts + this.rng.int(20, 180) * SECOND, attempt + 1);
      return;
    }
    this.ship(orderId, customer, cents, ts + this.rng.int(5, 60) * MINUTE);
  }

  private ship(orderId: string, customer: Customer, cents: number, shippedAt: number): void {
    const shipmentId = `SH-${pad(this.nextShipment++, 7)}`;
    const carrier = this.rng.pick(CARRIERS);
    const event = (status: string, ts: number): Record<string, unknown> => ({ shipment_id: shipmentId, order_id: orderId, customer_id: customer.customer_id, carrier, status, ts });
    this.sink.emit({ stream: 'shipments', key: orderId, ts: shippedAt, fields: event('shipped', shippedAt) });
    const deliveredAt = shippedAt + this.rng.int(60, 36 * 60) * MINUTE;
    this.sink.emit({ stream: 'shipments', key: orderId, ts: deliveredAt, fields: event('delivered', deliveredAt) });
    if (!this.rng.chance(0.05)) return;
    const ts = deliveredAt + this.rng.int(1, 72) * HOUR;
    const refundCents = this.rng.chance(0.7) ? cents : Math.max(100, Math.round((cents * this.rng.int(10, 90)) / 100));
    this.sink.emit({
      stream: 'refunds',
      key: orderId,
      ts,
      fields: { refund_id: `R-${pad(this.nextRefund++, 6)}`, order_id: orderId, amount: refundCents / 100, currency: 'EUR', reason: this.rng.pick(REFUND_REASONS), ts },
    });
  }

  private updateCustomer(): void {
    const customer = this.rng.pick(this.customers);
    if (this.sink.isIdle('customers', customer.customer_id)) return;
    const change = this.rng.int(0, 2);
    if (change === 0) customer.region = this.rng.pick(REGIONS.filter((r) => r !== customer.region));
    else if (change === 1) customer.tier = this.rng.pick(TIERS.filter((t) => t !== customer.tier));
    else customer.email = customer.email.endsWith('@example.com') ? customer.email.replace('@example.com', '@mail.example.org') : customer.email.replace('@mail.example.org', '@example.com');
    this.emitCustomer(customer, this.now);
  }

  private emitCustomer(customer: Customer, ts: number): void {
    this.sink.emit({ stream: 'customers', key: customer.customer_id, ts, fields: { ...customer, updated_at: ts } });
  }

  private emitView(sessionId: string, customer: Customer, page: string, product: number | undefined, referrer: string, agent: string, ts: number): void {
    const fields: Record<string, unknown> = { view_id: `V-${pad(this.nextView++, 8)}`, session_id: sessionId, customer_id: customer.customer_id, page };
    if (product !== undefined) fields.product_id = `P-${pad(product, 4)}`;
    fields.referrer = referrer;
    fields.user_agent = agent;
    fields.ts = ts;
    this.sink.emit({ stream: 'page_views', key: sessionId, ts, fields });
  }

  /** A product number from 1 to PRODUCTS, skewed so a few products are hot. */
  private popularProduct(): number {
    return 1 + Math.floor(PRODUCTS * Math.pow(this.rng.next(), 2.5));
  }

  private orderKeyIdle(orderId: string): boolean {
    return this.sink.isIdle('orders', orderId) || this.sink.isIdle('payments', orderId) || this.sink.isIdle('shipments', orderId) || this.sink.isIdle('refunds', orderId);
  }

  /**
   * Payment incidents come every hour or so and last a few minutes; failures spike during them.
   * The schedule is extended lazily and kept whole, because retries ask about times out of order.
   */
  private inIncident(ts: number): boolean {
    for (let last = this.incidents.at(-1)!; ts >= last.end; last = this.incidents.at(-1)!) {
      const start = last.end + Math.round(this.rng.exponential(40 * MINUTE)) + 10 * MINUTE;
      this.incidents.push({ start, end: start + this.rng.int(90, 240) * SECOND });
    }
    for (let i = this.incidents.length - 1; i >= 0; i--) {
      const incident = this.incidents[i]!;
      if (ts >= incident.start && ts < incident.end) return true;
      if (incident.end <= ts) return false;
    }
    return false;
  }
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
