/**
 * Reads a partition's stored batches over the wire with a hand-encoded Fetch v4, to check what the
 * broker keeps (for example that a compressed batch is served exactly as it was produced).
 */
import { readBatchHeader, type BatchHeader } from '../../sandbox/broker/codec/record-batch';
import { RawConnection } from './raw-connection';
import { fetchV4, parseFetchV4 } from './wire-requests';

export interface FetchedBatch {
  header: BatchHeader;
  bytes: Buffer;
}

/** The whole batches returned by one fetch from `offset`; a partial batch at the end is left out. */
export async function fetchBatches(bootstrap: string, topic: string, partition: number, offset: number): Promise<FetchedBatch[]> {
  const [host, port] = splitBootstrap(bootstrap);
  const conn = await RawConnection.open(host, port);
  try {
    await conn.sendFrame(fetchV4(1, topic, partition, offset));
    const frame = await conn.readFrame(10_000);
    if (!frame) throw new Error('the broker closed the connection instead of answering Fetch v4');
    const result = parseFetchV4(frame).partitions[0];
    if (!result) throw new Error('Fetch v4 answer has no partition');
    if (result.errorCode !== 0) throw new Error(`Fetch v4 answered error ${result.errorCode}`);
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

export function splitBootstrap(bootstrap: string): [string, number] {
  const colon = bootstrap.lastIndexOf(':');
  return [bootstrap.slice(0, colon), Number(bootstrap.slice(colon + 1))];
}
