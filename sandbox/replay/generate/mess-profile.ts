// The mess profile: how much of each real-world imperfection the generator injects. The shape is
// declared once, in samples/mess-profile.schema.json; this file checks a profile against that
// schema at load, then checks the rules a schema cannot say (a late delay beyond the out-of-order
// bound, an idle partition that exists).
import { readFile } from 'node:fs/promises';
import schemaJson from '../../../samples/mess-profile.schema.json';
import defaultProfileJson from '../../../samples/mess-profile.json';
import { checkAgainstSchema, type SchemaNode } from './json-schema-check';

/** The sample streams, in the order the generator writes them. */
export const STREAMS = ['customers', 'orders', 'payments', 'shipments', 'refunds', 'page_views'] as const;
export type StreamName = (typeof STREAMS)[number];

/** How a service writes a customer id: canonical C-00042, c-00042, C00042, 42 or ' C-00042 '. */
export type IdSpelling = 'canonical' | 'lowercase' | 'no-dash' | 'bare-number' | 'padded';

/** A validated mess profile; see samples/mess-profile.schema.json for what each field means. */
export interface MessProfile {
  partitions: number;
  outOfOrder: { rate: number; maxDelayMs: number };
  late: { rate: number; minDelayMs: number; maxDelayMs: number };
  duplicates: { rate: number; maxDelayMs: number };
  missingFields: { rate: number };
  nullFields: { rate: number };
  schemaDrift: { atFraction: number };
  timestampFormats: { iso8601: number; epochMillis: number; epochSeconds: number };
  customerIdSpellings: { rate: number; styles: Partial<Record<'orders' | 'payments' | 'shipments' | 'page_views', IdSpelling>> };
  idlePartition: { stream: StreamName; partition: number; fromFraction: number };
  poison: { rate: number };
}

/** Raised when a profile does not follow the schema; the message names every bad field. */
export class MessProfileError extends Error {
  constructor(readonly source: string, readonly problems: string[]) {
    super(`invalid mess profile ${source}:\n  ${problems.join('\n  ')}`);
    this.name = 'MessProfileError';
  }
}

const schema = schemaJson as SchemaNode;

/** Checks a parsed profile and returns it typed, or throws a MessProfileError naming each bad field. */
export function validateMessProfile(value: unknown, source = 'profile'): MessProfile {
  const problems = checkAgainstSchema(value, schema);
  if (problems.length === 0) {
    const profile = value as MessProfile;
    if (profile.late.minDelayMs <= profile.outOfOrder.maxDelayMs) {
      problems.push(`$.late.minDelayMs (${profile.late.minDelayMs}) must exceed $.outOfOrder.maxDelayMs (${profile.outOfOrder.maxDelayMs}), or late events would not be late`);
    }
    if (profile.late.maxDelayMs < profile.late.minDelayMs) {
      problems.push(`$.late.maxDelayMs (${profile.late.maxDelayMs}) must be at least $.late.minDelayMs (${profile.late.minDelayMs})`);
    }
    if (profile.idlePartition.partition >= profile.partitions) {
      problems.push(`$.idlePartition.partition (${profile.idlePartition.partition}) must be below $.partitions (${profile.partitions})`);
    }
    const weights = profile.timestampFormats;
    if (weights.iso8601 + weights.epochMillis + weights.epochSeconds <= 0) {
      problems.push('$.timestampFormats needs at least one positive weight');
    }
  }
  if (problems.length > 0) throw new MessProfileError(source, problems);
  return value as MessProfile;
}

/** Reads and validates a profile file; JSON syntax errors are reported with the file name too. */
export async function loadMessProfile(file: string): Promise<MessProfile> {
  const text = await readFile(file, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new MessProfileError(file, [`not valid JSON: ${(error as Error).message}`]);
  }
  return validateMessProfile(parsed, file);
}

/** The profile of the committed samples (samples/mess-profile.json), used when none is given. */
export function defaultMessProfile(): MessProfile {
  return validateMessProfile(structuredClone(defaultProfileJson), 'samples/mess-profile.json');
}
