/**
 * ListOffsets (key 2), versions 1–5.
 * v1 replaces v0's list of old-style offsets with one offset and its timestamp; v2 adds
 * isolation_level; v3 is the same as v2; v4 adds the current and returned leader epoch; v5 is the
 * same as v4. Timestamps (pitfall 19): -1 the latest offset (the last stable offset under
 * read_committed), -2 the earliest, t >= 0 the earliest offset whose timestamp is >= t, else -1.
 */
import { ErrorCode } from './error-codes';
import { LEADER_EPOCH } from './03-metadata';
import { defineHandler } from './registry';

const LATEST = -1;
const EARLIEST = -2;
const READ_COMMITTED = 1;

export const listOffsetsHandler = defineHandler({
  apiKey: 2,
  minVersion: 1,
  maxVersion: 5,
  handle(request, ctx) {
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          const partition = ctx.broker.topics.partition(t.name, p.partitionIndex);
          const answer = (errorCode: number, offset: number, timestamp = -1) => ({
            partitionIndex: p.partitionIndex, errorCode, oldStyleOffsets: [], timestamp, offset, leaderEpoch: LEADER_EPOCH,
          });
          if (!partition) return answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1);
          const log = partition.log;
          if (p.timestamp === LATEST) {
            return answer(ErrorCode.NONE, request.isolationLevel === READ_COMMITTED ? log.lastStableOffset : log.highWatermark);
          }
          if (p.timestamp === EARLIEST) return answer(ErrorCode.NONE, log.logStartOffset);
          if (p.timestamp < 0) return answer(ErrorCode.INVALID_REQUEST, -1);
          const found = log.offsetForTimestamp(p.timestamp);
          return found ? answer(ErrorCode.NONE, found.offset, found.timestamp) : answer(ErrorCode.NONE, -1);
        }),
      })),
    };
  },
});
