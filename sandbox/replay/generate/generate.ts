// `medallion samples generate`: drives the shop simulation, dresses each event with the profile's
// mess, and writes one NDJSON file per stream in arrival order, plus MANIFEST.json describing the
// streams (topic, key field, timestamp field, partitions) and counting every injected imperfection.
// Same seed and profile, same files byte for byte: nothing here reads the clock or Math.random.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { partitionForKey } from '../murmur2';
import { createRng, deriveSeed } from '../prng';
import { ChunkedWriter } from './chunked-writer';
import { Shop, type DomainEvent } from './domain';
import { emptyCounts, KEY_FIELDS, MessInjector, TIMESTAMP_FIELDS, type InjectedCounts, type PendingLine } from './mess';
import { defaultMessProfile, STREAMS, type MessProfile, type StreamName } from './mess-profile';
import { MinHeap } from './min-heap';

/** Options of {@link generateSamples}. */
export interface GenerateOptions {
  /**
   * How many clean events to create across all streams; duplicates come on top, and poison
   * lines replace the events they corrupt.
   * @example 1_000_000
   */
  events: number;
  /**
   * Seed of every random draw; the same seed and profile give the same files byte for byte.
   * @default 42
   * @example 7
   */
  seed?: number;
  /**
   * Folder the `.ndjson` files and MANIFEST.json are written to; created when missing.
   * @example 'samples/data'
   */
  out: string;
  /**
   * The mess to inject.
   * @default the profile of the committed samples (samples/mess-profile.json)
   * @example await loadMessProfile('my-profile.json')
   */
  profile?: MessProfile;
  /**
   * When the shop opens, as ISO 8601; the customer snapshot is dated in the month before.
   * @default '2026-03-02T09:00:00.000Z'
   * @example '2025-12-24T18:00:00Z'
   */
  startTime?: string;
  /**
   * Characters buffered per file before one write to disk.
   * @default 1048576
   * @example 4194304
   */
  chunkBytes?: number;
}

/** What happened to one stream, as written in MANIFEST.json. */
export interface StreamManifest {
  stream: StreamName;
  file: string;
  topic: string;
  keyField: string;
  timestampField: string;
  partitions: number;
  /** Clean events created for this stream. */
  events: number;
  /** Lines in the file: events plus duplicates. */
  lines: number;
  bytes: number;
  /** Lines per partition, placed as the replayer places them (poison lines beside the line before). */
  linesPerPartition: number[];
  injected: InjectedCounts;
  /** What a reader of the file can see: lines whose event time is behind an earlier line's. */
  observed: { behindEarlierLine: number; beyondOutOfOrderBound: number };
  schemaVersions?: Record<string, number>;
}

/** MANIFEST.json: the streams and their mess, for the replayer and for golden tests. */
export interface SamplesManifest {
  generator: string;
  seed: number;
  events: number;
  startTime: string;
  profile: MessProfile;
  streams: StreamManifest[];
  /**
   * The idle partition as a reader sees it: its last line's event time, the stream's last event
   * time, and how many lines the other partitions received in between.
   */
  idlePartition: { stream: StreamName; partition: number; lastEventTime: string | null; streamLastEventTime: string | null; linesWhileIdle: number };
}

/** Creates the sample streams; resolves with the manifest it also wrote to `<out>/MANIFEST.json`. */
export async function generateSamples(options: GenerateOptions): Promise<SamplesManifest> {
  const seed = options.seed ?? 42;
  const profile = options.profile ?? defaultMessProfile();
  const startTime = options.startTime ?? '2026-03-02T09:00:00.000Z';
  const startMs = Date.parse(startTime);
  if (Number.isNaN(startMs)) throw new Error(`startTime is not ISO 8601: ${startTime}`);
  if (!Number.isInteger(options.events) || options.events < 1) throw new Error(`events must be a positive integer, not ${options.events}`);
  await mkdir(options.out, { recursive: true });

  const total = options.events;
  const idle = profile.idlePartition;
  let scheduled = 0;
  const streams = new Map<StreamName, StreamState>();
  for (const stream of STREAMS) {
    streams.set(stream, {
      heap: new MinHeap<PendingLine>(),
      writer: new ChunkedWriter(path.join(options.out, `${stream}.ndjson`), options.chunkBytes),
      manifest: {
        stream,
        file: `${stream}.ndjson`,
        topic: stream,
        keyField: KEY_FIELDS[stream],
        timestampField: TIMESTAMP_FIELDS[stream],
        partitions: profile.partitions,
        events: 0,
        lines: 0,
        bytes: 0,
        linesPerPartition: new Array<number>(profile.partitions).fill(0),
        injected: emptyCounts(),
        observed: { behindEarlierLine: 0, beyondOutOfOrderBound: 0 },
        ...(stream === 'orders' ? { schemaVersions: { '1': 0, '2': 0 } } : {}),
      },
      maxTs: -Infinity,
      lastPartition: 0,
    });
  }
  const mess = new MessInjector(createRng(deriveSeed(seed, 'mess')), profile);
  let idleLastTs = -Infinity;
  const idleStreamTimes: number[] = [];

  const shop = new Shop(
    createRng(deriveSeed(seed, 'domain')),
    {
      emit(event: DomainEvent) {
        // Once the budget is spent, follow-ups (payments of the last orders, say) are not created.
        if (scheduled >= total) return;
        scheduled++;
        const state = streams.get(event.stream)!;
        state.manifest.events++;
        if (event.stream === 'orders') state.manifest.schemaVersions![String(event.fields.schema_version)]!++;
        for (const line of mess.dress(event, state.manifest.injected)) state.heap.push(line);
      },
      progress: () => scheduled / total,
      isIdle(stream, key) {
        if (stream !== idle.stream || scheduled < idle.fromFraction * total) return false;
        return partitionForKey(key, profile.partitions) === idle.partition;
      },
    },
    { startMs, customers: Math.min(99_999, Math.max(20, Math.round(total / 60))), driftAt: profile.schemaDrift.atFraction },
  );

  // Returns a promise only when the writer had to flush, so the common case costs no microtask.
  const write = (state: StreamState, item: PendingLine): Promise<void> | undefined => {
    const m = state.manifest;
    m.lines++;
    // The replayer gives a poison line no key and puts it beside the line before it, so do the same here.
    const partition = item.poison ? state.lastPartition : partitionForKey(item.key, profile.partitions);
    state.lastPartition = partition;
    m.linesPerPartition[partition]!++;
    if (m.stream === idle.stream && !item.poison) {
      idleStreamTimes.push(item.ts);
      if (partition === idle.partition) idleLastTs = Math.max(idleLastTs, item.ts);
    }
    if (!item.poison) {
      if (item.ts < state.maxTs) m.observed.behindEarlierLine++;
      if (item.ts < state.maxTs - profile.outOfOrder.maxDelayMs) m.observed.beyondOutOfOrderBound++;
      if (item.ts > state.maxTs) state.maxTs = item.ts;
    }
    return state.writer.writeLine(item.line);
  };
  // Everything created from now on has an event time, hence an arrival, at or after the shop's
  // clock, so whatever arrives before it can be written in order.
  const flushUntil = async (until: number): Promise<void> => {
    for (const state of streams.values()) {
      for (let top = state.heap.peek(); top !== undefined && top.arrival <= until; top = state.heap.peek()) {
        const flushed = write(state, state.heap.pop()!);
        if (flushed) await flushed;
      }
    }
  };

  shop.snapshot();
  while (scheduled < total) {
    shop.session();
    await flushUntil(shop.clock);
  }
  await flushUntil(Infinity);
  for (const state of streams.values()) {
    await state.writer.close();
    state.manifest.bytes = state.writer.bytes;
  }

  const manifest: SamplesManifest = {
    generator: 'medallion samples generate',
    seed,
    events: total,
    startTime: new Date(startMs).toISOString(),
    profile: stripSchema(profile),
    streams: [...streams.values()].map((s) => s.manifest),
    idlePartition: idleSummary(streams.get(idle.stream)!, idle.partition, idleLastTs, idleStreamTimes),
  };
  await writeFile(path.join(options.out, 'MANIFEST.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

function idleSummary(state: StreamState, partition: number, lastTs: number, idleStreamTimes: number[]): SamplesManifest['idlePartition'] {
  const iso = (ms: number): string | null => (Number.isFinite(ms) ? new Date(ms).toISOString() : null);
  return {
    stream: state.manifest.stream,
    partition,
    lastEventTime: iso(lastTs),
    streamLastEventTime: iso(state.maxTs),
    linesWhileIdle: idleStreamTimes.filter((ts) => ts > lastTs).length,
  };
}

interface StreamState {
  heap: MinHeap<PendingLine>;
  writer: ChunkedWriter;
  manifest: StreamManifest;
  maxTs: number;
  lastPartition: number;
}

function stripSchema(profile: MessProfile): MessProfile {
  const { $schema: _schema, description: _description, ...rest } = profile as MessProfile & { $schema?: string; description?: string };
  return rest;
}
