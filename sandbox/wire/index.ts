// A small Kafka client over the broker's codec for what the pipeline runner does on its data path:
// a transactional producer and a read_committed fetcher of assigned partitions. Plain TCP only;
// clusters that need TLS or SASL are reached with kafkajs.
export { TransactionalProducer, type OffsetToCommit, type TransactionalProducerOptions } from './transactional-producer';
export { Fetcher, type FetchedPartition, type FetcherOptions } from './fetcher';
export type { FetchedRecord } from './record-decoder';
export { RecordDecodeError } from './record-decoder';
export type { ProducerRecord } from './batch-builder';
export { ErrorCode, errorName, KafkaProtocolError, ProducerFencedError } from './errors';
export { partitionFor } from './partitioner';
export { partitionKey, type ClusterOptions } from './cluster';
