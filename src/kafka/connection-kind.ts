/**
 * Which Kafka the extension talks to, and how each client reaches it: kafkajs in the extension host,
 * and `medallion` CLI children through flags and environment. Imports no `vscode`: tested in Node.
 */
import type { KafkaConfig, SASLOptions } from 'kafkajs';

export type Connection =
  | { kind: 'none'; reason: string }
  | { kind: 'sandbox'; bootstrap: string }
  | { kind: 'external'; brokers: string[]; ssl: boolean; sasl: SASLOptions | undefined };

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
 * How a `medallion` CLI child reaches the connection: flags, plus the SASL password in the
 * environment (never on its command line, where `ps` would show it). Only `run` speaks TLS and
 * SASL; the other commands refuse a secured cluster with a clear error instead of failing to connect.
 */
export function cliConnection(connection: Connection, command: 'run' | 'replay' | 'materialize'): { args: string[]; env: Record<string, string> } {
  const args = ['--bootstrap', bootstrapOf(connection)];
  if (connection.kind !== 'external' || (!connection.ssl && !connection.sasl)) return { args, env: {} };
  if (command !== 'run') throw new Error(`medallion ${command} does not support TLS or SASL yet; use the sandbox, or a cluster without them`);
  const env: Record<string, string> = {};
  if (connection.ssl) args.push('--tls');
  if (connection.sasl && 'username' in connection.sasl) {
    args.push('--sasl-mechanism', connection.sasl.mechanism, '--sasl-username', String(connection.sasl.username));
    env.MEDALLION_SASL_PASSWORD = String((connection.sasl as { password?: string }).password ?? '');
  }
  return { args, env };
}
