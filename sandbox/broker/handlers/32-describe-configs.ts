/**
 * DescribeConfigs (key 32), versions 0–4.
 * v1 adds synonyms and config_source (replacing is_default); v2 is the same as v1; v3 adds
 * include_documentation and each config's type and documentation; v4 is flexible.
 * v3–v4 are served because @platformatic/kafka picks the highest version it knows inside our range
 * and its v2 parser wrongly expects the v3 fields, so with 0–2 its describeConfigs always failed.
 * Topics (resource type 2) report every config we know with its source; the broker (type 4)
 * reports the defaults it applies to new topics.
 */
import { TOPIC_CONFIG_ENTRIES } from '../topics/topic-config';
import { ErrorCode } from './error-codes';
import { defineHandler } from './registry';

const TOPIC = 2;
const BROKER = 4;
const SOURCE_TOPIC = 1;
const SOURCE_STATIC_BROKER = 4;
const SOURCE_DEFAULT = 5;
/** Kafka's ConfigType UNKNOWN: allowed for every config, and we keep no per-config type table. */
const CONFIG_TYPE_UNKNOWN = 0;

export const describeConfigsHandler = defineHandler({
  apiKey: 32,
  minVersion: 0,
  maxVersion: 4,
  handle(request, ctx) {
    const { broker } = ctx;
    const results = request.resources.map((resource) => {
      const base = { resourceType: resource.resourceType, resourceName: resource.resourceName };
      const wanted = (name: string) => resource.configurationKeys === null || resource.configurationKeys.includes(name);
      if (resource.resourceType === TOPIC) {
        const topic = broker.topics.get(resource.resourceName);
        if (!topic) return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `topic "${resource.resourceName}" does not exist`, configs: [] };
        const configs = TOPIC_CONFIG_ENTRIES.filter((e) => wanted(e.name)).map((e) => {
          const isOverride = e.name in topic.overrides;
          const isBrokerDefault = !isOverride && e.name in broker.settings.topicDefaults;
          const source = isOverride ? SOURCE_TOPIC : isBrokerDefault ? SOURCE_STATIC_BROKER : SOURCE_DEFAULT;
          return {
            name: e.name, value: topic.configs[e.name] ?? e.defaultValue, readOnly: false, isDefault: source === SOURCE_DEFAULT,
            configSource: source, isSensitive: false, synonyms: [], configType: CONFIG_TYPE_UNKNOWN, documentation: null,
          };
        });
        return { ...base, errorCode: ErrorCode.NONE, errorMessage: null, configs };
      }
      if (resource.resourceType === BROKER) {
        const entries: [string, string][] = [
          ['auto.create.topics.enable', String(broker.settings.autoCreateTopics)],
          ['num.partitions', String(broker.settings.defaultPartitions)],
          ...TOPIC_CONFIG_ENTRIES.map((e): [string, string] => [`log.${e.name}`, broker.settings.topicDefaults[e.name] ?? e.defaultValue]),
        ];
        const configs = entries.filter(([name]) => wanted(name)).map(([name, value]) => ({
          name, value, readOnly: true, isDefault: false, configSource: SOURCE_STATIC_BROKER, isSensitive: false, synonyms: [],
          configType: CONFIG_TYPE_UNKNOWN, documentation: null,
        }));
        return { ...base, errorCode: ErrorCode.NONE, errorMessage: null, configs };
      }
      return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `resource type ${resource.resourceType} is not supported`, configs: [] };
    });
    return { throttleTimeMs: 0, results };
  },
});
