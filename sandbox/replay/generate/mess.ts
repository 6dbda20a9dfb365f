// Turns a clean domain event into the line(s) a real, imperfect source would have written, and
// says when each reaches the file. Every imperfection drawn here is counted, so tests and the
// manifest can say exactly how much mess a file holds.
import { formatEventTime, type EventTimeFormat } from '../event-time';
import type { Rng } from '../prng';
import type { DomainEvent } from './domain';
import type { IdSpelling, MessProfile, StreamName } from './mess-profile';

/** The field holding each stream's event time. */
export const TIMESTAMP_FIELDS: Record<StreamName, string> = {
  customers: 'updated_at',
  orders: 'ts',
  payments: 'ts',
  shipments: 'ts',
  refunds: 'ts',
  page_views: 'ts',
};

/** The field each stream's Kafka key comes from. */
export const KEY_FIELDS: Record<StreamName, string> = {
  customers: 'customer_id',
  orders: 'order_id',
  payments: 'order_id',
  shipments: 'order_id',
  refunds: 'order_id',
  page_views: 'session_id',
};

/** Fields a service may leave out or send as null; never the key or the event time. */
const OPTIONAL_FIELDS: Record<StreamName, readonly string[]> = {
  customers: ['email', 'tier'],
  orders: ['currency', 'customer_id'],
  payments: ['method', 'customer_id'],
  shipments: ['carrier', 'customer_id'],
  refunds: ['reason'],
  page_views: ['referrer', 'user_agent'],
};

/** The ways a line gets corrupted into something that is not JSON. */
export const POISON_KINDS = ['truncated', 'single-quoted', 'trailing-garbage', 'html-error-page'] as const;
export type PoisonKind = (typeof POISON_KINDS)[number];

/** What was injected into one stream. */
export interface InjectedCounts {
  outOfOrder: number;
  late: number;
  duplicates: number;
  respelledCustomerIds: number;
  missingFields: Record<string, number>;
  nullFields: Record<string, number>;
  poison: Record<PoisonKind, number>;
  timestampFormats: Record<EventTimeFormat, number>;
}

/** One line on its way to the file. */
export interface PendingLine {
  arrival: number;
  seq: number;
  ts: number;
  key: string;
  line: string;
  poison: boolean;
}

export function emptyCounts(): InjectedCounts {
  return {
    outOfOrder: 0,
    late: 0,
    duplicates: 0,
    respelledCustomerIds: 0,
    missingFields: {},
    nullFields: {},
    poison: { truncated: 0, 'single-quoted': 0, 'trailing-garbage': 0, 'html-error-page': 0 },
    timestampFormats: { iso8601: 0, epochMillis: 0, epochSeconds: 0 },
  };
}

/** Applies the profile's mess to clean events, drawing from its own random stream. */
export class MessInjector {
  private seq = 0;

  constructor(private readonly rng: Rng, private readonly profile: MessProfile) {}

  /** Returns the line for the event, and its duplicate when one is drawn, with arrival times. */
  dress(event: DomainEvent, counts: InjectedCounts): PendingLine[] {
    const { rng, profile } = this;
    const fields = event.fields;
    const format = this.timestampFormat();
    counts.timestampFormats[format]++;
    fields[TIMESTAMP_FIELDS[event.stream]] = formatEventTime(event.ts, format);

    const spelling = profile.customerIdSpellings.styles[event.stream as 'orders'];
    if (spelling !== undefined && spelling !== 'canonical' && typeof fields.customer_id === 'string' && rng.chance(profile.customerIdSpellings.rate)) {
      fields.customer_id = respell(fields.customer_id, spelling);
      counts.respelledCustomerIds++;
    }
    if (rng.chance(profile.missingFields.rate)) {
      const field = this.presentOptional(event);
      if (field !== undefined) {
        delete fields[field];
        counts.missingFields[field] = (counts.missingFields[field] ?? 0) + 1;
      }
    }
    if (rng.chance(profile.nullFields.rate)) {
      const field = this.presentOptional(event);
      if (field !== undefined) {
        fields[field] = null;
        counts.nullFields[field] = (counts.nullFields[field] ?? 0) + 1;
      }
    }

    let line = JSON.stringify(fields);
    const poison = rng.chance(profile.poison.rate);
    if (poison) {
      const kind = rng.pick(POISON_KINDS);
      counts.poison[kind]++;
      line = corrupt(line, kind, rng);
    }

    let arrival = event.ts;
    const draw = rng.next();
    if (draw < profile.late.rate) {
      arrival += rng.int(profile.late.minDelayMs, profile.late.maxDelayMs);
      counts.late++;
    } else if (draw < profile.late.rate + profile.outOfOrder.rate && profile.outOfOrder.maxDelayMs > 0) {
      arrival += rng.int(1, profile.outOfOrder.maxDelayMs);
      counts.outOfOrder++;
    }
    const lines: PendingLine[] = [{ arrival, seq: this.seq++, ts: event.ts, key: event.key, line, poison }];
    if (rng.chance(profile.duplicates.rate)) {
      counts.duplicates++;
      lines.push({ arrival: arrival + rng.int(0, profile.duplicates.maxDelayMs), seq: this.seq++, ts: event.ts, key: event.key, line, poison });
    }
    return lines;
  }

  private timestampFormat(): EventTimeFormat {
    const w = this.profile.timestampFormats;
    const draw = this.rng.next() * (w.iso8601 + w.epochMillis + w.epochSeconds);
    if (draw < w.iso8601) return 'iso8601';
    return draw < w.iso8601 + w.epochMillis ? 'epochMillis' : 'epochSeconds';
  }

  private presentOptional(event: DomainEvent): string | undefined {
    const present = OPTIONAL_FIELDS[event.stream].filter((field) => event.fields[field] !== undefined && event.fields[field] !== null);
    return present.length === 0 ? undefined : this.rng.pick(present);
  }
}

/** Spells a canonical customer id (C-00042) the way another service would. */
export function respell(id: string, spelling: IdSpelling): string {
  switch (spelling) {
    case 'canonical':
      return id;
    case 'lowercase':
      return id.toLowerCase();
    case 'no-dash':
      return id.replace('-', '');
    case 'bare-number':
      return String(Number(id.replace(/\D/g, '')));
    case 'padded':
      return ` ${id} `;
  }
}

/** Corrupts a JSON line so that JSON.parse refuses it, the way real sources break lines. */
function corrupt(line: string, kind: PoisonKind, rng: Rng): string {
  switch (kind) {
    case 'truncated':
      // A strict prefix of an object never parses: its closing brace is the last character.
      return line.slice(0, rng.int(1, line.length - 1));
    case 'single-quoted':
      return line.replaceAll('"', "'");
    case 'trailing-garbage':
      return `${line}}`;
    case 'html-error-page':
      return '<html><head><title>502 Bad Gateway</title></head><body>upstream timed out</body></html>';
  }
}
