// The replay package: the sample generator, the readers, the replayer, and the event-time parser
// the sample pipeline shares with the replayer.
export { parseEventTime, formatEventTime, eventTimeFormat, type EventTimeFormat } from './event-time';
export { partitionForKey, murmur2 } from './murmur2';
export { createRng, deriveSeed, type Rng } from './prng';
export { generateSamples, type GenerateOptions, type SamplesManifest, type StreamManifest } from './generate/generate';
export { loadMessProfile, validateMessProfile, defaultMessProfile, MessProfileError, STREAMS, type MessProfile, type StreamName, type IdSpelling } from './generate/mess-profile';
export { respell, KEY_FIELDS, TIMESTAMP_FIELDS, type InjectedCounts } from './generate/mess';
export { readSource, detectFormat, SOURCE_EXTENSIONS, type SourceFormat } from './read/open-source';
export { readNdjson } from './read/ndjson-reader';
export { readJsonArray } from './read/json-array-reader';
export { readCsv } from './read/csv-reader';
export type { SourceRecord, ReadStart } from './read/source-record';
export { replay, listSources, DEFAULT_BOOTSTRAP, type ReplayOptions, type ReplayResult } from './produce/replay';
export { connectKafkaSink, type KafkaSinkOptions } from './produce/kafka-sink';
export type { RecordSink } from './produce/record-sink';
export { HEADERS, toOutgoing, type OutgoingRecord } from './produce/outgoing-record';
export { Pacer, systemClock, type WallClock } from './produce/pacer';
export { ReplayState, defaultStatePath, type FileProgress } from './produce/replay-state';
export { topicForFile, streamConfigFor, type StreamConfig, type StreamOverrides } from './produce/stream-config';
