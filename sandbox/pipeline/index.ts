// `medallion-studio/pipeline`: what pipeline files and their tests import.
export { pipeline, Pipeline, type PipelineBuilder, type SideOutputValue } from './authoring/pipeline';
export { Stream, KeyedStream, WindowedStream, Table, type WindowResult, type RunningResult, type Renamed, type Normalized } from './authoring/stream';
export { tumbling, hopping, session, cumulating } from './authoring/windows';
export { count, sum, avg, min, max, countDistinct, first, last, maxBy, reduce, type Aggregation, type Reducer } from './authoring/aggregations';
export { json, utf8 } from './authoring/codecs';
export type {
  BronzeOptions, LayerOptions, WindowOptions, DedupeOptions, IntervalJoinOptions, TemporalJoinOptions, TableOptions,
  ProcessOptions, RunningAggregateOptions, Codec, Key, Duration, ExpectationAction, RecordContext, SourceMeta,
} from './authoring/types';
export { createTestDriver, TestDriver, type TestDriverOptions, type SendOptions, type TestInput, type TestOutput } from './authoring/test-driver';
// Event times in the formats real sources mix (ISO 8601, epoch ms, epoch s), for normalizing silver.
export { parseEventTime, type EventTimeFormat } from '../replay/event-time';
export type { OutputRecord, LateRecord, QuarantineRecord, DeadLetterRecord, Lineage, Watermark, TraceEvent, Metrics } from '../engine';
