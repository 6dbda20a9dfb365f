// The Kafka error codes the wire producer acts on, by their protocol names, and which of them are
// worth retrying: the ones a leader change, a restart or a slow broker cause, which go away.

import { ErrorCode } from '../../../broker/codec/error-codes';

/** Kafka's error codes by name: the codec's table, under the name this producer has always used. */
export const KafkaErrorCode = ErrorCode;

/**
 * Retriable produce errors. OUT_OF_ORDER_SEQUENCE_NUMBER is among them because requests are
 * pipelined: when one batch of a partition fails and is retried, the batches sent after it are
 * refused as out of order until the retry lands, and then succeed on their own retry.
 */
const RETRIABLE = new Set<number>([
  KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  KafkaErrorCode.LEADER_NOT_AVAILABLE,
  KafkaErrorCode.NOT_LEADER_OR_FOLLOWER,
  KafkaErrorCode.REQUEST_TIMED_OUT,
  KafkaErrorCode.NETWORK_EXCEPTION,
  KafkaErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
  KafkaErrorCode.COORDINATOR_NOT_AVAILABLE,
  KafkaErrorCode.NOT_ENOUGH_REPLICAS,
  KafkaErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
  KafkaErrorCode.NOT_CONTROLLER,
  KafkaErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
  KafkaErrorCode.KAFKA_STORAGE_ERROR,
  KafkaErrorCode.FENCED_LEADER_EPOCH,
  KafkaErrorCode.UNKNOWN_LEADER_EPOCH,
]);

export function isRetriable(code: number): boolean {
  return RETRIABLE.has(code);
}

export { errorName } from '../../../broker/codec/error-codes';
