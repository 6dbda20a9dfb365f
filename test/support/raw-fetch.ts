/**
 * Reads a partition's stored batches over the wire with a hand-encoded Fetch v4, to check what the
 * broker keeps (for example that a compressed batch is served exactly as it was produced).
 */
import { decodeResponse, encodeRequest, NULL_UUID } from '../../sandbox/broker/codec/index';
import { readBatchHeader, type BatchHeader } from '../../sandbox/broker/codec/record-batch';
import { RawConnection } from './raw-connection';
import { fetchV4, parseFetchV4 } from './wire-requests';

export interface FetchedBatch {
  header: BatchHeader;
  bytes: Buffer;
}

/**
 * The whole batches returned by one fetch from `offset`; a partial batch at the end is left out.
 * Fetch v4 is encoded by hand; v12 (flexible, and the first version Kafka serves zstd to) goes
 * through the broker's codec, since hand-encoding compact fields would repeat the codec's work.
 */
export async function fetchBatches(bootstrap: string, topic: string, partition: number, offset: number, version: 4 | 12 = 4): Promise<FetchedBatch[]> {
  const [host, port] = splitBootstrap(bootstrap);
  const conn = await RawConnection.open(host, port);
  try {
    if (version === 4) await conn.sendFrame(fetchV4(1, topic, partition, offset));
    else await conn.write(Buffer.concat(encodeRequest(1, 12, 1, 'raw-fetch', fetchV12Body(topic, partition, offset))));
    const frame = await conn.readFrame(10_000);
    if (!frame) throw new Error(`the broker closed the connection instead of answering Fetch v${version}`);
    const result = version === 4 ? parseFetchV4(frame).partitions[0] : fromV12(frame);
    if (!result) throw new Error(`Fetch v${version} answer has no partition`);
    if (result.errorCode !== 0) throw new Error(`Fetch v${version} answered error ${result.errorCode}`);
    const records = result.records ?? Buffer.alloc(0);
    const batches: FetchedBatch[] = [];
    let position = 0;
    while (position + 61 <= records.length) {
      const header = readBatchHeader(records, position);
      const end = position + 12 + header.batchLength;
      if (end > records.length) break;
      batches.push({ header, bytes: records.subarray(position, end) });
      position = end;
    }
    return batches;
  } finally {
    conn.destroy();
  }
}

function fetchV12Body(topic: string, partition: number, offset: number) {
  return {
    clusterId: null,
    replicaId: -1,
    replicaState: { replicaId: -1, replicaEpoch: -1 },
    maxWaitMs: 100,
    minBytes: 1,
    maxBytes: 1024 * 1024,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic,
        topicId: NULL_UUID,
        partitions: [
          { partition, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1024 * 1024, replicaDirectoryId: NULL_UUID },
        ],
      },
    ],
    forgottenTopicsData: [],
    rackId: '',
  };
}

function fromV12(frame: Buffer): { errorCode: number; records: Buffer | null } | undefined {
  const { body } = decodeResponse(1, 12, frame);
  const p = body.responses[0]?.partitions[0];
  if (!p) return undefined;
  const records = p.records === null ? null : Array.isArray(p.records) ? Buffer.concat(p.records) : p.records;
  return { errorCode: (body.errorCode ?? 0) || p.errorCode, records };
}

export function splitBootstrap(bootstrap: string): [string, number] {
  const colon = bootstrap.lastIndexOf(':');
  return [bootstrap.slice(0, colon), Number(bootstrap.slice(colon + 1))];
}
