/**
 * DeleteTopics (key 20), versions 0–6.
 * v1 adds throttle time; v2 and v3 are the same as v1; v4 is flexible; v5 adds error messages;
 * v6 names topics by name or by id in a list of structs.
 */
import { TopicError } from '../topics/topic-manager';
import { ErrorCode } from './error-codes';
import { defineHandler } from './registry';

const NULL_UUID = '0'.repeat(32);

export const deleteTopicsHandler = defineHandler({
  apiKey: 20,
  minVersion: 0,
  maxVersion: 6,
  async handle(request, ctx) {
    const { topics } = ctx.broker;
    const wanted = ctx.apiVersion >= 6
      ? request.topics.map((t) => ({ name: t.name ?? topics.getById(t.topicId)?.name ?? null, topicId: t.topicId }))
      : request.topicNames.map((name) => ({ name, topicId: topics.get(name)?.topicId ?? NULL_UUID }));
    const responses = [];
    for (const { name, topicId } of wanted) {
      if (name === null) {
        responses.push({ name, topicId, errorCode: ErrorCode.UNKNOWN_TOPIC_ID, errorMessage: `no topic with id ${topicId}` });
        continue;
      }
      try {
        await topics.delete(name);
        ctx.broker.log.info(`deleted topic ${name}`);
        responses.push({ name, topicId, errorCode: ErrorCode.NONE, errorMessage: null });
      } catch (error) {
        if (!(error instanceof TopicError)) throw error;
        responses.push({ name, topicId, errorCode: error.errorCode, errorMessage: error.message });
      }
    }
    return { throttleTimeMs: 0, responses };
  },
});
