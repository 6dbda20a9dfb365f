/**
 * The codec's public API: Kafka request and response frames to and from typed objects, derived from
 * the generated schemas. Frames here are the bytes after the 4-byte size prefix; encoders return
 * the chunks to write, size prefix included, with large record sets kept by reference.
 */
import { CodecError } from './codec-error';
import { apiSchemas, type ApiKey, type ApiMessages } from './generated/index';
import { isKnownApiKey, readResponseHeader, writeRequestHeader, writeResponseHeader } from './headers';
import { compile } from './interpreter';
import { Reader, Writer } from './primitives';
import type { MessageSchema, VersionRange } from './schema-types';

export { CodecError } from './codec-error';
export { NULL_UUID, Reader, Writer } from './primitives';
export type { FieldSchema, MessageSchema, PrimitiveType, VersionRange } from './schema-types';
export { apiKeyNames, apiSchemas } from './generated/index';
export type * from './generated/index';
export {
  decodeRequestHeader, isFlexible, isKnownApiKey, requestHeaderVersion, responseHeaderVersion,
  type DecodedRequestHeader,
} from './headers';
export {
  decodeConsumerProtocolAssignment, decodeConsumerProtocolSubscription,
  encodeConsumerProtocolAssignment, encodeConsumerProtocolSubscription,
} from './consumer-protocol';

/** The request and response schemas of an API. */
export function schemaFor<K extends ApiKey>(apiKey: K): { readonly request: MessageSchema; readonly response: MessageSchema } {
  if (!isKnownApiKey(apiKey)) throw new CodecError(`unknown API key ${apiKey}`);
  return apiSchemas[apiKey];
}

/** The versions of an API the codec can encode and decode (Kafka 3.9's valid versions). */
export function versionRange(apiKey: ApiKey): VersionRange {
  return schemaFor(apiKey).request.validVersions;
}

/**
 * Decodes a request body starting at `bodyOffset` (from decodeRequestHeader). Truncation, bad
 * lengths and forbidden nulls throw CodecError; bytes after the body are ignored, as Kafka does.
 */
export function decodeRequest<K extends ApiKey>(apiKey: K, apiVersion: number, frame: Buffer, bodyOffset: number): ApiMessages[K]['request'] {
  const r = new Reader(frame, bodyOffset);
  return compile(schemaFor(apiKey).request, apiVersion).decode(r) as unknown as ApiMessages[K]['request'];
}

/** Encodes a response frame: size, header (see headers.ts for which version) and body. */
export function encodeResponse<K extends ApiKey>(apiKey: K, apiVersion: number, correlationId: number, body: ApiMessages[K]['response']): Buffer[] {
  const compiled = compile(schemaFor(apiKey).response, apiVersion);
  const w = new Writer();
  w.int32(0);
  writeResponseHeader(w, apiKey, apiVersion, correlationId);
  compiled.encode(w, body);
  return withSize(w);
}

/** Encodes a request frame: size, header v1 or v2, body. Clients, tests and fuzzers speak through this. */
export function encodeRequest<K extends ApiKey>(
  apiKey: K, apiVersion: number, correlationId: number, clientId: string | null, body: ApiMessages[K]['request'],
): Buffer[] {
  const compiled = compile(schemaFor(apiKey).request, apiVersion);
  const w = new Writer();
  w.int32(0);
  writeRequestHeader(w, apiKey, apiVersion, correlationId, clientId);
  compiled.encode(w, body);
  return withSize(w);
}

/** Decodes a response frame (without its size prefix) of the given API version. */
export function decodeResponse<K extends ApiKey>(apiKey: K, apiVersion: number, frame: Buffer): { correlationId: number; body: ApiMessages[K]['response'] } {
  const compiled = compile(schemaFor(apiKey).response, apiVersion);
  const r = new Reader(frame);
  const correlationId = readResponseHeader(r, apiKey, apiVersion);
  return { correlationId, body: compiled.decode(r) as unknown as ApiMessages[K]['response'] };
}

/** Patches the size placeholder, which always sits in the first chunk: a Writer starts with at least 16 bytes. */
function withSize(w: Writer): Buffer[] {
  const size = w.length - 4;
  const chunks = w.finish();
  (chunks[0] as Buffer).writeInt32BE(size, 0);
  return chunks;
}
