// The partition log's public surface, for the topic layer and the handlers.
export { PartitionLog, LogErrorCode } from './partition-log';
export type { AppendOptions, AppendResult, ReadResult, TimestampOffset, DeleteRecordsResult } from './partition-log';
export type { Truncation, RecoveryReport } from './segment-recovery';
export { DEFAULT_LOG_CONFIG, resolveLogConfig } from './log-config';
export type { LogConfig } from './log-config';
export type { LogFileSystem, LogFileStat } from './log-file-system';
export { nodeFileSystem } from './node-file-system';
export { FaultyFileSystem, SimulatedCrash } from './faulty-file-system';
export type { FaultPlan } from './faulty-file-system';
export type { AbortedTransaction } from './transaction-state';
export { ProducerErrorCode } from './producer-state';
