// Re-run: after a transform changed, run the pipeline again from bronze (deterministically: see
// RUNNER.md) into fresh topics `<topic>.run-<n>`, writing the changed layer and every layer
// downstream of it, then compare each output with the previous run's topic by record id.
import { kafkaClient } from './kafka-client';
import { diffTables, tableOf, type OutputDiff } from './run-diff';
import type { KafkaConnection } from './run-options';
import { startPipelineRun, type PipelineRunOptions, type RunEvent } from './supervisor';
import { readTopicToEnd } from './topic-reader';
import type { WorkerMessage } from './worker-messages';

export interface RerunOptions extends Omit<PipelineRunOptions, 'topicSuffix' | 'exitWhenCaughtUp' | 'fromBeginning' | 'fromLayer'> {
  /**
   * The layer whose transform changed; it and everything downstream run again.
   * @example 'orders_clean'
   */
  fromLayer: string;
  /** Called with every event of the underlying run, for progress. */
  onEvent?: (event: RunEvent) => void;
}

export interface OutputComparison extends OutputDiff {
  output: string;
  layer: string;
  topic: string;
  /** The topic compared against: the latest earlier re-run's, else the normal run's; null when neither exists. */
  previousTopic: string | null;
}

export interface RerunReport {
  run: number;
  outputs: OutputComparison[];
}

// Kafka topic names allow only letters, digits, ".", "_" and "-", so not the "@" of `<layer>@run-<n>`.
const RUN_SUFFIX = /\.run-(\d+)$/;

export async function rerunPipeline(options: RerunOptions): Promise<RerunReport> {
  const brokers = (Array.isArray(options.bootstrap) ? options.bootstrap : options.bootstrap.split(',')).map((b) => b.trim()).filter(Boolean);
  const connection: KafkaConnection = { brokers, ...(options.sasl ? { sasl: options.sasl } : {}), ...(options.tls ? { tls: options.tls } : {}) };
  const kafka = kafkaClient(connection, 'medallion-rerun');
  const admin = kafka.admin();
  await admin.connect();
  let topics: Set<string>;
  try {
    topics = new Set(await admin.listTopics());
  } finally {
    await admin.disconnect();
  }
  // Runs are numbered across the cluster: one more than the highest `.run-<n>` topic there is.
  const run = 1 + Math.max(0, ...[...topics].map((t) => Number(RUN_SUFFIX.exec(t)?.[1] ?? 0)));
  const { onEvent, ...runOptions } = options;
  const handle = await startPipelineRun({ ...runOptions, topicSuffix: `.run-${run}`, fromBeginning: true, exitWhenCaughtUp: true });
  let outputs: Extract<WorkerMessage, { type: 'ready' }>['outputs'] = [];
  handle.events.on('event', (e) => {
    if (e.type === 'worker-message' && e.message.type === 'ready') outputs = e.message.outputs;
    onEvent?.(e);
  });
  await handle.caughtUp();
  await handle.finished;

  const comparisons: OutputComparison[] = [];
  for (const o of outputs) {
    const earlier = [...Array.from({ length: run - 1 }, (_, i) => `${o.baseTopic}.run-${run - 1 - i}`), o.baseTopic];
    const previousTopic = earlier.find((t) => topics.has(t)) ?? null;
    const after = tableOf(await readTopicToEnd(kafka, o.topic));
    const before = previousTopic === null ? new Map<string, string>() : tableOf(await readTopicToEnd(kafka, previousTopic));
    comparisons.push({ output: o.output, layer: o.layer, topic: o.topic, previousTopic, ...diffTables(before, after) });
  }
  return { run, outputs: comparisons };
}
