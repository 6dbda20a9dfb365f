// Reads whole topics up to their current end with read_committed: what a re-run's diff compares.
// Transaction markers are never delivered, so progress is taken from the batches' last offsets.
import type { Kafka } from 'kafkajs';

export interface TopicRecord {
  partition: number;
  offset: number;
  value: string | null;
  headers: Record<string, string>;
}

export async function readTopicToEnd(kafka: Kafka, topic: string, timeoutMs = 60_000): Promise<TopicRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<number, number>();
  try {
    for (const p of await admin.fetchTopicOffsets(topic)) ends.set(p.partition, Number(p.high));
  } finally {
    await admin.disconnect();
  }
  const reached = new Map<number, number>();
  const pending = (): number[] => [...ends].filter(([p, end]) => (reached.get(p) ?? 0) < end).map(([p]) => p);
  if (pending().length === 0) return [];
  // Keyed by position: a rebalance of the reading group re-delivers records, which are not copies in the topic.
  const read = new Map<string, TopicRecord>();
  const consumer = kafka.consumer({ groupId: `medallion-read-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`, readUncommitted: false, maxWaitTimeInMs: 100 });
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const done = new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`reading ${topic}: partitions ${pending().join(', ')} did not reach their end within ${timeoutMs} ms`)), timeoutMs);
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        reached.set(payload.partition, Math.max(reached.get(payload.partition) ?? 0, Number(payload.lastOffset) + 1));
        if (pending().length === 0) resolve();
      });
    });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        if (Number(message.offset) >= (ends.get(partition) ?? 0)) return;
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
        read.set(`${partition}/${message.offset}`, { partition, offset: Number(message.offset), value: message.value?.toString('utf8') ?? null, headers });
      },
    });
    await done;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => {});
  }
  return [...read.values()];
}
