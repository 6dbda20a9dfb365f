/**
 * Topics and their partitions on disk: `<dataDir>/topics/<topic>/topic.json` holds the topic's id,
 * partition count and config overrides, and `<dataDir>/topics/<topic>/<partition>/` holds that
 * partition's log segments. Everything here survives a restart; nothing but indexes lives in RAM.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PartitionLog } from '../log/index';
import { AppendSignal } from './append-signal';
import { configNumber, resolveTopicConfigs, type TopicConfigs } from './topic-config';

export interface Partition {
  readonly topic: string;
  readonly index: number;
  readonly log: PartitionLog;
  readonly appended: AppendSignal;
}

export interface Topic {
  readonly name: string;
  /** 32 lowercase hex characters, as the codec represents Kafka's uuid type. */
  readonly topicId: string;
  readonly partitions: readonly Partition[];
  readonly configs: TopicConfigs;
  /** Only the overrides given at creation, which DescribeConfigs reports as topic-level. */
  readonly overrides: Readonly<Record<string, string>>;
}

interface TopicFile {
  name: string;
  topicId: string;
  partitions: number;
  overrides: Record<string, string>;
}

const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

export class TopicError extends Error {
  constructor(
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'TopicError';
  }
}

export function validateTopicName(name: string): string | null {
  if (!LEGAL_TOPIC_NAME.test(name)) return `topic name "${name}" must be 1-249 characters of [a-zA-Z0-9._-]`;
  if (name === '.' || name === '..') return 'topic name cannot be "." or ".."';
  return null;
}

export class TopicManager {
  private readonly topics = new Map<string, Topic>();
  private readonly root: string;

  private constructor(
    dataDir: string,
    private readonly brokerDefaults: Record<string, string>,
  ) {
    this.root = path.join(dataDir, 'topics');
  }

  /** Opens every topic found under the data directory, recovering each partition's log. */
  static async open(dataDir: string, brokerDefaults: Record<string, string> = {}): Promise<TopicManager> {
    const manager = new TopicManager(dataDir, brokerDefaults);
    mkdirSync(manager.root, { recursive: true });
    for (const name of readdirSync(manager.root).sort()) {
      const file = path.join(manager.root, name, 'topic.json');
      if (!existsSync(file)) continue;
      const meta = JSON.parse(readFileSync(file, 'utf8')) as TopicFile;
      manager.topics.set(meta.name, await manager.openTopic(meta));
    }
    return manager;
  }

  get(name: string): Topic | undefined {
    return this.topics.get(name);
  }

  getById(topicId: string): Topic | undefined {
    for (const topic of this.topics.values()) if (topic.topicId === topicId) return topic;
    return undefined;
  }

  partition(topic: string, index: number): Partition | undefined {
    return this.topics.get(topic)?.partitions[index];
  }

  list(): Topic[] {
    return [...this.topics.values()];
  }

  /** Creates a topic, or throws TopicError with the Kafka error code that explains why not. */
  async create(name: string, partitions: number, overrides: Record<string, string> = {}): Promise<Topic> {
    const invalid = validateTopicName(name);
    if (invalid) throw new TopicError(17, invalid);
    if (this.topics.has(name)) throw new TopicError(36, `topic "${name}" already exists`);
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > 10_000) {
      throw new TopicError(37, `number of partitions must be between 1 and 10000, got ${partitions}`);
    }
    try {
      resolveTopicConfigs(overrides, this.brokerDefaults);
    } catch (error) {
      throw new TopicError(40, (error as Error).message);
    }
    const meta: TopicFile = { name, topicId: randomUUID().replaceAll('-', ''), partitions, overrides };
    const dir = path.join(this.root, name);
    mkdirSync(dir, { recursive: true });
    // Write then rename, so a crash never leaves a half-written topic file behind.
    writeFileSync(path.join(dir, 'topic.json.tmp'), JSON.stringify(meta, null, 2));
    renameSync(path.join(dir, 'topic.json.tmp'), path.join(dir, 'topic.json'));
    const topic = await this.openTopic(meta);
    this.topics.set(name, topic);
    return topic;
  }

  /** Deletes a topic and its data; fetches waiting on it are woken so they answer at once. */
  async delete(name: string): Promise<void> {
    const topic = this.topics.get(name);
    if (!topic) throw new TopicError(3, `topic "${name}" does not exist`);
    this.topics.delete(name);
    for (const partition of topic.partitions) {
      await partition.log.close();
      partition.appended.notify();
    }
    rmSync(path.join(this.root, name), { recursive: true, force: true });
  }

  /** Applies retention to every partition; returns how many segments were deleted. */
  enforceRetention(nowMs: number): number {
    let deleted = 0;
    for (const topic of this.topics.values()) {
      for (const partition of topic.partitions) deleted += partition.log.enforceRetention(nowMs);
    }
    return deleted;
  }

  async close(): Promise<void> {
    for (const topic of this.topics.values()) {
      for (const partition of topic.partitions) {
        await partition.log.close();
        partition.appended.notify();
      }
    }
    this.topics.clear();
  }

  private async openTopic(meta: TopicFile): Promise<Topic> {
    const configs = resolveTopicConfigs(meta.overrides, this.brokerDefaults);
    const partitions: Partition[] = [];
    for (let index = 0; index < meta.partitions; index++) {
      const log = await PartitionLog.open(path.join(this.root, meta.name, String(index)), {
        segmentBytes: configNumber(configs, 'segment.bytes'),
        segmentMs: configNumber(configs, 'segment.ms'),
        retentionMs: configNumber(configs, 'retention.ms'),
        retentionBytes: configNumber(configs, 'retention.bytes'),
      });
      partitions.push({ topic: meta.name, index, log, appended: new AppendSignal() });
    }
    return { name: meta.name, topicId: meta.topicId, partitions, configs, overrides: meta.overrides };
  }
}
