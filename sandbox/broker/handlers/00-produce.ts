/**
 * Produce (key 0), versions 0–7, of which 3–7 can store anything.
 * v0–v2 carry the legacy message formats (magic 0 and 1), which no supported client sends; they are
 * still advertised because librdkafka 2.0 enables gzip, snappy and lz4 only when the broker's
 * Produce range reaches down to v0 (rd_kafka_msgset_writer_select_MsgVersion asks whether Produce
 * [0, 0] is supported; without it every batch silently goes out uncompressed). Such requests get
 * UNSUPPORTED_FOR_MESSAGE_FORMAT per partition.
 * v3 adds transactional_id and record batch v2 (magic 2), the only format we accept; v4–v6 are the
 * same as v3; v5 adds log_start_offset to the response; v7 allows zstd batches (which we store
 * without looking inside, like every codec). acks 0 sends no response at all (pitfall 4).
 *
 * Batches are checked (magic, length, CRC32C) and then stored exactly as received; only their base
 * offset is rewritten. A bad batch fails its partition with CORRUPT_MESSAGE and the others succeed.
 */
import { CorruptRecordError, splitBatches } from '../codec/record-batch';
import { configNumber } from '../topics/topic-config';
import { ErrorCode } from './error-codes';
import { defineHandler, type RequestContext } from './registry';

export const produceHandler = defineHandler({
  apiKey: 0,
  minVersion: 0,
  maxVersion: 7,
  handle(request, ctx) {
    const acksValid = request.acks === 0 || request.acks === 1 || request.acks === -1;
    const responses = request.topicData.map((topicData) => ({
      name: topicData.name,
      partitionResponses: topicData.partitionData.map((p) =>
        !acksValid
          ? failed(p.index, ErrorCode.INVALID_REQUIRED_ACKS)
          : ctx.apiVersion < 3
            ? failed(p.index, ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, 'only record batch v2 (Produce v3 and later) is stored')
            : producePartition(topicData.name, p.index, p.records, ctx)),
    }));
    if (request.acks === 0) return null;
    return { responses, throttleTimeMs: 0 };
  },
});

function producePartition(topicName: string, index: number, records: Buffer | null, ctx: RequestContext) {
  const topic = ctx.broker.topics.get(topicName);
  const partition = topic?.partitions[index];
  if (!topic || !partition) return failed(index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  if (!records || records.length === 0) return failed(index, ErrorCode.CORRUPT_MESSAGE, 'empty record set');
  if (records.length > configNumber(topic.configs, 'max.message.bytes') + 1024) {
    return failed(index, ErrorCode.MESSAGE_TOO_LARGE, `record set of ${records.length} bytes exceeds max.message.bytes`);
  }
  let batches;
  try {
    batches = splitBatches(records);
  } catch (error) {
    if (error instanceof CorruptRecordError) return failed(index, ErrorCode.CORRUPT_MESSAGE, error.message);
    throw error;
  }
  // Only the transaction coordinator writes control batches (markers); a client that sends one is
  // refused with INVALID_RECORD, as Kafka's LogValidator does for client-originated appends.
  // The batches were validated just above, CRC included; the log trusts them instead of checking again.
  const result = partition.log.append(records, { origin: 'client', validatedBatches: batches });
  if (result.kind === 'error') return failed(index, result.errorCode);
  if (result.kind === 'appended') partition.appended.notify();
  return {
    index,
    errorCode: ErrorCode.NONE,
    baseOffset: result.baseOffset,
    logAppendTimeMs: -1,
    logStartOffset: partition.log.logStartOffset,
    recordErrors: [],
    errorMessage: null,
  };
}

function failed(index: number, errorCode: number, errorMessage: string | null = null) {
  return { index, errorCode, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1, recordErrors: [], errorMessage };
}
