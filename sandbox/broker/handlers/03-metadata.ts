/**
 * Metadata (key 3), versions 0–9.
 * v1 adds rack, controller id and is_internal, and makes a null topic list mean "all topics" (in v0
 * an empty list means all); v2 adds cluster id; v3 throttle time; v4 allow_auto_topic_creation;
 * v5 offline replicas; v7 leader epoch; v8 authorized operations; v9 is flexible. Capped at 9 so
 * clients keep addressing topics by name rather than by id.
 *
 * Auto-creation happens synchronously, so the answer already holds the new topic (pitfall 10).
 * We are a single broker, which is the leader, the only replica and the controller of everything
 * (pitfall 11: the controller id must be one of the brokers returned).
 */
import type { RequestContext } from './registry';
import { ErrorCode } from './error-codes';
import { defineHandler } from './registry';
import { TopicError, type Topic } from '../topics/topic-manager';

const NO_AUTHORIZED_OPERATIONS = -2147483648;
/** One constant leader epoch: Fetch v9+ and ListOffsets v4+ compare it (pitfall 17). */
export const LEADER_EPOCH = 0;

export const metadataHandler = defineHandler({
  apiKey: 3,
  minVersion: 0,
  maxVersion: 9,
  async handle(request, ctx) {
    const { broker } = ctx;
    const wantsAll = request.topics === null || (ctx.apiVersion === 0 && request.topics.length === 0);
    const mayCreate = broker.settings.autoCreateTopics && (ctx.apiVersion < 4 || request.allowAutoTopicCreation);
    const topics = wantsAll
      ? broker.topics.list().map((t) => describeTopic(t, broker.nodeId))
      : await Promise.all((request.topics ?? []).map((t) => resolveTopic(t.name ?? '', mayCreate, ctx)));
    return {
      throttleTimeMs: 0,
      brokers: [{ nodeId: broker.nodeId, host: broker.advertised.host, port: broker.advertised.port, rack: null }],
      clusterId: broker.clusterId,
      controllerId: broker.nodeId,
      topics,
      clusterAuthorizedOperations: NO_AUTHORIZED_OPERATIONS,
    };
  },
});

async function resolveTopic(name: string, mayCreate: boolean, ctx: RequestContext) {
  const { broker } = ctx;
  let topic = broker.topics.get(name);
  if (!topic && mayCreate) {
    try {
      topic = await broker.topics.create(name, broker.settings.defaultPartitions);
      broker.log.info(`auto-created topic ${name} with ${broker.settings.defaultPartitions} partitions`);
    } catch (error) {
      if (!(error instanceof TopicError)) throw error;
      // Another request may have created it meanwhile; otherwise report why it cannot exist.
      topic = broker.topics.get(name);
      if (!topic) return missingTopic(name, error.errorCode);
    }
  }
  if (!topic) return missingTopic(name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  return describeTopic(topic, broker.nodeId);
}

function missingTopic(name: string, errorCode: number) {
  return {
    errorCode,
    name,
    topicId: '0'.repeat(32),
    isInternal: false,
    partitions: [],
    topicAuthorizedOperations: NO_AUTHORIZED_OPERATIONS,
  };
}

function describeTopic(topic: Topic, nodeId: number) {
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    topicId: topic.topicId,
    isInternal: false,
    partitions: topic.partitions.map((p) => ({
      errorCode: ErrorCode.NONE,
      partitionIndex: p.index,
      leaderId: nodeId,
      leaderEpoch: LEADER_EPOCH,
      replicaNodes: [nodeId],
      isrNodes: [nodeId],
      offlineReplicas: [],
    })),
    topicAuthorizedOperations: NO_AUTHORIZED_OPERATIONS,
  };
}
