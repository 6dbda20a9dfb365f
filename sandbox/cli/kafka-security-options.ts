// The SASL and TLS options of every command that connects to a Kafka cluster (run, replay), so
// each spells, checks and reads them the same way.
import { InvalidArgumentError, type Command } from 'commander';
import type { SaslCredentials, TlsOption } from '../wire/kafka-security';
import { readOptionFile } from './options';

export interface KafkaSecurityFlags {
  saslMechanism?: SaslCredentials['mechanism'];
  saslUsername?: string;
  saslPassword?: string;
  tls?: boolean;
  tlsCa?: string;
}

export function addKafkaSecurityOptions(command: Command): Command {
  return command
    .option('--sasl-mechanism <mechanism>', 'SASL: plain, scram-sha-256 or scram-sha-512', mechanism)
    .option('--sasl-username <user>', 'SASL user name')
    .option('--sasl-password <password>', 'SASL password (or set MEDALLION_SASL_PASSWORD)')
    .option('--tls', 'connect with TLS, trusting the system CAs')
    .option('--tls-ca <file>', 'connect with TLS, trusting this CA certificate (PEM)');
}

/**
 * The SASL credentials and TLS setting the flags ask for. The password may come from
 * MEDALLION_SASL_PASSWORD, which keeps it out of the shell history and the process list.
 */
export function kafkaSecurityOf(flags: KafkaSecurityFlags): { sasl?: SaslCredentials; tls?: TlsOption } {
  const security: { sasl?: SaslCredentials; tls?: TlsOption } = {};
  if (flags.saslMechanism) {
    const password = flags.saslPassword ?? process.env.MEDALLION_SASL_PASSWORD;
    if (!flags.saslUsername || password === undefined) throw new InvalidArgumentError('--sasl-mechanism needs --sasl-username and a password (--sasl-password or MEDALLION_SASL_PASSWORD)');
    security.sasl = { mechanism: flags.saslMechanism, username: flags.saslUsername, password };
  }
  if (flags.tlsCa) security.tls = { ca: readOptionFile(flags.tlsCa, '--tls-ca') };
  else if (flags.tls) security.tls = true;
  return security;
}

function mechanism(value: string): SaslCredentials['mechanism'] {
  if (value !== 'plain' && value !== 'scram-sha-256' && value !== 'scram-sha-512') throw new InvalidArgumentError(`"${value}" is not plain, scram-sha-256 or scram-sha-512`);
  return value;
}
