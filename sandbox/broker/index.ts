// The broker's public surface: start one, talk to it with any Kafka client.
export { startBroker, stderrLogger } from './broker';
export type { BrokerOptions, RunningBroker } from './broker';
export type { BrokerLogger } from './broker-context';
export { SASL_MECHANISMS, type SaslMechanism, type SaslOptions } from './sasl/index';
