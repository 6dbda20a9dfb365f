/**
 * Request and response headers. Which header version goes with which body is the part of the
 * protocol clients are least forgiving about (pitfall 1):
 * - request header v2 (with a tagged-field section) when the API version is flexible, else v1; its
 *   client_id is always a classic int16-length string, which the generated schema records as a
 *   field whose flexibleVersions is none;
 * - response header v1 (with tagged fields) when flexible, else v0, except ApiVersions, whose
 *   response header is always v0 so a client can read it before knowing what the broker speaks.
 */
import { apiSchemas, requestHeaderSchema, responseHeaderSchema, type ApiKey } from './generated/index';
import { compile } from './interpreter';
import { Reader, Writer } from './primitives';

const API_VERSIONS = 18;

export function isKnownApiKey(apiKey: number): apiKey is ApiKey {
  return Object.prototype.hasOwnProperty.call(apiSchemas, apiKey);
}

/**
 * Whether requests and responses of this API version use the flexible encoding. Versions above the
 * highest known stay flexible, as every later version of a flexible API is; unknown keys are not.
 */
export function isFlexible(apiKey: number, version: number): boolean {
  if (!isKnownApiKey(apiKey)) return false;
  const from = apiSchemas[apiKey].request.flexibleVersions;
  return from !== null && version >= from;
}

export function requestHeaderVersion(apiKey: number, apiVersion: number): number {
  return isFlexible(apiKey, apiVersion) ? 2 : 1;
}

export function responseHeaderVersion(apiKey: number, apiVersion: number): number {
  return apiKey !== API_VERSIONS && isFlexible(apiKey, apiVersion) ? 1 : 0;
}

export interface DecodedRequestHeader {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
  /** Where the request body starts in the frame. */
  readonly bodyOffset: number;
}

/**
 * Decodes the header of a request frame (the bytes after the 4-byte size). An unknown API key is
 * read as header v1, so the caller still learns the key, version and correlation id.
 */
export function decodeRequestHeader(frame: Buffer): DecodedRequestHeader {
  const r = new Reader(frame);
  const apiKey = r.int16('RequestHeader.requestApiKey');
  const apiVersion = r.int16('RequestHeader.requestApiVersion');
  r.pos = 0;
  const header = compile(requestHeaderSchema, requestHeaderVersion(apiKey, apiVersion)).decode(r);
  return {
    apiKey,
    apiVersion,
    correlationId: header['correlationId'] as number,
    clientId: header['clientId'] as string | null,
    bodyOffset: r.pos,
  };
}

export function writeRequestHeader(w: Writer, apiKey: number, apiVersion: number, correlationId: number, clientId: string | null): void {
  compile(requestHeaderSchema, requestHeaderVersion(apiKey, apiVersion))
    .encode(w, { requestApiKey: apiKey, requestApiVersion: apiVersion, correlationId, clientId });
}

export function writeResponseHeader(w: Writer, apiKey: number, apiVersion: number, correlationId: number): void {
  compile(responseHeaderSchema, responseHeaderVersion(apiKey, apiVersion)).encode(w, { correlationId });
}

/** Reads a response header; returns the correlation id and leaves `r` at the body. */
export function readResponseHeader(r: Reader, apiKey: number, apiVersion: number): number {
  return compile(responseHeaderSchema, responseHeaderVersion(apiKey, apiVersion)).decode(r)['correlationId'] as number;
}
