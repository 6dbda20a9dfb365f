/**
 * The handler registry: every API the broker serves registers itself here once, with the version
 * range it implements, and the ApiVersions answer is built from these registrations (franz-go kfake).
 */
import type { ApiMessages } from '../codec/index';
import type { BrokerContext } from '../broker-context';
import type { ConnectionSession } from '../sasl/index';

export type ApiKey = keyof ApiMessages & number;
export type ApiRequest<K extends ApiKey> = ApiMessages[K]['request'];
export type ApiResponse<K extends ApiKey> = ApiMessages[K]['response'];

/** What a handler knows of the connection a request came on. */
export interface RequestContext {
  readonly broker: BrokerContext;
  readonly apiVersion: number;
  readonly clientId: string | null;
  readonly remoteAddress: string;
  /** Calls `listener` when the connection closes, so long polls stop waiting for a peer that is gone. */
  onClose(listener: () => void): () => void;
  /**
   * A buffer for bytes the response carries by reference (fetched records): the connection lends
   * it from its pool and takes it back once the response is written.
   */
  allocate(size: number): Buffer;
  /** What the broker remembers about this connection between requests (its SASL state). */
  readonly session: ConnectionSession;
  /** Sends this request's response, then closes the connection (a failed SASL exchange). */
  closeAfterResponse(reason: string): void;
}

/** `null` means "send no response at all", which Produce with acks=0 requires (pitfall 4). */
export type HandlerResult<K extends ApiKey> = ApiResponse<K> | null;

export interface ApiHandler<K extends ApiKey = ApiKey> {
  readonly apiKey: K;
  readonly minVersion: number;
  readonly maxVersion: number;
  handle(request: ApiRequest<K>, ctx: RequestContext): HandlerResult<K> | Promise<HandlerResult<K>>;
}

/** Any one handler, its key and its types still tied together. */
export type AnyApiHandler = { [K in ApiKey]: ApiHandler<K> }[ApiKey];

/** Declares a handler with its request and response types checked against its API key. */
export function defineHandler<K extends ApiKey>(handler: ApiHandler<K>): ApiHandler<K> {
  return handler;
}

export class HandlerRegistry {
  private readonly byKey = new Map<number, AnyApiHandler>();

  constructor(handlers: readonly AnyApiHandler[]) {
    for (const handler of handlers) {
      if (this.byKey.has(handler.apiKey)) {
        throw new Error(`API key ${handler.apiKey} is registered twice`);
      }
      if (handler.minVersion > handler.maxVersion) {
        throw new Error(`API key ${handler.apiKey} has an empty version range`);
      }
      this.byKey.set(handler.apiKey, handler);
    }
  }

  get(apiKey: number): AnyApiHandler | undefined {
    return this.byKey.get(apiKey);
  }

  /** The (apiKey, minVersion, maxVersion) list ApiVersions advertises, sorted by key. */
  versions(): { apiKey: number; minVersion: number; maxVersion: number }[] {
    return [...this.byKey.values()]
      .map(({ apiKey, minVersion, maxVersion }) => ({ apiKey, minVersion, maxVersion }))
      .sort((a, b) => a.apiKey - b.apiKey);
  }
}
