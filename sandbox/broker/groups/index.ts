/**
 * The classic consumer-group coordinator: what the broker's group and offset handlers import.
 * See `coordinator.ts` for the entry point and `types.ts` for every request and result.
 */
export { GroupCoordinator, KAFKA_INITIAL_REBALANCE_DELAY_MS, type GroupCoordinatorOptions } from './coordinator';
export { CONSUMER_PROTOCOL_TYPE, EMPTY_CONSUMER_ASSIGNMENT, emptyAssignmentFor } from './consumer-assignment';
export { ErrorCode } from './error-codes';
export { FileOffsetStore, type FileOffsetStoreOptions } from './file-offset-store';
export { MemoryOffsetStore, type CommittedOffset, type OffsetStore, type StoredOffset } from './offset-store';
export { realScheduler, type Scheduler } from './scheduler';
export { VirtualScheduler } from './virtual-scheduler';
export type * from './types';
