/**
 * The current connection: an external cluster from the settings, whose SASL password lives in VS
 * Code's SecretStorage and never in settings.json, else the local sandbox when it runs.
 */
import type { SASLOptions } from 'kafkajs';
import type * as vscode from 'vscode';
import { externalKafka } from '../settings';
import type { SandboxState } from '../sandbox/sandbox-process';
import type { Connection } from './connection-kind';

export { bootstrapOf, cliConnection, kafkaConfigOf, type Connection } from './connection-kind';

export const SASL_PASSWORD_SECRET = 'medallion.kafka.sasl.password';

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

