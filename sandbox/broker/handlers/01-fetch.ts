/**
 * Fetch (key 1), versions 4–12.
 * v4 adds isolation_level, the last stable offset and aborted transactions; v5 log_start_offset;
 * v7 fetch sessions (KIP-227), which we decline by always answering session id 0, so every fetch
 * is a full fetch; v9 current_leader_epoch; v11 rack id and preferred read replica; v12 is flexible.
 * Capped at 12 so clients keep naming topics rather than topic ids.
 *
 * Long polling (pitfall 7): answer at once when min_bytes is reached, else wait until an append to
 * one of the fetched partitions or max_wait, then answer with whatever there is and error 0. At
 * least one whole batch is returned even beyond max_bytes, starting at the batch that contains the
 * fetch offset. Under read_committed the reads stop at the last stable offset (pitfall 9).
 */
import { ErrorCode } from './error-codes';
import { LEADER_EPOCH } from './03-metadata';
import { defineHandler, type ApiRequest, type RequestContext } from './registry';
import type { Partition } from '../topics/topic-manager';

const READ_COMMITTED = 1;

type FetchRequest = ApiRequest<1>;

export const fetchHandler = defineHandler({
  apiKey: 1,
  minVersion: 4,
  maxVersion: 12,
  async handle(request, ctx) {
    let answer = readAll(request, ctx);
    if (answer.bytes < request.minBytes && request.maxWaitMs > 0 && !answer.hasError) {
      await waitForAppend(request, ctx);
      answer = readAll(request, ctx);
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses: answer.responses };
  },
});

function readAll(request: FetchRequest, ctx: RequestContext) {
  let budget = request.maxBytes > 0 ? request.maxBytes : 0x7fffffff;
  let bytes = 0;
  let hasError = false;
  const responses = request.topics.map((t) => ({
    topic: t.topic,
    partitions: t.partitions.map((p) => {
      const partition = ctx.broker.topics.partition(t.topic, p.partition);
      if (!partition) {
        hasError = true;
        return emptyPartition(p.partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      }
      if (p.currentLeaderEpoch > LEADER_EPOCH) {
        hasError = true;
        return emptyPartition(p.partition, 74 /* UNKNOWN_LEADER_EPOCH */);
      }
      const result = readPartition(partition, p.fetchOffset, Math.min(p.partitionMaxBytes, budget), request.isolationLevel, bytes === 0, ctx.allocate);
      if (result.errorCode !== ErrorCode.NONE) hasError = true;
      bytes += result.size;
      budget = Math.max(0, budget - result.size);
      return result.response;
    }),
  }));
  return { responses, bytes, hasError };
}

function readPartition(partition: Partition, fetchOffset: number, maxBytes: number, isolationLevel: number, mustReturnOne: boolean, allocate: (size: number) => Buffer) {
  const log = partition.log;
  const readCommitted = isolationLevel === READ_COMMITTED;
  const upTo = readCommitted ? log.lastStableOffset : log.highWatermark;
  const base = {
    partitionIndex: partition.index,
    highWatermark: log.highWatermark,
    lastStableOffset: log.lastStableOffset,
    logStartOffset: log.logStartOffset,
    preferredReadReplica: -1,
  };
  if (fetchOffset < log.logStartOffset || fetchOffset > log.highWatermark) {
    return { errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, size: 0, response: { ...base, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, abortedTransactions: null, records: Buffer.alloc(0) } };
  }
  // Past the budget of this response we still answer the partition, with no records.
  const read = maxBytes > 0 || mustReturnOne ? log.read(fetchOffset, Math.max(maxBytes, 1), upTo, allocate) : { chunks: [], size: 0 };
  const abortedTransactions = readCommitted && read.size > 0 ? log.abortedTransactions(fetchOffset, upTo) : null;
  return {
    errorCode: ErrorCode.NONE,
    size: read.size,
    response: {
      ...base,
      errorCode: ErrorCode.NONE,
      abortedTransactions,
      // Empty records are zero-length bytes, never null (pitfall 5).
      records: read.chunks.length === 0 ? Buffer.alloc(0) : read.chunks,
    },
  };
}

function emptyPartition(partitionIndex: number, errorCode: number) {
  return { partitionIndex, errorCode, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, abortedTransactions: null, preferredReadReplica: -1, records: Buffer.alloc(0) };
}

/** Resolves on the first append to any fetched partition, on max_wait, or when the client goes away. */
function waitForAppend(request: FetchRequest, ctx: RequestContext): Promise<void> {
  return new Promise((resolve) => {
    const unsubscribes: (() => void)[] = [];
    const done = () => {
      clearTimeout(timer);
      for (const unsubscribe of unsubscribes) unsubscribe();
      resolve();
    };
    for (const t of request.topics) {
      for (const p of t.partitions) {
        const partition = ctx.broker.topics.partition(t.topic, p.partition);
        if (partition) unsubscribes.push(partition.appended.subscribe(done));
      }
    }
    const timer = setTimeout(done, request.maxWaitMs);
    unsubscribes.push(ctx.onClose(done));
  });
}
