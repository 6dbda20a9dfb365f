/**
 * `medallion sandbox start`: runs the Kafka sandbox broker in the foreground until Ctrl-C.
 * With --tls-cert/--tls-key it serves TLS; with --sasl-users it requires SASL (PLAIN, SCRAM).
 */
import type { Command } from 'commander';
import { startBroker, type BrokerOptions } from '../../broker/index';
import { parseIntOption, readOptionFile } from '../options';

interface StartOptions {
  port: number;
  host: string;
  dataDir: string;
  partitions: number;
  autoCreate: boolean;
  tlsCert?: string;
  tlsKey?: string;
  saslUsers?: string;
}

export function registerSandboxCommands(program: Command): void {
  const sandbox = program.command('sandbox').description('the local Kafka sandbox broker');
  sandbox
    .command('start')
    .description('start the sandbox broker in the foreground and print its bootstrap address')
    .option('--port <port>', 'TCP port; 0 picks a free one', parseIntOption, 9092)
    .option('--host <host>', 'address to bind; loopback unless you say otherwise', '127.0.0.1')
    .option('--data-dir <dir>', 'where topics and offsets are kept', '.medallion/kafka')
    .option('--partitions <n>', 'partitions of auto-created topics', parseIntOption, 1)
    .option('--no-auto-create', 'do not create topics on first use')
    .option('--tls-cert <file>', 'serve TLS with this PEM certificate (chain); needs --tls-key')
    .option('--tls-key <file>', 'the PEM private key of --tls-cert')
    .option('--sasl-users <file>', 'require SASL (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) from these users: JSON {"user": "password"}')
    .action(async (opts: StartOptions) => {
      const broker = await startBroker({
        port: opts.port,
        host: opts.host,
        dataDir: opts.dataDir,
        defaultPartitions: opts.partitions,
        autoCreateTopics: opts.autoCreate,
        ...securityOptions(opts),
      });
      const security = [opts.tlsCert ? 'TLS' : '', opts.saslUsers ? 'SASL' : ''].filter(Boolean).join(' + ');
      console.log(`sandbox broker listening${security ? ` (${security})` : ''}; bootstrap ${broker.bootstrap} (data in ${opts.dataDir})`);
      const stop = () => {
        console.log('stopping sandbox broker');
        void broker.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}

/** The broker's tls and sasl options from the command line's files, with errors that name the file. */
export function securityOptions(opts: Pick<StartOptions, 'tlsCert' | 'tlsKey' | 'saslUsers'>): Pick<BrokerOptions, 'tls' | 'sasl'> {
  const result: Pick<BrokerOptions, 'tls' | 'sasl'> = {};
  if ((opts.tlsCert === undefined) !== (opts.tlsKey === undefined)) throw new Error('--tls-cert and --tls-key go together');
  if (opts.tlsCert !== undefined && opts.tlsKey !== undefined) {
    result.tls = { cert: readOptionFile(opts.tlsCert, '--tls-cert'), key: readOptionFile(opts.tlsKey, '--tls-key') };
  }
  if (opts.saslUsers !== undefined) result.sasl = { users: parseUsers(readOptionFile(opts.saslUsers, '--sasl-users'), opts.saslUsers) };
  return result;
}

function parseUsers(text: string, file: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`--sasl-users: ${file} is not JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`--sasl-users: ${file} must hold an object {"user": "password"}`);
  const users = parsed as Record<string, unknown>;
  for (const [user, password] of Object.entries(users)) {
    if (typeof password !== 'string') throw new Error(`--sasl-users: the password of ${user} in ${file} must be a string`);
  }
  if (Object.keys(users).length === 0) throw new Error(`--sasl-users: ${file} lists no users, so no client could connect`);
  return users as Record<string, string>;
}
