// Idempotent-producer state, a simplified form of Kafka's ProducerStateManager: per producer id,
// its epoch and the sequence ranges of its last five batches, enough to spot a retried batch (a
// duplicate) and a lost one (a gap). Rules, from notes pitfall 13 and Kafka's ProducerAppendInfo:
// - the first batch of an unknown producer is accepted with any sequence (the producer may have
//   written before this log's history, or its state may have expired);
// - a batch whose sequence range equals one of the last five is a duplicate: it is not appended
//   and the original base offset is returned;
// - otherwise the batch must start right after the last sequence (wrapping at int32), else
//   OUT_OF_ORDER_SEQUENCE_NUMBER;
// - an older epoch is fenced with INVALID_PRODUCER_EPOCH; a newer epoch starts over and must begin
//   at sequence 0.

export const ProducerErrorCode = {
  outOfOrderSequenceNumber: 45,
  invalidProducerEpoch: 47,
} as const;

/** How many recent batches per producer are kept for duplicate detection, as in Kafka. */
export const PRODUCER_BATCH_HISTORY = 5;

const INT32_MAX = 0x7fffffff;

export interface BatchSequence {
  firstSeq: number;
  lastSeq: number;
  baseOffset: number;
}

export interface ProducerEntry {
  epoch: number;
  /** Oldest first, at most PRODUCER_BATCH_HISTORY. */
  batches: BatchSequence[];
  /**
   * Broker wall-clock time of the producer's last append, for expiry. Batches replayed on open
   * carry the open time, which only ever lengthens a producer's life.
   */
  lastAppendMs: number;
}

export type SequenceCheck =
  | { kind: 'ok' }
  | { kind: 'duplicate'; baseOffset: number }
  | { kind: 'error'; errorCode: number; message: string };

/** The last sequence number of a batch, wrapping past int32 max to 0 as producers do. */
export function lastSequenceOf(baseSequence: number, lastOffsetDelta: number): number {
  const last = baseSequence + lastOffsetDelta;
  return last > INT32_MAX ? last - INT32_MAX - 1 : last;
}

function followsOn(lastSeq: number, firstSeq: number): boolean {
  return lastSeq === INT32_MAX ? firstSeq === 0 : firstSeq === lastSeq + 1;
}

export class ProducerStateTable {
  private readonly producers = new Map<number, ProducerEntry>();

  get(producerId: number): ProducerEntry | undefined {
    return this.producers.get(producerId);
  }

  get size(): number {
    return this.producers.size;
  }

  entries(): IterableIterator<[number, ProducerEntry]> {
    return this.producers.entries();
  }

  /** Checks one data batch against `entry` (the state before it), without changing anything. */
  static check(entry: ProducerEntry | undefined, epoch: number, firstSeq: number, lastSeq: number): SequenceCheck {
    if (!entry) return { kind: 'ok' };
    if (epoch < entry.epoch) {
      return { kind: 'error', errorCode: ProducerErrorCode.invalidProducerEpoch, message: `epoch ${epoch} is older than the current epoch ${entry.epoch}` };
    }
    if (epoch > entry.epoch) {
      return firstSeq === 0
        ? { kind: 'ok' }
        : { kind: 'error', errorCode: ProducerErrorCode.outOfOrderSequenceNumber, message: `a new epoch ${epoch} must start at sequence 0, not ${firstSeq}` };
    }
    for (const b of entry.batches) {
      if (b.firstSeq === firstSeq && b.lastSeq === lastSeq) return { kind: 'duplicate', baseOffset: b.baseOffset };
    }
    const last = entry.batches[entry.batches.length - 1];
    // An entry with no batches comes from a marker that bumped the epoch (an abort after a fence):
    // the producer starts that epoch over, so at sequence 0, as Kafka requires.
    if (last ? followsOn(last.lastSeq, firstSeq) : firstSeq === 0) return { kind: 'ok' };
    return {
      kind: 'error',
      errorCode: ProducerErrorCode.outOfOrderSequenceNumber,
      message: last ? `sequence ${firstSeq} does not follow ${last.lastSeq} (epoch ${epoch})` : `epoch ${epoch} must start at sequence 0, not ${firstSeq}`,
    };
  }

  /** The state after a data batch was accepted; `entry` is not modified. */
  static advance(entry: ProducerEntry | undefined, epoch: number, batch: BatchSequence, nowMs: number): ProducerEntry {
    const kept = entry && entry.epoch === epoch ? entry.batches.slice(-(PRODUCER_BATCH_HISTORY - 1)) : [];
    kept.push(batch);
    return { epoch, batches: kept, lastAppendMs: nowMs };
  }

  /** The state after a transaction marker: it may raise the epoch (clearing the history). */
  static afterMarker(entry: ProducerEntry | undefined, epoch: number, nowMs: number): ProducerEntry {
    if (entry && entry.epoch === epoch) return { ...entry, lastAppendMs: nowMs };
    return { epoch, batches: [], lastAppendMs: nowMs };
  }

  set(producerId: number, entry: ProducerEntry): void {
    this.producers.set(producerId, entry);
  }

  /**
   * Forgets producers idle for `expirationMs` (Kafka's producer.id.expiration.ms), except those
   * with an open transaction, so that the table stays bounded however many producer sessions come
   * and go. A forgotten producer is treated as unknown again: its next batch is accepted at any
   * sequence. Returns how many were forgotten.
   */
  expire(nowMs: number, expirationMs: number, hasOpenTransaction: (producerId: number) => boolean): number {
    let expired = 0;
    for (const [pid, entry] of this.producers) {
      if (nowMs - entry.lastAppendMs >= expirationMs && !hasOpenTransaction(pid)) {
        this.producers.delete(pid);
        expired++;
      }
    }
    return expired;
  }
}
