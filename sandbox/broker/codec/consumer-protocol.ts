/**
 * The consumer protocol's subscription and assignment, the bytes JoinGroup and SyncGroup carry
 * opaquely. On the wire each starts with an int16 version, then the struct in the classic (never
 * flexible) encoding. A version newer than we know is read with the newest layout we know, as
 * Kafka's ConsumerProtocol does: later versions only append fields.
 */
import { CodecError } from './codec-error';
import {
  consumerProtocolAssignmentSchema, consumerProtocolSubscriptionSchema,
  type ConsumerProtocolAssignment, type ConsumerProtocolSubscription,
} from './generated/index';
import { compile } from './interpreter';
import { Reader, Writer } from './primitives';
import type { MessageSchema } from './schema-types';

function encodeVersioned(schema: MessageSchema, version: number, value: unknown): Buffer {
  const compiled = compile(schema, version);
  const w = new Writer(128);
  w.int16(version);
  compiled.encode(w, value);
  return w.toBuffer();
}

function decodeVersioned(schema: MessageSchema, bytes: Buffer): { version: number; value: Record<string, unknown> } {
  const r = new Reader(bytes);
  const version = r.int16(`${schema.name}.version`);
  if (version < 0) throw new CodecError(`${schema.name}: negative version ${version}`);
  const value = compile(schema, Math.min(version, schema.validVersions[1])).decode(r);
  return { version, value };
}

/** Encodes a subscription (JoinGroup protocol metadata) with its version prefix. @default version 0 */
export function encodeConsumerProtocolSubscription(subscription: ConsumerProtocolSubscription, version = 0): Buffer {
  return encodeVersioned(consumerProtocolSubscriptionSchema, version, subscription);
}

/** Decodes a subscription; fields the sender's version lacks take their defaults. */
export function decodeConsumerProtocolSubscription(bytes: Buffer): { version: number; subscription: Required<ConsumerProtocolSubscription> } {
  const { version, value } = decodeVersioned(consumerProtocolSubscriptionSchema, bytes);
  return { version, subscription: value as unknown as Required<ConsumerProtocolSubscription> };
}

/**
 * Encodes an assignment (SyncGroup member assignment) with its version prefix. An empty assignment
 * still encodes to a valid struct, never to zero bytes (pitfall 6). @default version 0
 */
export function encodeConsumerProtocolAssignment(assignment: ConsumerProtocolAssignment, version = 0): Buffer {
  return encodeVersioned(consumerProtocolAssignmentSchema, version, assignment);
}

export function decodeConsumerProtocolAssignment(bytes: Buffer): { version: number; assignment: Required<ConsumerProtocolAssignment> } {
  const { version, value } = decodeVersioned(consumerProtocolAssignmentSchema, bytes);
  return { version, assignment: value as unknown as Required<ConsumerProtocolAssignment> };
}
