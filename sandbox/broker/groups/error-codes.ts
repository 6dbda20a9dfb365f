// The group coordinator answers with Kafka's error codes, named as Kafka names them
// (`org.apache.kafka.common.protocol.Errors`); the broker copies them onto the wire unchanged. The
// table is the codec's, shared with the handlers and the clients.
export { ErrorCode } from '../codec/error-codes';
