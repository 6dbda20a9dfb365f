/**
 * Which Kafka the extension talks to: the local sandbox (when it runs) or an external cluster from
 * the settings, whose SASL password lives in VS Code's SecretStorage and never in settings.json.
 */
import type { SASLOptions, KafkaConfig } from 'kafkajs';
import type * as vscode from 'vscode';
import { externalKafka } from '../settings';
import type { SandboxState } from '../sandbox/sandbox-process';

export const SASL_PASSWORD_SECRET = 'medallion.kafka.sasl.password';

export type Connection =
  | { kind: 'none'; reason: string }
  | { kind: 'sandbox'; bootstrap: string }
  | { kind: 'external'; brokers: string[]; ssl: boolean; sasl: SASLOptions | undefined };

export async function currentConnection(sandbox: SandboxState, secrets: vscode.SecretStorage): Promise<Connection> {
  const external = externalKafka();
  if (external.bootstrapServers.length > 0) {
    let sasl: SASLOptions | undefined;
    if (external.saslMechanism !== 'none') {
      const password = (await secrets.get(SASL_PASSWORD_SECRET)) ?? '';
      sasl = { mechanism: external.saslMechanism, username: external.username, password } as SASLOptions;
    }
    return { kind: 'external', brokers: external.bootstrapServers, ssl: external.ssl, sasl };
  }
  if (sandbox.kind === 'running') return { kind: 'sandbox', bootstrap: sandbox.bootstrap };
  return { kind: 'none', reason: 'the sandbox is not running and no external cluster is configured' };
}

export function bootstrapOf(connection: Connection): string {
  switch (connection.kind) {
    case 'sandbox':
      return connection.bootstrap;
    case 'external':
      return connection.brokers.join(',');
    case 'none':
      throw new Error(`no Kafka to talk to: ${connection.reason}. Start the sandbox or connect to a cluster.`);
  }
}

export function kafkaConfigOf(connection: Connection): KafkaConfig {
  const brokers = bootstrapOf(connection).split(',');
  const base: KafkaConfig = { clientId: 'medallion-studio-extension', brokers, connectionTimeout: 3000, requestTimeout: 5000, retry: { retries: 1 } };
  if (connection.kind !== 'external') return base;
  return { ...base, ssl: connection.ssl, ...(connection.sasl ? { sasl: connection.sasl } : {}) };
}

/**
 * The environment a CLI child gets so it can reach an external cluster with TLS and SASL without
 * the password appearing on its command line (where `ps` would show it).
 */
export function connectionEnv(connection: Connection): Record<string, string> {
  if (connection.kind !== 'external') return {};
  const env: Record<string, string> = { MEDALLION_KAFKA_SSL: connection.ssl ? '1' : '0' };
  if (connection.sasl && 'username' in connection.sasl) {
    env.MEDALLION_KAFKA_SASL_MECHANISM = connection.sasl.mechanism;
    env.MEDALLION_KAFKA_SASL_USERNAME = String(connection.sasl.username);
    env.MEDALLION_KAFKA_SASL_PASSWORD = String((connection.sasl as { password?: string }).password ?? '');
  }
  return env;
}
