// The Kafka error codes this client acts on, by their protocol names; which of them go away when
// retried; and the exceptions it throws, so a caller can tell a fenced producer (drop the task) from
// a broken cluster (report it) without parsing messages.

import { ErrorCode, errorName } from '../broker/codec/error-codes';

export { ErrorCode, errorName };

/**
 * Errors a leader change, a coordinator moving or loading, a restart or a slow broker cause, which
 * go away. CONCURRENT_TRANSACTIONS is among them: InitProducerId or AddPartitionsToTxn right after
 * the previous transaction's EndTxn gets it until the markers are written.
 */
const RETRIABLE = new Set<number>([
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.REQUEST_TIMED_OUT,
  ErrorCode.NETWORK_EXCEPTION,
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.NOT_COORDINATOR,
  ErrorCode.NOT_ENOUGH_REPLICAS,
  ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
  ErrorCode.NOT_CONTROLLER,
  ErrorCode.CONCURRENT_TRANSACTIONS,
  ErrorCode.KAFKA_STORAGE_ERROR,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.UNKNOWN_LEADER_EPOCH,
  ErrorCode.UNSTABLE_OFFSET_COMMIT,
]);

/** Errors that mean another producer with the same transactional id took over. */
const FENCING = new Set<number>([ErrorCode.PRODUCER_FENCED, ErrorCode.INVALID_PRODUCER_EPOCH, ErrorCode.TRANSACTION_COORDINATOR_FENCED]);

/** Errors that mean the coordinator moved: look it up again before retrying. */
export const COORDINATOR_MOVED = new Set<number>([ErrorCode.NOT_COORDINATOR, ErrorCode.COORDINATOR_NOT_AVAILABLE]);

export function isRetriable(code: number): boolean {
  return RETRIABLE.has(code);
}


/** A request the broker answered with an error code. */
export class KafkaProtocolError extends Error {
  override readonly name: string = 'KafkaProtocolError';
  readonly retriable: boolean;
  constructor(
    /** What was being done, e.g. "AddPartitionsToTxn for orders/2". */
    readonly operation: string,
    readonly code: number,
    detail?: string | null,
  ) {
    super(`${operation} failed: ${errorName(code)}${detail ? `: ${detail}` : ''}`);
    this.retriable = isRetriable(code);
  }
}

/**
 * Another producer with the same transactional id has initialized since this one did: this one can
 * never commit again. Its owner should drop the work and, if it still owns it, start over.
 */
export class ProducerFencedError extends KafkaProtocolError {
  override readonly name = 'ProducerFencedError';
}

/** The error for a code: fencing codes become ProducerFencedError. */
export function protocolError(operation: string, code: number, detail?: string | null): KafkaProtocolError {
  return FENCING.has(code) ? new ProducerFencedError(operation, code, detail) : new KafkaProtocolError(operation, code, detail);
}
