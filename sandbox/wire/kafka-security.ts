// How a client reaches a secured Kafka, SASL and TLS, shared by everything that connects with
// kafkajs: the runner's workers and the replayer's kafkajs producer. The wire client itself speaks
// plain Kafka only, so whoever is given either of these connects with kafkajs.
import type { KafkaConfig, SASLOptions } from 'kafkajs';

/** SASL credentials. */
export interface SaslCredentials {
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  username: string;
  password: string;
}

/** TLS: true for the system's trusted CAs, or a CA certificate in PEM to trust instead. */
export type TlsOption = boolean | { ca: string };

/** The part of a kafkajs configuration that says how to authenticate and encrypt. */
export function kafkajsSecurity(security: { sasl?: SaslCredentials; tls?: TlsOption }): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const config: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  if (security.tls) config.ssl = security.tls === true ? true : { ca: [security.tls.ca] };
  if (security.sasl) {
    const { mechanism, username, password } = security.sasl;
    config.sasl = { mechanism, username, password } as SASLOptions;
  }
  return config;
}
