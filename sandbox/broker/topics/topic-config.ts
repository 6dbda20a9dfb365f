/**
 * Per-topic configuration, named as Kafka names it so DescribeConfigs and CreateTopics speak the
 * clients' language. Values are kept as strings on the wire and parsed once here.
 */
export interface TopicConfigEntry {
  readonly name: string;
  readonly defaultValue: string;
  readonly doc: string;
  /** Returns an error message for an invalid value, or null. */
  validate(value: string): string | null;
}

const integer = (min: number) => (value: string) =>
  /^-?\d+$/.test(value) && Number(value) >= min ? null : `must be an integer >= ${min}`;
const oneOf = (...allowed: string[]) => (value: string) =>
  allowed.includes(value) ? null : `must be one of ${allowed.join(', ')}`;

export const TOPIC_CONFIG_ENTRIES: readonly TopicConfigEntry[] = [
  { name: 'retention.ms', defaultValue: '-1', doc: 'Delete segments older than this; -1 keeps them forever (bronze is the source of truth).', validate: integer(-1) },
  { name: 'retention.bytes', defaultValue: '-1', doc: 'Delete the oldest segments once a partition is larger than this; -1 means no limit.', validate: integer(-1) },
  { name: 'segment.bytes', defaultValue: String(64 * 1024 * 1024), doc: 'Roll a new segment file at this size.', validate: integer(1024) },
  { name: 'segment.ms', defaultValue: String(7 * 24 * 3600 * 1000), doc: 'Roll a new segment file after this long.', validate: integer(1) },
  { name: 'cleanup.policy', defaultValue: 'delete', doc: 'Only "delete" is implemented; "compact" is accepted and treated as delete.', validate: oneOf('delete', 'compact', 'compact,delete', 'delete,compact') },
  { name: 'max.message.bytes', defaultValue: String(8 * 1024 * 1024), doc: 'The largest record batch accepted.', validate: integer(0) },
  { name: 'message.timestamp.type', defaultValue: 'CreateTime', doc: 'Only CreateTime is implemented.', validate: oneOf('CreateTime') },
];

const byName = new Map(TOPIC_CONFIG_ENTRIES.map((e) => [e.name, e]));

export type TopicConfigs = Readonly<Record<string, string>>;

export class TopicConfigError extends Error {
  override readonly name = 'TopicConfigError';
}

/** Merges overrides onto the defaults, refusing unknown names and invalid values. */
export function resolveTopicConfigs(overrides: Record<string, string>, brokerDefaults: Record<string, string> = {}): TopicConfigs {
  const out: Record<string, string> = {};
  for (const entry of TOPIC_CONFIG_ENTRIES) out[entry.name] = brokerDefaults[entry.name] ?? entry.defaultValue;
  for (const [name, value] of Object.entries(overrides)) {
    const entry = byName.get(name);
    if (!entry) throw new TopicConfigError(`unknown topic config "${name}"`);
    const problem = entry.validate(value);
    if (problem) throw new TopicConfigError(`topic config ${name}=${value}: ${problem}`);
    out[name] = value;
  }
  return out;
}

export function isDefaultConfig(name: string, value: string): boolean {
  return byName.get(name)?.defaultValue === value;
}

export function configNumber(configs: TopicConfigs, name: string): number {
  return Number(configs[name]);
}
