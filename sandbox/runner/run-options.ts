// The options of one pipeline run, shared by the CLI, the library entry and the worker processes.
// Everything here is JSON-safe because the supervisor hands it to each worker in its environment
// (MEDALLION_WORKER_CONFIG), where a password stays off the command line.
import type { SaslCredentials, TlsOption } from '../wire/kafka-security';

/** How a run reaches Kafka: any Kafka, not only the sandbox. */
export interface KafkaConnection {
  /**
   * Bootstrap servers.
   * @example ['127.0.0.1:9092']
   */
  brokers: string[];
  /**
   * SASL authentication; the password may come from MEDALLION_SASL_PASSWORD instead of the command line.
   * @default none
   * @example { mechanism: 'scram-sha-256', username: 'runner', password: 'secret' }
   */
  sasl?: SaslCredentials;
  /**
   * TLS: true for the system's trusted CAs, or a CA certificate in PEM to trust instead.
   * @default false
   * @example { ca: '-----BEGIN CERTIFICATE-----\n...' }
   */
  tls?: TlsOption;
  /**
   * The client on the data path: 'wire' (sandbox/wire, lean and fast, plain connections only) or
   * kafkajs. With TLS or SASL kafkajs is used whatever this says. Group membership is always kafkajs's.
   * @default 'wire'
   */
  client?: 'wire' | 'kafkajs';
}

/** What a worker process needs to run its share of the pipeline. */
export interface WorkerConfig {
  /** The bundled pipeline (CommonJS, with an inline source map pointing at the user's file). */
  bundleFile: string;
  /** The user's pipeline file, as given, for messages. */
  pipelineFile: string;
  kafka: KafkaConnection;
  /** The consumer group; also names the changelog topic and the transactional ids. Null: `medallion.<pipeline name>`. */
  group: string | null;
  /** With no checkpoint yet, start at the earliest offsets (true) or at the end of bronze (false). */
  fromBeginning: boolean;
  commitIntervalMs: number;
  /** Treat bronze as bounded: finish once every partition reached the end offset seen at start. */
  exitWhenCaughtUp: boolean;
  /**
   * One task per input partition number (the pipeline keeps keys inside partitions) or one task for
   * everything; 'auto' picks per-partition only for plans with no keyed operator.
   */
  tasks: 'auto' | 'single' | 'per-partition';
  /** Keep at most this many bronze positions per output record; 0 turns lineage off. */
  lineage: number;
  /** Partitions of output topics the run creates. */
  outputPartitions?: number;
  /** Topic suffix for re-runs (`.run-<n>`); empty for the normal run. */
  topicSuffix: string;
  /** Re-runs: write only this layer and the layers downstream of it; null writes every output. */
  fromLayer: string | null;
  /** Pace each worker at most this many bronze records per second (demos, tests); 0 means as fast as it can. */
  maxRecordsPerSecond: number;
  /** The worker's index among its siblings, for messages. */
  workerIndex: number;
}
