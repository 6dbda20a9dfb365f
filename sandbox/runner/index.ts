// `medallion run` as a library: what the CLI and `medallion demo` use.
export { startPipelineRun, type PipelineRun, type PipelineRunOptions, type RunEvent, type RunMetrics } from './supervisor';
export { bundlePipeline, PipelineBuildError } from './bundle-pipeline';
export { WATERMARKS_TOPIC } from './task';
export { changelogTopicOf, transactionalIdOf } from './task-layout';
export type { LayerCounters, WorkerMessage } from './worker-messages';
export { rerunPipeline, type RerunOptions, type RerunReport, type OutputComparison } from './rerun';
