/**
 * Reads the records of a pipeline's dead-letter and quarantine topics, for the diagnostics of the
 * last run. At most `limit` records per topic are read (the newest), with a consumer of a one-off
 * group that is deleted afterwards, so reading leaves nothing behind in the cluster.
 */
import { kafkaConfigOf, type Connection } from './connection-kind';
import type { SideOutputRecord } from '../pipelines/side-output-problems';

export interface SideOutputTopic {
  layer: string;
  kind: SideOutputRecord['kind'];
  topic: string;
}

export async function readSideOutputs(connection: Connection, topics: readonly SideOutputTopic[], limit = 500, timeoutMs = 15_000): Promise<SideOutputRecord[]> {
  if (topics.length === 0) return [];
  const { Kafka, logLevel } = await import('kafkajs');
  const kafka = new Kafka({ ...kafkaConfigOf(connection), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `medallion-studio-diagnostics-${process.pid}-${Date.now()}`;
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1000 });
  const records: SideOutputRecord[] = [];
  try {
    const existing = new Set(await admin.listTopics());
    const present = topics.filter((t) => existing.has(t.topic));
    // Where each partition ends now, and where reading starts: `limit` records before the end.
    const ends = new Map<string, number>();
    const starts = new Map<string, number>();
    for (const t of present) {
      for (const p of await admin.fetchTopicOffsets(t.topic)) {
        const high = Number(p.high);
        const low = Number(p.low);
        if (high > low) {
          ends.set(`${t.topic}/${p.partition}`, high);
          starts.set(`${t.topic}/${p.partition}`, Math.max(low, high - limit));
        }
      }
    }
    if (ends.size === 0) return [];
    const byTopic = new Map(present.map((t) => [t.topic, t]));
    await consumer.connect();
    await consumer.subscribe({ topics: [...new Set([...ends.keys()].map((k) => k.slice(0, k.lastIndexOf('/'))))], fromBeginning: true });
    const remaining = new Set(ends.keys());
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`reading side outputs took over ${timeoutMs} ms`)), timeoutMs);
      const reached = (key: string, offset: number) => {
        if (offset + 1 >= (ends.get(key) ?? 0)) remaining.delete(key);
        if (remaining.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      };
      // The runner writes side outputs in transactions: a partition ends with a commit marker that is
      // never handed to eachMessage, so the end is seen in the batch's last offset, markers included.
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        if (payload.lastOffset !== null) reached(`${payload.topic}/${payload.partition}`, Number(payload.lastOffset));
      });
      consumer.on(consumer.events.GROUP_JOIN, () => {
        for (const [key, offset] of starts) {
          const slash = key.lastIndexOf('/');
          consumer.seek({ topic: key.slice(0, slash), partition: Number(key.slice(slash + 1)), offset: String(offset) });
        }
      });
      void consumer.run({
        autoCommit: false,
        eachMessage: async ({ topic, partition, message }) => {
          const key = `${topic}/${partition}`;
          const side = byTopic.get(topic);
          if (side && Number(message.offset) >= (starts.get(key) ?? 0)) {
            let value: unknown = null;
            try {
              value = JSON.parse(message.value?.toString('utf8') ?? 'null');
            } catch {
              value = null;
            }
            records.push({ layer: side.layer, kind: side.kind, value });
          }
          reached(key, Number(message.offset));
        },
      }).catch(reject);
    });
    return records;
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}
