// A kafkajs client for any Kafka: bootstrap servers, SASL (PLAIN, SCRAM) and TLS, as the run's options say.
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { kafkajsSecurity } from '../wire/kafka-security';
import type { KafkaConnection } from './run-options';

export function kafkaClient(connection: KafkaConnection, clientId: string): Kafka {
  return new Kafka(kafkaConfig(connection, clientId));
}

/** The kafkajs configuration for a connection, kept apart from the client so it can be checked. */
export function kafkaConfig(connection: KafkaConnection, clientId: string): KafkaConfig {
  const config: KafkaConfig = {
    clientId,
    brokers: connection.brokers,
    // kafkajs logs through console by default; the worker reports problems itself, as JSON lines.
    logLevel: logLevel.NOTHING,
    connectionTimeout: 5_000,
    requestTimeout: 30_000,
    retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 2_000 },
    ...kafkajsSecurity(connection),
  };
  return config;
}
