// Kafka's error codes by name live in the codec, shared with the group coordinator and the clients.
export { ErrorCode } from '../codec/error-codes';
