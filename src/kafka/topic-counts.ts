/**
 * Reads every topic's record count from Kafka with an admin client. This is light network I/O, so
 * it runs on the extension host; kafkajs is loaded on first use so activation does not pay for it.
 */
import type { Admin } from 'kafkajs';
import { kafkaConfigOf, type Connection } from './connection-kind';
import type { TopicCount } from './topic-groups';

export class TopicCounter {
  private admin: Admin | undefined;
  private connectedTo: string | undefined;

  async read(connection: Connection): Promise<TopicCount[]> {
    const admin = await this.adminFor(connection);
    const names = await admin.listTopics();
    const counts = await Promise.all(
      names.filter((n) => !n.startsWith('__')).map(async (topic): Promise<TopicCount> => {
        const offsets = await admin.fetchTopicOffsets(topic);
        const records = offsets.reduce((sum, p) => sum + Math.max(0, Number(p.high) - Number(p.low)), 0);
        return { topic, records, partitions: offsets.length };
      }),
    );
    return counts.sort((a, b) => a.topic.localeCompare(b.topic));
  }

  async deleteTopics(connection: Connection, topics: string[]): Promise<void> {
    if (topics.length === 0) return;
    const admin = await this.adminFor(connection);
    await admin.deleteTopics({ topics, timeout: 10_000 });
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    this.connectedTo = undefined;
    await admin?.disconnect().catch(() => undefined);
  }

  private async adminFor(connection: Connection): Promise<Admin> {
    const config = kafkaConfigOf(connection);
    const key = JSON.stringify(config);
    if (this.admin && this.connectedTo === key) return this.admin;
    await this.close();
    const { Kafka, logLevel } = await import('kafkajs');
    const admin = new Kafka({ ...config, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    this.admin = admin;
    this.connectedTo = key;
    return admin;
  }
}
