// Decides, per source file, the topic it goes to and the fields its key and event time come from.
// A MANIFEST.json beside the files (written by `medallion samples generate`) says so exactly;
// otherwise common field names are tried, and command-line flags override both.
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** How one file is replayed. */
export interface StreamConfig {
  topic: string;
  /** The field the record key comes from; undefined means records have no key. */
  keyField?: string;
  /** The field the record timestamp comes from; undefined means the produce time is used. */
  timestampField?: string;
  /** Partitions to create the topic with when it does not exist. */
  partitions?: number;
}

/** Overrides given on the command line. */
export interface StreamOverrides {
  /** Prepended to every topic name. @default '' @example 'bronze.' */
  topicPrefix?: string;
  /** One topic for every file instead of one per file name. @example 'bronze-all' */
  topic?: string;
  /** The key field for every file. @example 'order_id' */
  keyField?: string;
  /** The event-time field for every file. @example 'created_at' */
  timestampField?: string;
  /** Partitions for topics that must be created. @default 1, or the manifest's count */
  partitions?: number;
}

interface ManifestStream {
  file: string;
  topic?: string;
  keyField?: string;
  timestampField?: string;
  partitions?: number;
}

const KEY_CANDIDATES = ['key', 'id'];
const TIME_CANDIDATES = ['ts', 'timestamp', 'event_time', 'eventTime', 'time', 'created_at', 'updated_at'];

/** The topic a file goes to by default: its name without the extension (`orders.ndjson` → `orders`). */
export function topicForFile(file: string): string {
  const base = path.basename(file);
  const dot = base.indexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/** Reads MANIFEST.json in the folder, if there is one, as a map from file name to its stream. */
export async function readManifestStreams(folder: string): Promise<Map<string, ManifestStream>> {
  const streams = new Map<string, ManifestStream>();
  let text: string;
  try {
    text = await readFile(path.join(folder, 'MANIFEST.json'), 'utf8');
  } catch {
    return streams;
  }
  const manifest = JSON.parse(text) as { streams?: ManifestStream[] };
  for (const stream of manifest.streams ?? []) streams.set(stream.file, stream);
  return streams;
}

/**
 * The configuration of one file. `sample` is the first parsed record, used to guess the key and
 * event-time fields when neither the manifest nor an override names them.
 */
export function streamConfigFor(file: string, manifest: Map<string, ManifestStream>, overrides: StreamOverrides, sample: unknown): StreamConfig {
  const fromManifest = manifest.get(path.basename(file));
  const fields = typeof sample === 'object' && sample !== null && !Array.isArray(sample) ? Object.keys(sample) : [];
  const stem = topicForFile(file);
  const singular = stem.endsWith('s') ? stem.slice(0, -1) : stem;
  const keyField = overrides.keyField ?? fromManifest?.keyField ?? [...KEY_CANDIDATES, `${singular}_id`].find((f) => fields.includes(f)) ?? fields.find((f) => f.endsWith('_id'));
  const timestampField = overrides.timestampField ?? fromManifest?.timestampField ?? TIME_CANDIDATES.find((f) => fields.includes(f));
  const partitions = overrides.partitions ?? fromManifest?.partitions;
  return {
    topic: `${overrides.topicPrefix ?? ''}${overrides.topic ?? fromManifest?.topic ?? stem}`,
    ...(keyField !== undefined ? { keyField } : {}),
    ...(timestampField !== undefined ? { timestampField } : {}),
    ...(partitions !== undefined ? { partitions } : {}),
  };
}
