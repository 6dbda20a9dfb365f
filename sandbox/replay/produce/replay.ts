// `medallion replay`: reads source files and produces them into Kafka. Files of a folder are
// merged by event time (each file keeps its own order), so customers, orders and payments arrive
// interleaved as they happened. Several batches may be in flight at once (as many as the sink
// allows); acknowledgements are applied in send order, and the replay state is saved after each:
// an interrupted replay resumed with `resume: true` continues right after the last acknowledged
// record of each file.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseEventTime } from '../event-time';
import { detectFormat, readSource, readSourceChunks, SOURCE_EXTENSIONS, type SourceFormat } from '../read/open-source';
import type { ReadStart, SourceRecord } from '../read/source-record';
import { connectKafkaSink } from './kafka-sink';
import { connectWireSink } from './wire/wire-sink';
import type { SaslCredentials, TlsOption } from '../../wire/kafka-security';
import { toOutgoing, wantedMembers, type OutgoingRecord, type PlacementState } from './outgoing-record';
import { Pacer, systemClock, type WallClock } from './pacer';
import { Progress } from './progress';
import type { RecordSink } from './record-sink';
import { defaultStatePath, ReplayState, type FileProgress } from './replay-state';
import { readManifestStreams, streamConfigFor, type StreamConfig, type StreamOverrides } from './stream-config';

/** The sandbox broker's address. */
export const DEFAULT_BOOTSTRAP = '127.0.0.1:9092';

/** Options of {@link replay}. */
export interface ReplayOptions extends StreamOverrides {
  /**
   * A file, or a folder whose .ndjson, .jsonl, .json and .csv files are all replayed.
   * @example 'samples/data'
   */
  source: string;
  /**
   * Where to produce.
   * @default '127.0.0.1:9092' (the sandbox)
   * @example 'localhost:19092'
   */
  bootstrap?: string;
  /**
   * Pace by event time at this many times real time; undefined replays as fast as possible.
   * @default undefined
   * @example 60
   */
  speed?: number;
  /**
   * How many passes over the files: 1 plays them once, Infinity loops until interrupted.
   * @default 1
   * @example Infinity
   */
  passes?: number;
  /**
   * Skip the first N records of every file.
   * @default 0
   * @example 1000
   */
  fromOffset?: number;
  /**
   * Start every file at its first record whose event time is at or after this time (ISO 8601,
   * epoch ms or epoch s), as Kafka's offsets-for-times does.
   * @example '2026-03-02T09:10:00Z'
   */
  fromTime?: string | number;
  /**
   * Continue after the records an interrupted replay had acknowledged, instead of starting over.
   * @default false
   * @example true
   */
  resume?: boolean;
  /**
   * The replay-state file.
   * @default '<cwd>/.medallion/replay-state.json'
   * @example '/tmp/replay-state.json'
   */
  stateFile?: string;
  /**
   * Most records per produce request.
   * @default 10000
   * @example 500
   */
  batchRecords?: number;
  /**
   * Most value bytes per produce request.
   * @default 4194304
   * @example 1048576
   */
  batchBytes?: number;
  /**
   * The Kafka client: 'wire' is the replayer's own lean idempotent producer over raw sockets,
   * 'kafkajs' the kafkajs producer (slower; kept for comparison and as a fallback, and the one
   * that speaks SASL and TLS).
   * @default 'wire', or 'kafkajs' when `sasl` or `tls` is given
   * @example 'kafkajs'
   */
  client?: 'wire' | 'kafkajs';
  /**
   * SASL credentials for a secured cluster (produces with kafkajs).
   * @default none
   * @example { mechanism: 'scram-sha-512', username: 'replayer', password: 'secret' }
   */
  sasl?: SaslCredentials;
  /**
   * TLS (produces with kafkajs): true for the system's trusted CAs, or a CA certificate in PEM.
   * @default false
   */
  tls?: TlsOption;
  /** Stops the replay after the batches in flight are acknowledged and the state saved. */
  signal?: AbortSignal;
  /** Where records go; by default a producer to `bootstrap` made by `client`. */
  sink?: RecordSink;
  /** The clock pacing reads. @default the system clock */
  clock?: WallClock;
  /** Called for each record that did not parse. @default a line on stderr with file:line */
  onBadRecord?: (record: SourceRecord) => void;
  /** Where the progress line goes; false for none. @default process.stdout */
  progress?: (NodeJS.WritableStream & { isTTY?: boolean }) | false;
}

/** What a replay did. */
export interface ReplayResult {
  records: number;
  badRecords: number;
  batches: number;
  passes: number;
  interrupted: boolean;
  elapsedMs: number;
  files: { file: string; topic: string; records: number }[];
}

interface Source {
  file: string;
  display: string;
  format: SourceFormat;
  size: number;
  mtimeMs: number;
  config: StreamConfig;
  partitions: number;
}

interface Cursor {
  source: Source;
  /** The file's records an array at a time, and the array being worked through. */
  records: AsyncGenerator<SourceRecord[]>;
  buffer: SourceRecord[];
  next: number;
  /** The file's entry in the replay state, looked up once rather than per record. */
  progress: FileProgress;
  /** The file's next record, converted; undefined once the file is done. */
  head: OutgoingRecord | undefined;
  lastTime: number;
  placement: PlacementState;
  bytesDone: number;
  produced: number;
}

/** The producer `client` names; SASL and TLS need kafkajs, since the wire client speaks plain Kafka only. */
async function connectSink(options: ReplayOptions, bootstrap: string): Promise<RecordSink> {
  const secured = options.sasl !== undefined || (options.tls !== undefined && options.tls !== false);
  if (secured && options.client === 'wire') throw new Error("the 'wire' client speaks plain Kafka only; SASL and TLS need client 'kafkajs'");
  if (secured || options.client === 'kafkajs') return connectKafkaSink({ bootstrap, sasl: options.sasl, tls: options.tls });
  return connectWireSink({ bootstrap });
}

/** Replays files into Kafka; see {@link ReplayOptions}. */
export async function replay(options: ReplayOptions): Promise<ReplayResult> {
  const started = performance.now();
  const bootstrap = options.bootstrap ?? DEFAULT_BOOTSTRAP;
  const files = await listSources(options.source);
  if (files.length === 0) throw new Error(`no .ndjson, .jsonl, .json or .csv files in ${options.source}`);
  const state = ReplayState.load(options.stateFile ?? defaultStatePath(process.cwd()));
  const sink = options.sink ?? (await connectSink(options, bootstrap));
  const maxInFlight = Math.max(1, sink.maxInFlight ?? 1);
  const clock = options.clock ?? systemClock;
  const pacer = new Pacer(options.speed, clock);
  const fromTime = options.fromTime === undefined ? undefined : parseEventTime(options.fromTime);
  if (options.fromTime !== undefined && fromTime === undefined) throw new Error(`--from-time is not a time: ${options.fromTime}`);
  const batchRecords = options.batchRecords ?? 10_000;
  const batchBytes = options.batchBytes ?? 4 << 20;
  const passes = options.passes ?? 1;
  const onBad = options.onBadRecord ?? ((r: SourceRecord) => process.stderr.write(`${r.file}:${r.line}: ${r.error} (replayed as is)\n`));
  const result: ReplayResult = { records: 0, badRecords: 0, batches: 0, passes: 0, interrupted: false, elapsedMs: 0, files: [] };
  const root = (await stat(options.source)).isDirectory() ? options.source : path.dirname(options.source);

  try {
    const sources = await describeSources(files, root, options, sink);
    const progressOut = options.progress === undefined ? process.stdout : options.progress;
    const progress = progressOut ? new Progress({ out: progressOut, totalBytes: sources.reduce((sum, s) => sum + s.size, 0) }) : undefined;
    const counts = new Map(sources.map((s) => [s.file, 0]));

    const progressFor = (source: Source): FileProgress | undefined => {
      const saved = state.get(source.file);
      if (!options.resume || !saved) return undefined;
      if (saved.size !== source.size || saved.mtimeMs !== source.mtimeMs) throw new Error(`${source.file} changed since the interrupted replay; replay it again without --resume`);
      if (saved.bootstrap !== bootstrap || saved.topic !== source.config.topic) throw new Error(`${source.file} was being replayed to ${saved.topic} on ${saved.bootstrap}, not ${source.config.topic} on ${bootstrap}; replay it without --resume`);
      return saved;
    };
    let loop = Math.max(0, ...sources.map((s) => progressFor(s)?.loop ?? 0));
    let resuming = options.resume === true;

    while (loop < passes && !options.signal?.aborted) {
      const cursors: Cursor[] = [];
      for (const source of sources) {
        const saved = resuming ? progressFor(source) : undefined;
        const fresh: FileProgress = { bootstrap, topic: source.config.topic, size: source.size, mtimeMs: source.mtimeMs, loop, position: 0, byteOffset: 0, records: 0, done: false };
        const current = saved && saved.loop === loop ? saved : fresh;
        state.set(source.file, current);
        if (current.done) continue;
        const start: ReadStart = current.position > 0 ? { afterPosition: current.position, ...(source.format === 'ndjson' ? { byteOffset: current.byteOffset } : {}) } : {};
        const skip = current.position > 0 ? { offset: 0, time: undefined } : { offset: options.fromOffset ?? 0, time: fromTime };
        const cursor: Cursor = { source, records: skipStart(readSourceChunks(source.file, source.format, start, wantedMembers(source.config)), skip, source.config), buffer: [], next: 0, progress: current, head: undefined, lastTime: -Infinity, placement: { lastPartition: 0 }, bytesDone: current.byteOffset, produced: 0 };
        cursors.push(cursor);
      }
      state.save();
      resuming = false;
      pacer.reset();
      for (const cursor of cursors) await advance(cursor, loop, onBad, result);

      let batch: OutgoingRecord[] = [];
      let bytes = 0;
      const progressOf = new Map(cursors.map((c) => [c.source.file, c.progress]));
      // A send in flight keeps only what its acknowledgement records (per file: the last position
      // and how many), not its records: they are garbage once the sink has encoded them, which
      // spares the garbage collector copying tens of thousands of records per batch.
      const inFlight: { records: number; files: Map<string, { position: number; byteEnd: number; records: number }>; acked: Promise<void> }[] = [];
      // Applies the oldest send's acknowledgement. Sends are settled strictly in order, so the
      // state never records a batch as done while an earlier one might still fail.
      const settleOldest = async (): Promise<void> => {
        const sent = inFlight[0]!;
        try {
          await sent.acked;
        } catch (error) {
          // The later sends are abandoned; wait for them so nothing runs on after the failure.
          await Promise.allSettled(inFlight.map((s) => s.acked));
          inFlight.length = 0;
          throw error;
        }
        inFlight.shift();
        result.records += sent.records;
        for (const [file, done] of sent.files) {
          const saved = progressOf.get(file)!;
          saved.position = done.position;
          saved.byteOffset = done.byteEnd;
          saved.records += done.records;
          counts.set(file, (counts.get(file) ?? 0) + done.records);
        }
        state.save();
        progress?.update(result.records, cursors.reduce((sum, c) => sum + c.bytesDone, 0), loop);
      };
      const drain = async (): Promise<void> => {
        while (inFlight.length > 0) await settleOldest();
      };
      const flush = async (): Promise<void> => {
        if (batch.length > 0) {
          const records = batch;
          batch = [];
          bytes = 0;
          const files = new Map<string, { position: number; byteEnd: number; records: number }>();
          for (const out of records) {
            const done = files.get(out.source.file);
            if (done === undefined) files.set(out.source.file, { position: out.source.position, byteEnd: out.source.byteEnd, records: 1 });
            else {
              done.position = out.source.position;
              done.byteEnd = out.source.byteEnd;
              done.records++;
            }
          }
          const acked = sink.send(records);
          // Awaited in order by settleOldest; until then a rejection must not count as unhandled.
          acked.catch(() => undefined);
          inFlight.push({ records: records.length, files, acked });
          result.batches++;
        }
        while (inFlight.length >= maxInFlight) await settleOldest();
      };

      for (;;) {
        if (options.signal?.aborted) break;
        const cursor = earliest(cursors);
        if (!cursor) break;
        const out = cursor.head!;
        if (pacer.delayFor(out.timestamp) > 0) {
          await flush();
          await drain();
          const wait = pacer.delayFor(out.timestamp);
          if (wait > 0) await clock.sleep(wait, options.signal);
          if (options.signal?.aborted) break;
        }
        batch.push(out);
        bytes += out.value.length;
        cursor.bytesDone = out.source.byteEnd;
        if (cursor.next < cursor.buffer.length) advanceInBuffer(cursor, loop, onBad, result);
        else await advance(cursor, loop, onBad, result);
        if (batch.length >= batchRecords || bytes >= batchBytes) await flush();
      }
      await flush();
      await drain();
      if (options.signal?.aborted) {
        // Stopping early leaves the readers open; close them so their files are released.
        await Promise.all(cursors.map((c) => c.records.return(undefined)));
        break;
      }
      for (const source of sources) state.get(source.file)!.done = true;
      state.save();
      loop++;
      result.passes++;
      if (loop < passes) {
        for (const source of sources) state.set(source.file, { ...state.get(source.file)!, loop, position: 0, byteOffset: 0, records: 0, done: false });
        state.save();
      }
    }
    result.interrupted = options.signal?.aborted === true;
    progress?.finish(result.records, sources.reduce((sum, s) => sum + (state.get(s.file)?.byteOffset ?? 0), 0), Math.max(0, loop - 1));
    result.files = sources.map((s) => ({ file: s.file, topic: s.config.topic, records: counts.get(s.file) ?? 0 }));
  } finally {
    if (!options.sink) await sink.close();
  }
  result.elapsedMs = performance.now() - started;
  return result;
}

/** The files to replay: the file itself, or a folder's supported files in name order. */
export async function listSources(source: string): Promise<string[]> {
  const info = await stat(source);
  if (!info.isDirectory()) return [source];
  const names = (await readdir(source)).filter((name) => SOURCE_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext)) && name !== 'MANIFEST.json');
  return names.sort().map((name) => path.join(source, name));
}

async function describeSources(files: string[], root: string, options: ReplayOptions, sink: RecordSink): Promise<Source[]> {
  const manifests = new Map<string, Awaited<ReturnType<typeof readManifestStreams>>>();
  const sources: Source[] = [];
  for (const file of files) {
    const folder = path.dirname(file);
    if (!manifests.has(folder)) manifests.set(folder, await readManifestStreams(folder));
    const format = await detectFormat(file);
    const sample = await firstValue(file, format);
    const config = streamConfigFor(file, manifests.get(folder)!, options, sample);
    const info = await stat(file);
    sources.push({ file, display: path.relative(root, file) || path.basename(file), format, size: info.size, mtimeMs: info.mtimeMs, config, partitions: await sink.partitionsFor(config.topic, config.partitions) });
  }
  return sources;
}

async function firstValue(file: string, format: SourceFormat): Promise<unknown> {
  const records = readSource(file, format);
  try {
    for await (const record of records) if (record.value !== undefined) return record.value;
  } finally {
    await records.return(undefined);
  }
  return undefined;
}

/** Applies --from-offset (skip N records) and --from-time (start at the first record at or after T). */
async function* skipStart(chunks: AsyncGenerator<SourceRecord[]>, skip: { offset: number; time: number | undefined }, config: StreamConfig): AsyncGenerator<SourceRecord[]> {
  let skipped = 0;
  let started = skip.time === undefined;
  try {
    for await (const records of chunks) {
      if (started && skipped >= skip.offset) {
        yield records;
        continue;
      }
      const kept: SourceRecord[] = [];
      for (const record of records) {
        if (skipped < skip.offset) {
          skipped++;
          continue;
        }
        if (!started) {
          const fields = record.value as Record<string, unknown> | undefined;
          const time = config.timestampField !== undefined && fields && typeof fields === 'object' ? parseEventTime(fields[config.timestampField]) : undefined;
          if (time === undefined || time < skip.time!) continue;
          started = true;
        }
        kept.push(record);
      }
      if (kept.length > 0) yield kept;
    }
  } finally {
    await chunks.return(undefined);
  }
}

/**
 * Moves the cursor to its file's next record. Only an exhausted array waits for the reader, so
 * most calls finish without yielding to the event loop.
 */
async function advance(cursor: Cursor, loop: number, onBad: (record: SourceRecord) => void, result: ReplayResult): Promise<void> {
  while (cursor.next >= cursor.buffer.length) {
    const next = await cursor.records.next();
    if (next.done) {
      cursor.head = undefined;
      return;
    }
    cursor.buffer = next.value;
    cursor.next = 0;
  }
  advanceInBuffer(cursor, loop, onBad, result);
}

/** {@link advance} when the cursor's array still holds a record: no waiting at all. */
function advanceInBuffer(cursor: Cursor, loop: number, onBad: (record: SourceRecord) => void, result: ReplayResult): void {
  const record = cursor.buffer[cursor.next++]!;
  if (record.error !== undefined) {
    result.badRecords++;
    onBad(record);
  }
  const out = toOutgoing(record, cursor.source.config, cursor.source.partitions, cursor.placement, cursor.source.display, loop);
  cursor.head = out;
  // A record without an event time sorts with the record before it, keeping the file's order.
  if (out.timestamp !== undefined) cursor.lastTime = Math.max(cursor.lastTime, out.timestamp);
}

/** The cursor whose next record happened first; ties go to the earlier file, for determinism. */
function earliest(cursors: Cursor[]): Cursor | undefined {
  let best: Cursor | undefined;
  let bestTime = Infinity;
  for (const cursor of cursors) {
    if (!cursor.head) continue;
    const time = cursor.head.timestamp ?? cursor.lastTime;
    if (best === undefined || time < bestTime) {
      best = cursor;
      bestTime = time;
    }
  }
  return best;
}
