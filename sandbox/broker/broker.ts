/**
 * `startBroker`: the sandbox's Kafka broker as a library. One process, one node, every partition's
 * leader, data on disk under `dataDir`.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BrokerContext, BrokerLogger, BrokerSettings } from './broker-context';
import { FileOffsetStore, GroupCoordinator } from './groups/index';
import { allHandlers } from './handlers/index';
import { HandlerRegistry } from './handlers/registry';
import { ProducerIds } from './producers/producer-ids';
import { SaslAuthenticator, type SaslOptions } from './sasl/index';
import { RequestDispatcher } from './server/request-dispatcher';
import { TcpServer } from './server/tcp-server';
import { TopicManager } from './topics/topic-manager';
import { TransactionCoordinator } from './transactions/transaction-coordinator';

export interface BrokerOptions {
  /**
   * The directory holding topics, committed offsets and producer ids. Created when missing.
   * @example '.medallion/kafka'
   */
  dataDir: string;
  /**
   * The TCP port; 0 picks a free one, and the real one is advertised to clients.
   * @default 9092
   */
  port?: number;
  /**
   * The address to bind. Only loopback unless configured, so the sandbox is never reachable from the network.
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * The host name clients are told to connect to.
   * @default the bound host, or 127.0.0.1 when binding every interface
   */
  advertisedHost?: string;
  /**
   * Create topics on first use, as Kafka's auto.create.topics.enable.
   * @default true
   */
  autoCreateTopics?: boolean;
  /**
   * Partitions of auto-created topics and of CreateTopics requests asking for the default (-1).
   * @default 1
   */
  defaultPartitions?: number;
  /**
   * Broker-wide defaults for topic configs.
   * @example { 'retention.ms': '604800000' }
   * @default {}
   */
  topicDefaults?: Record<string, string>;
  /**
   * The largest request frame accepted; larger ones close the connection before anything is read.
   * @default 104857600 (100 MiB, Kafka's socket.request.max.bytes)
   */
  maxFrameBytes?: number;
  /**
   * How often retention runs over every partition.
   * @default 60000
   */
  retentionCheckIntervalMs?: number;
  /**
   * How long a new group waits for more members before its first rebalance completes.
   * @default 100
   */
  groupInitialRebalanceDelayMs?: number;
  /**
   * Serve over TLS with this certificate chain and private key, PEM text (read files yourself, as
   * `medallion sandbox start --tls-cert --tls-key` does). Clients connect with TLS on; no client
   * certificates are asked for.
   * @default plain TCP
   * @example { cert: readFileSync('server.pem'), key: readFileSync('server-key.pem') }
   */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /**
   * Require SASL authentication (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) from every connection before
   * anything but ApiVersions. Over `tls` this is Kafka's SASL_SSL, without it SASL_PLAINTEXT.
   * @default no authentication
   * @example { users: { alice: 'alice-secret' } }
   */
  sasl?: SaslOptions;
  /** Where the broker reports what it does. @default messages on stderr */
  logger?: BrokerLogger;
}

export interface RunningBroker {
  readonly host: string;
  readonly port: number;
  /** `host:port`, ready for any client's bootstrap servers. */
  readonly bootstrap: string;
  readonly context: BrokerContext;
  close(): Promise<void>;
}

const NODE_ID = 1;

export const stderrLogger: BrokerLogger = {
  info: (m) => process.stderr.write(`[broker] ${m}\n`),
  warn: (m) => process.stderr.write(`[broker] warning: ${m}\n`),
  error: (m) => process.stderr.write(`[broker] error: ${m}\n`),
};

export async function startBroker(options: BrokerOptions): Promise<RunningBroker> {
  const host = options.host ?? '127.0.0.1';
  const log = options.logger ?? stderrLogger;
  const dataDir = path.resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const settings: BrokerSettings = {
    autoCreateTopics: options.autoCreateTopics ?? true,
    defaultPartitions: options.defaultPartitions ?? 1,
    topicDefaults: options.topicDefaults ?? {},
  };
  const topics = await TopicManager.open(dataDir, settings.topicDefaults);
  const offsetStore = FileOffsetStore.open(path.join(dataDir, 'groups'));
  const groups = new GroupCoordinator({
    store: offsetStore,
    initialRebalanceDelayMs: options.groupInitialRebalanceDelayMs ?? 100,
  });
  const sasl = options.sasl ? new SaslAuthenticator(options.sasl) : undefined;
  const registry = new HandlerRegistry(allHandlers);
  const producerIds = new ProducerIds(dataDir);
  const transactions = new TransactionCoordinator(dataDir, producerIds, topics, groups);
  const advertised = { host: options.advertisedHost ?? (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host), port: 0 };
  const context: BrokerContext = {
    nodeId: NODE_ID,
    clusterId: clusterIdFor(dataDir),
    advertised,
    settings,
    topics,
    groups,
    producerIds,
    transactions,
    registry,
    log,
    ...(sasl ? { sasl } : {}),
    now: () => Date.now(),
  };
  const dispatcher = new RequestDispatcher(registry, context);
  let server: TcpServer;
  try {
    server = await TcpServer.listen(dispatcher, {
      host,
      port: options.port ?? 9092,
      maxFrameBytes: options.maxFrameBytes ?? 100 * 1024 * 1024,
      ...(options.tls ? { tls: options.tls } : {}),
      // Kafka's sasl.server.max.receive.size: SASL messages are small, and nothing else is read before.
      ...(sasl ? { unauthenticatedMaxFrameBytes: 512 * 1024 } : {}),
      onProtocolError: (remote, reason) => log.warn(`closed connection from ${remote}: ${reason}`),
    });
  } catch (error) {
    transactions.close();
    groups.close();
    offsetStore.close();
    await topics.close();
    throw error;
  }
  advertised.port = server.port;
  const retention = setInterval(() => {
    const deleted = topics.enforceRetention(Date.now());
    if (deleted > 0) log.info(`retention deleted ${deleted} segment(s)`);
  }, options.retentionCheckIntervalMs ?? 60_000);
  retention.unref();

  let closing: Promise<void> | undefined;
  return {
    host: advertised.host,
    port: advertised.port,
    bootstrap: `${advertised.host}:${advertised.port}`,
    context,
    close() {
      closing ??= (async () => {
        clearInterval(retention);
        transactions.close();
        groups.close();
        await server.close();
        offsetStore.close();
        await topics.close();
      })();
      return closing;
    },
  };
}

/** A cluster id that stays the same for the same data directory, as a real cluster's does. */
function clusterIdFor(dataDir: string): string {
  const file = path.join(dataDir, 'cluster-id');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const id = randomUUID().replaceAll('-', '').slice(0, 22);
  writeFileSync(file, id);
  return id;
}
