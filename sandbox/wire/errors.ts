// The Kafka error codes this client acts on, by their protocol names; which of them go away when
// retried; and the exceptions it throws, so a caller can tell a fenced producer (drop the task) from
// a broken cluster (report it) without parsing messages.

export const ErrorCode = {
  NONE: 0,
  OFFSET_OUT_OF_RANGE: 1,
  CORRUPT_MESSAGE: 2,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  LEADER_NOT_AVAILABLE: 5,
  NOT_LEADER_OR_FOLLOWER: 6,
  REQUEST_TIMED_OUT: 7,
  MESSAGE_TOO_LARGE: 10,
  NETWORK_EXCEPTION: 13,
  COORDINATOR_LOAD_IN_PROGRESS: 14,
  COORDINATOR_NOT_AVAILABLE: 15,
  NOT_COORDINATOR: 16,
  NOT_ENOUGH_REPLICAS: 19,
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: 20,
  ILLEGAL_GENERATION: 22,
  UNKNOWN_MEMBER_ID: 25,
  REBALANCE_IN_PROGRESS: 27,
  TOPIC_AUTHORIZATION_FAILED: 29,
  GROUP_AUTHORIZATION_FAILED: 30,
  NOT_CONTROLLER: 41,
  OUT_OF_ORDER_SEQUENCE_NUMBER: 45,
  DUPLICATE_SEQUENCE_NUMBER: 46,
  INVALID_PRODUCER_EPOCH: 47,
  INVALID_TXN_STATE: 48,
  INVALID_PRODUCER_ID_MAPPING: 49,
  INVALID_TRANSACTION_TIMEOUT: 50,
  CONCURRENT_TRANSACTIONS: 51,
  TRANSACTION_COORDINATOR_FENCED: 52,
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: 53,
  OPERATION_NOT_ATTEMPTED: 55,
  KAFKA_STORAGE_ERROR: 56,
  FENCED_LEADER_EPOCH: 74,
  UNKNOWN_LEADER_EPOCH: 75,
  UNSTABLE_OFFSET_COMMIT: 88,
  PRODUCER_FENCED: 90,
} as const;

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

const NAMES = new Map<number, string>(Object.entries(ErrorCode).map(([name, code]) => [code, name]));

/** The protocol name of an error code, or its number when this client does not know it. */
export function errorName(code: number): string {
  return NAMES.get(code) ?? `error code ${code}`;
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
