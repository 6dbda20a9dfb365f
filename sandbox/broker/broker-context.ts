/**
 * Everything a request handler may reach: the broker's identity, its topics, groups and producer
 * ids. Handlers get this, never the sockets.
 */
import type { GroupCoordinator } from './groups/index';
import type { HandlerRegistry } from './handlers/registry';
import type { ProducerIds } from './producers/producer-ids';
import type { SaslAuthenticator } from './sasl/index';
import type { TopicManager } from './topics/topic-manager';
import type { TransactionCoordinator } from './transactions/transaction-coordinator';

export interface BrokerLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface BrokerSettings {
  /** Create a topic on first Metadata or Produce for it, as Kafka's auto.create.topics.enable. */
  autoCreateTopics: boolean;
  /** Partitions of an auto-created topic or a CreateTopics request that asks for -1. */
  defaultPartitions: number;
  /** Broker-level defaults for topic configs (retention.ms etc.). */
  topicDefaults: Record<string, string>;
}

export interface BrokerContext {
  readonly nodeId: number;
  readonly clusterId: string;
  /** The address clients are told to connect to: the real bound port, never 0. */
  readonly advertised: { host: string; port: number };
  readonly settings: BrokerSettings;
  readonly topics: TopicManager;
  readonly groups: GroupCoordinator;
  readonly producerIds: ProducerIds;
  readonly transactions: TransactionCoordinator;
  readonly registry: HandlerRegistry;
  readonly log: BrokerLogger;
  /** The SASL users and mechanisms; absent when clients need not authenticate. */
  readonly sasl?: SaslAuthenticator;
  /** Wall-clock milliseconds; injected so tests can move time. */
  now(): number;
}
