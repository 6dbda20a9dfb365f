/**
 * The encoded ConsumerMemberAssignment a member gets when the leader assigned it nothing: version 0,
 * zero topic partitions, null user data. Kafka clients decode an assignment whenever the protocol type
 * is "consumer", and some of them fail on zero bytes (franz-go#1227, pitfall 6 in the protocol notes),
 * so the coordinator hands out these ten bytes instead of an empty buffer.
 */
export const EMPTY_CONSUMER_ASSIGNMENT: Buffer = Buffer.from([
  0x00, 0x00, // version int16 = 0
  0x00, 0x00, 0x00, 0x00, // assigned partitions: array of 0 topics
  0xff, 0xff, 0xff, 0xff, // user data: null bytes (length -1)
]);

/** The protocol type of Kafka's consumer groups, whose assignments follow the consumer schema. */
export const CONSUMER_PROTOCOL_TYPE = 'consumer';

/**
 * Picks what a member receives from SyncGroup when the leader gave it no assignment (or zero bytes):
 * for consumer groups an encoded empty ConsumerMemberAssignment, for other protocol types (Connect,
 * custom) zero bytes, since the coordinator cannot know their schema.
 */
export function emptyAssignmentFor(protocolType: string | null): Buffer {
  return protocolType === CONSUMER_PROTOCOL_TYPE ? EMPTY_CONSUMER_ASSIGNMENT : Buffer.alloc(0);
}
