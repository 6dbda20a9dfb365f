// `medallion run <pipeline.ts>`: runs a pipeline on Kafka, exactly once, in N worker processes;
// `medallion rerun <pipeline.ts> --from-layer <layer>`: runs it again into fresh topics and diffs.
// Human-readable progress by default; `--json` prints one JSON event per line for the extension and
// the demo. Ctrl-C commits what the workers hold and leaves the group cleanly.
import { InvalidArgumentError, type Command } from 'commander';
import { rerunPipeline, startPipelineRun, type PipelineRunOptions, type RunEvent, type RunMetrics } from '../../runner';
import { addKafkaSecurityOptions, kafkaSecurityOf, type KafkaSecurityFlags } from '../kafka-security-options';
import { nonNegativeIntOption, positiveIntOption } from '../options';

interface RunFlags extends KafkaSecurityFlags {
  bootstrap: string;
  workers: number;
  group?: string;
  fromBeginning?: boolean;
  commitIntervalMs: number;
  exitWhenCaughtUp?: boolean;
  tasks: 'auto' | 'single' | 'per-partition';
  maxRate?: number;
  json?: boolean;
  hangTimeoutMs?: number;
}

export function registerRunCommands(program: Command): void {
  registerRerunCommand(program);
  const run = program
    .command('run')
    .description('Run a pipeline file on Kafka: bronze topics in, silver and gold topics out, exactly once, in one or more worker processes.')
    .argument('<pipeline>', 'the pipeline file (TypeScript), whose default export is pipeline(...)')
    .option('--bootstrap <servers>', 'Kafka bootstrap servers, comma-separated', '127.0.0.1:9092')
    .option('--workers <n>', 'worker processes to start', positiveIntOption, 1)
    .option('--group <id>', 'consumer group; also names the changelog topic (default: medallion.<pipeline name>)')
    .option('--from-beginning', 'with no checkpoint yet, read bronze from the earliest offsets (default: from the end)');
  addKafkaSecurityOptions(run)
    .option('--commit-interval-ms <ms>', 'how often each task commits outputs, checkpoint and offsets', positiveIntOption, 200)
    .option('--exit-when-caught-up', 'treat bronze as bounded: stop once every partition reached the end offset seen at start, closing every window')
    .option('--tasks <mode>', 'auto, single (one task for everything) or per-partition (only when keys stay in their partitions)', taskMode, 'auto')
    .option('--max-rate <records>', 'pace each worker at most this many records per second', positiveIntOption)
    .option('--json', 'print one JSON event per line')
    .option('--hang-timeout-ms <ms>', 'kill and restart a worker silent this long; 0 never does (for debugging, where breakpoints pause workers)', nonNegativeIntOption)
    .action(async (pipelineFile: string, flags: RunFlags) => {
      const options: PipelineRunOptions = {
        pipelineFile,
        bootstrap: flags.bootstrap,
        workers: flags.workers,
        fromBeginning: flags.fromBeginning ?? false,
        commitIntervalMs: flags.commitIntervalMs,
        exitWhenCaughtUp: flags.exitWhenCaughtUp ?? false,
        tasks: flags.tasks,
        ...(flags.group ? { group: flags.group } : {}),
        ...(flags.maxRate ? { maxRecordsPerSecond: flags.maxRate } : {}),
        ...(flags.hangTimeoutMs !== undefined ? { hangTimeoutMs: flags.hangTimeoutMs } : {}),
        ...kafkaSecurityOf(flags),
      };

      const run = await startPipelineRun(options);
      const print = flags.json ? printJson : printHuman;
      run.events.on('event', (e) => {
        print(e);
        if (e.type === 'failed') process.exitCode = 1;
      });
      let interrupted = false;
      const onSigint = (): void => {
        if (interrupted) process.exit(130);
        interrupted = true;
        process.stderr.write('\nrun: committing and stopping the workers (Ctrl-C again to quit at once)\n');
        void run.stop();
      };
      process.on('SIGINT', onSigint);
      process.on('SIGTERM', onSigint);
      if (options.exitWhenCaughtUp) await run.caughtUp().catch(() => {});
      await run.finished;
      if (!flags.json) printSummary(run.metrics());
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
    });
}

interface RerunFlags {
  bootstrap: string;
  fromLayer: string;
  workers: number;
  tasks: 'auto' | 'single' | 'per-partition';
  json?: boolean;
}

function registerRerunCommand(program: Command): void {
  program
    .command('rerun')
    .description('Run a pipeline again from bronze into fresh topics (<topic>.run-<n>), from a changed layer downstream, and report per layer how the rows differ from the previous run.')
    .argument('<pipeline>', 'the pipeline file (TypeScript)')
    .requiredOption('--from-layer <layer>', 'the layer whose transform changed; it and every layer downstream run again')
    .option('--bootstrap <servers>', 'Kafka bootstrap servers, comma-separated', '127.0.0.1:9092')
    .option('--workers <n>', 'worker processes to start', positiveIntOption, 1)
    .option('--tasks <mode>', 'auto, single or per-partition (as for run)', taskMode, 'auto')
    .option('--json', 'print the report as JSON')
    .action(async (pipelineFile: string, flags: RerunFlags) => {
      const report = await rerunPipeline({
        pipelineFile, bootstrap: flags.bootstrap, fromLayer: flags.fromLayer, workers: flags.workers, tasks: flags.tasks,
        onEvent: (e) => {
          if (e.type === 'failed') console.error(`rerun failed: ${e.error}`);
          else if (e.type === 'worker-exited' && !e.expected) console.error(`worker ${e.worker} died: ${e.reason ?? ''}${e.location ? ` at ${e.location}` : ''}`);
        },
      });
      if (flags.json) {
        // One flat line per output for line readers such as the extension, then the whole report.
        for (const o of report.outputs) console.log(JSON.stringify({ type: 'diff', layer: o.output, topic: o.topic, previousTopic: o.previousTopic, added: o.added, removed: o.removed, changed: o.changed, unchanged: o.unchanged }));
        console.log(JSON.stringify({ type: 'rerun', ...report }));
        return;
      }
      console.log(`run ${report.run}: rows by record id against the previous run`);
      for (const o of report.outputs) {
        if (o.previousTopic === null && o.added === 0) continue;
        console.log(`  ${o.topic.padEnd(44)} +${o.added} -${o.removed} ~${o.changed} =${o.unchanged}${o.previousTopic ? `  (vs ${o.previousTopic})` : '  (no previous run)'}`);
      }
    });
}

/**
 * `--json`: every run event as it is, plus flat lines that line readers (the extension) understand
 * without knowing the event types: one `metrics` line per layer, and an `error` line with `at`
 * (file:line:column in the user's code) for every error that has a location.
 */
function printJson(e: RunEvent): void {
  console.log(JSON.stringify(e));
  if (e.type === 'metrics') {
    for (const [layer, c] of Object.entries(e.metrics.layers)) console.log(JSON.stringify({ type: 'metrics', layer, ...c }));
  } else if (e.type === 'worker-message' && e.message.type === 'error' && e.message.location) {
    console.log(JSON.stringify({ type: 'error', message: e.message.message, at: e.message.location }));
  } else if (e.type === 'worker-exited' && !e.expected && e.location) {
    console.log(JSON.stringify({ type: 'error', message: e.reason ?? 'the worker died', at: e.location }));
  }
}

function printHuman(e: RunEvent): void {
  switch (e.type) {
    case 'worker-started':
      console.log(`worker ${e.worker} started (pid ${e.pid})`);
      break;
    case 'worker-exited':
      if (!e.expected) console.log(`worker ${e.worker} died: ${e.reason ?? 'unknown reason'}${e.location ? `\n  at ${e.location}` : ''}`);
      break;
    case 'worker-message': {
      const m = e.message;
      if (m.type === 'ready') console.log(`pipeline ${m.pipeline}: group ${m.group}, ${m.tasks} task(s), ${m.mode}`);
      else if (m.type === 'assigned') console.log(`worker ${m.worker} owns task(s) ${m.tasks.join(', ') || 'none'}`);
      else if (m.type === 'warning') console.log(`worker ${m.worker}: ${m.message}`);
      else if (m.type === 'error') console.log(`worker ${m.worker} error: ${m.message}${m.location ? `\n  at ${m.location}` : ''}`);
      break;
    }
    case 'metrics': {
      const m = e.metrics;
      const read = Object.values(m.layers).reduce((n, c) => n + c.in, 0);
      console.log(`${read} records read, ${m.recordsPerSecond}/s, ${m.commits} commits, ${m.tasksDone}/${m.tasks ?? '?'} tasks at the end`);
      break;
    }
    case 'caught-up':
      console.log('every task reached the end of bronze; stopping');
      break;
    case 'failed':
      console.log(`run failed: ${e.error}`);
      break;
  }
}

function printSummary(m: RunMetrics): void {
  const rows = Object.entries(m.layers).map(([name, c]) => `  ${name.padEnd(34)} in ${String(c.in).padStart(7)}  out ${String(c.out).padStart(7)}  late ${String(c.late).padStart(5)}  quarantined ${String(c.quarantined).padStart(5)}  dead letters ${String(c.deadLetters).padStart(4)}`);
  console.log(['per layer (since the workers last started):', ...rows].join('\n'));
}



function taskMode(value: string): RunFlags['tasks'] {
  if (value !== 'auto' && value !== 'single' && value !== 'per-partition') throw new InvalidArgumentError(`"${value}" is not auto, single or per-partition`);
  return value;
}
