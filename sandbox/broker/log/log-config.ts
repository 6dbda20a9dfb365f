// Configuration of one partition log. Names follow Kafka's topic configs (segment.bytes becomes
// segmentBytes) so the topic layer can map them one to one.

/**
 * Durability policy: like Kafka, the log relies on the OS page cache. Every append is one write
 * into the page cache before `append` returns, so a crash of the broker process (even `kill -9`)
 * loses nothing that was acknowledged. Only a crash of the machine itself can lose data that was
 * not yet flushed; to bound that window, segments are fsynced when they are rolled and when the
 * log is closed, and the active segment every `flushIntervalMs` when that is set.
 */
export interface LogConfig {
  /**
   * Roll a new segment when appending would make the active one larger than this.
   * @default 67108864 (64 MiB)
   * @example 1048576
   */
  segmentBytes: number;
  /**
   * Roll a new segment when the active one is older than this, counted from its first append in
   * this process (a restart starts the clock again).
   * @default 604800000 (7 days)
   */
  segmentMs: number;
  /**
   * Delete a whole non-active segment once its newest timestamp is older than this; -1 keeps
   * everything forever, which suits a bronze layer that is the source of truth.
   * @default -1
   * @example 86400000
   */
  retentionMs: number;
  /**
   * Delete the oldest non-active segments while the partition stays larger than this; -1 means no
   * limit.
   * @default -1
   */
  retentionBytes: number;
  /**
   * Add an offset index entry (and a time index entry) after at least this many bytes of batches.
   * Smaller is faster to seek and larger uses less memory: 4096 costs about 20 bytes of RAM per
   * 4 KB of log.
   * @default 4096
   */
  indexIntervalBytes: number;
  /**
   * Forget an idempotent producer's sequence state after this long without an append from it
   * (Kafka's producer.id.expiration.ms), unless it has an open transaction. Checked by
   * `enforceRetention`.
   * @default 86400000 (1 day)
   */
  producerIdExpirationMs: number;
  /**
   * fsync the active segment this often; -1 never does it on a timer (segments are still fsynced
   * when rolled and on close). See the durability policy above.
   * @default -1
   * @example 1000
   */
  flushIntervalMs: number;
  /**
   * Stamp batches with the broker's clock (message.timestamp.type=LogAppendTime) instead of keeping
   * the producer's CreateTime. Costs one CRC pass per batch.
   * @default false
   */
  logAppendTime: boolean;
  /**
   * Written into each appended batch's partitionLeaderEpoch field; -1 leaves the producer's value.
   * @default 0
   */
  leaderEpoch: number;
}

export const DEFAULT_LOG_CONFIG: Readonly<LogConfig> = {
  segmentBytes: 64 * 1024 * 1024,
  segmentMs: 7 * 24 * 60 * 60 * 1000,
  retentionMs: -1,
  retentionBytes: -1,
  indexIntervalBytes: 4096,
  producerIdExpirationMs: 24 * 60 * 60 * 1000,
  flushIntervalMs: -1,
  logAppendTime: false,
  leaderEpoch: 0,
};

/** Segment positions are int32 in the index files, so a segment never grows past this. */
export const MAX_SEGMENT_BYTES = 0x7fffffff;

export function resolveLogConfig(partial: Partial<LogConfig> = {}): LogConfig {
  const config: LogConfig = { ...DEFAULT_LOG_CONFIG };
  for (const [key, value] of Object.entries(partial) as [keyof LogConfig, LogConfig[keyof LogConfig] | undefined][]) {
    if (value !== undefined) (config as unknown as Record<string, unknown>)[key] = value;
  }
  if (!(config.segmentBytes >= 1) || config.segmentBytes > MAX_SEGMENT_BYTES) {
    throw new RangeError(`segmentBytes must be between 1 and ${MAX_SEGMENT_BYTES}, got ${config.segmentBytes}`);
  }
  if (!(config.indexIntervalBytes >= 1)) throw new RangeError(`indexIntervalBytes must be positive, got ${config.indexIntervalBytes}`);
  if (!(config.segmentMs >= 1)) throw new RangeError(`segmentMs must be positive, got ${config.segmentMs}`);
  return config;
}
