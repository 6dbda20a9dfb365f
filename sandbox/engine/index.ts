// The engine's public surface: what the authoring API, the test driver and the runner use.
export { compile, type CompileOptions } from './compile';
export { Job, type JobSnapshot, type OutputInfo } from './job';
export type { SourceRecord } from './operators/source';
export type { Metrics } from './operators/context';
export type { OutputRecord, Lineage, LateRecord, QuarantineRecord, DeadLetterRecord, ChangeKind } from './record';
export { rowIdOf } from './record';
export { ManualClock, END_OF_TIME, type Clock, type Watermark } from './time';
export { toMillis, type Duration } from './duration';
export type { TraceEvent, TraceFn } from './trace';
export { PipelineFailure, callSite } from './errors';
export type * from './plan';
export * from './aggregators';
export type { WindowSpec, TimeWindow } from './windows/assigners';
