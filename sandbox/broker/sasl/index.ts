export { SASL_MECHANISMS, SaslAuthenticator, type SaslMechanism, type SaslOptions } from './sasl-authenticator';
export { ConnectionSession, type SaslState } from './connection-session';
export { SaslFailure } from './scram';
