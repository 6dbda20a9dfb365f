// `medallion replay <file|folder>`: produces source files into bronze topics. Ctrl-C stops after
// the batch in flight is acknowledged; `--resume` then continues where it stopped. Resuming is
// opt-in: replaying the same files again is how a session is reproduced, so a plain run starts over.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { DEFAULT_BOOTSTRAP, replay } from '../../replay/produce/replay';
import { addKafkaSecurityOptions, kafkaSecurityOf, type KafkaSecurityFlags } from '../kafka-security-options';
import { nonNegativeIntOption, positiveIntOption } from '../options';

interface ReplayFlags extends KafkaSecurityFlags {
  client?: 'wire' | 'kafkajs';
  bootstrap: string;
  topicPrefix?: string;
  topic?: string;
  keyField?: string;
  timestampField?: string;
  partitions?: number;
  speed?: number;
  loop?: boolean | number;
  fromOffset?: number;
  fromTime?: string;
  resume?: boolean;
  state?: string;
  batch?: number;
}

export function registerReplayCommands(program: Command): void {
  const command = program
    .command('replay')
    .description('Produce NDJSON, JSON-array and CSV files into Kafka topics (one topic per file), with keys, headers and event-time timestamps.')
    .argument('<source>', 'a file, or a folder of .ndjson, .jsonl, .json and .csv files')
    .option('--bootstrap <host:port>', 'Kafka to produce to', DEFAULT_BOOTSTRAP)
    .option('--topic-prefix <prefix>', 'prepended to every topic name')
    .option('--topic <name>', 'one topic for every file, instead of the file name')
    .option('--key-field <field>', 'field the record key comes from (default: MANIFEST.json, else key, id or <name>_id)')
    .option('--timestamp-field <field>', 'field the record timestamp comes from (default: MANIFEST.json, else ts, timestamp, event_time, ...)')
    .option('--partitions <n>', 'partitions of topics that must be created (default: MANIFEST.json, else 1)', positiveIntOption)
    .option('--speed <n>', 'pace by event time at N times real time (default: as fast as possible)', positiveNumber)
    .option('--loop [passes]', 'replay again and again (until Ctrl-C, or N passes)', positiveIntOption)
    .option('--from-offset <n>', 'skip the first N records of every file', nonNegativeIntOption)
    .option('--from-time <time>', 'start every file at its first record at or after this time (ISO 8601, epoch ms or s)')
    .option('--resume', 'continue an interrupted replay after its last acknowledged records')
    .option('--state <file>', 'replay-state file (default: .medallion/replay-state.json)')
    .option('--batch <n>', 'most records per produce request', positiveIntOption)
    .addOption(new Option('--client <client>', "the producer: the replayer's own lean idempotent one, or kafkajs (which SASL and TLS use)").choices(['wire', 'kafkajs']));
  addKafkaSecurityOptions(command)
    .action(async (source: string, flags: ReplayFlags) => {
      const controller = new AbortController();
      const onSigint = (): void => {
        if (controller.signal.aborted) process.exit(130);
        process.stderr.write('\nreplay: stopping after the batch in flight (Ctrl-C again to quit at once)\n');
        controller.abort();
      };
      process.on('SIGINT', onSigint);
      try {
        const result = await replay({
          source,
          bootstrap: flags.bootstrap,
          passes: typeof flags.loop === 'number' ? flags.loop : flags.loop ? Infinity : 1,
          signal: controller.signal,
          ...kafkaSecurityOf(flags),
          ...definedOnly({
            topicPrefix: flags.topicPrefix,
            topic: flags.topic,
            keyField: flags.keyField,
            timestampField: flags.timestampField,
            partitions: flags.partitions,
            speed: flags.speed,
            fromOffset: flags.fromOffset,
            fromTime: flags.fromTime,
            resume: flags.resume,
            stateFile: flags.state,
            batchRecords: flags.batch,
            client: flags.client,
          }),
        });
        for (const file of result.files) console.log(`${file.file} → ${file.topic}: ${file.records} records`);
        const rate = Math.round(result.records / Math.max(1e-3, result.elapsedMs / 1000));
        console.log(`${result.records} records (${result.badRecords} not valid, replayed as is) in ${(result.elapsedMs / 1000).toFixed(2)} s, ${rate} records/s, ${result.batches} batches`);
        if (result.interrupted) {
          console.log('interrupted: run the same command with --resume to continue');
          process.exitCode = 130;
        }
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}

function definedOnly<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}



function positiveNumber(value: string): number {
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a positive number, got ${value}`);
  return n;
}
