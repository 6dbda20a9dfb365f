// Where replayed records go. The replayer talks to this interface; the Kafka implementation is
// in kafka-sink.ts. Keeping it narrow lets the batching and resume logic be unit-tested alone.
import type { OutgoingRecord } from './outgoing-record';

/** A destination that acknowledges whole batches. */
export interface RecordSink {
  /**
   * How many sends may be outstanding at once. A sink that allows more than one must keep the
   * records of concurrent sends in call order, per partition.
   * @default 1
   */
  readonly maxInFlight?: number;
  /** The partition count of a topic, creating it with `createWith` partitions when it is missing. */
  partitionsFor(topic: string, createWith: number | undefined): Promise<number>;
  /** Resolves once every record of the batch is durably acknowledged. */
  send(records: OutgoingRecord[]): Promise<void>;
  close(): Promise<void>;
}
