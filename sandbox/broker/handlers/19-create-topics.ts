/**
 * CreateTopics (key 19), versions 0–7.
 * v1 adds validate_only and error messages; v2 throttle time; v3 is the same as v2; v4 lets
 * num_partitions and replication_factor be -1 for the broker default (kafkajs sends -1 at every
 * version, so we accept it everywhere: pitfall 12); v5 is flexible and returns the topic's configs;
 * v6 is the same as v5; v7 returns the topic id.
 */
import { TOPIC_CONFIG_ENTRIES } from '../topics/topic-config';
import { TopicError, validateTopicName } from '../topics/topic-manager';
import { ErrorCode } from './error-codes';
import { defineHandler } from './registry';

const DEFAULT_CONFIG_SOURCE = 5;
const TOPIC_CONFIG_SOURCE = 1;

export const createTopicsHandler = defineHandler({
  apiKey: 19,
  minVersion: 0,
  maxVersion: 7,
  async handle(request, ctx) {
    const { broker } = ctx;
    const topics = [];
    for (const t of request.topics) {
      const partitions = t.assignments.length > 0 ? t.assignments.length : t.numPartitions === -1 ? broker.settings.defaultPartitions : t.numPartitions;
      const overrides: Record<string, string> = {};
      for (const c of t.configs) if (c.value !== null) overrides[c.name] = c.value;
      const result = (errorCode: number, errorMessage: string | null) => ({
        name: t.name, topicId: broker.topics.get(t.name)?.topicId ?? '0'.repeat(32), errorCode, errorMessage,
        numPartitions: errorCode === ErrorCode.NONE ? partitions : -1, replicationFactor: errorCode === ErrorCode.NONE ? 1 : -1,
        configs: errorCode === ErrorCode.NONE ? describeConfigs(broker.topics.get(t.name)?.configs ?? {}, overrides) : null,
      });
      if (t.replicationFactor > 1) {
        topics.push(result(ErrorCode.INVALID_REPLICATION_FACTOR, `replication factor ${t.replicationFactor} is larger than the 1 broker of the sandbox`));
        continue;
      }
      if (request.validateOnly) {
        const invalid = validateTopicName(t.name);
        if (invalid) topics.push(result(ErrorCode.INVALID_TOPIC_EXCEPTION, invalid));
        else if (broker.topics.get(t.name)) topics.push(result(ErrorCode.TOPIC_ALREADY_EXISTS, `topic "${t.name}" already exists`));
        else topics.push({ ...result(ErrorCode.NONE, null), configs: [] });
        continue;
      }
      try {
        await broker.topics.create(t.name, partitions, overrides);
        topics.push(result(ErrorCode.NONE, null));
      } catch (error) {
        if (!(error instanceof TopicError)) throw error;
        topics.push(result(error.errorCode, error.message));
      }
    }
    return { throttleTimeMs: 0, topics };
  },
});

function describeConfigs(configs: Readonly<Record<string, string>>, overrides: Record<string, string>) {
  return TOPIC_CONFIG_ENTRIES.map((entry) => ({
    name: entry.name,
    value: configs[entry.name] ?? entry.defaultValue,
    readOnly: false,
    configSource: entry.name in overrides ? TOPIC_CONFIG_SOURCE : DEFAULT_CONFIG_SOURCE,
    isSensitive: false,
  }));
}
