/**
 * Turns one request frame into one response (or none, or a reason to close the connection).
 *
 * What Kafka does with bad requests, and so what we do: an unsupported ApiVersions version gets a
 * v0 answer with UNSUPPORTED_VERSION and our ranges (pitfall 2); an unknown API key, an unsupported
 * version of any other API, or a body that does not decode closes the connection, because there is
 * no way to write a response the client could parse.
 */
import { CodecError, decodeRequest, decodeRequestHeader, encodeResponse } from '../codec/index';
import type { BrokerContext } from '../broker-context';
import type { HandlerRegistry, RequestContext } from '../handlers/registry';
import { ErrorCode } from '../handlers/error-codes';
import { SaslFailure, type ConnectionSession } from '../sasl/index';

export type DispatchOutcome =
  /** `thenClose` says why the connection must close once the response is written. */
  | { kind: 'respond'; chunks: Buffer[]; thenClose?: string }
  | { kind: 'silent' }
  | { kind: 'close'; reason: string };

export interface ConnectionView {
  readonly remoteAddress: string;
  onClose(listener: () => void): () => void;
  /** A buffer for bytes the response will carry; the connection takes it back once written. */
  allocate?(size: number): Buffer;
  readonly session: ConnectionSession;
}

const API_VERSIONS_KEY = 18;

/** What a connection may ask before it has authenticated, when SASL is on. */
const BEFORE_AUTHENTICATION = new Set([API_VERSIONS_KEY, 17, 36]);

export class RequestDispatcher {
  constructor(
    private readonly registry: HandlerRegistry,
    private readonly broker: BrokerContext,
  ) {}

  async dispatch(frame: Buffer, connection: ConnectionView): Promise<DispatchOutcome> {
    const sasl = connection.session.sasl;
    if (sasl.kind === 'handshaken' && sasl.unframed) return answerUnframedToken(frame, connection, this.broker.log);
    let header: ReturnType<typeof decodeRequestHeader>;
    try {
      header = decodeRequestHeader(frame);
    } catch (error) {
      return { kind: 'close', reason: `malformed request header: ${describe(error)}` };
    }
    const { apiKey, apiVersion, correlationId } = header;
    if (this.broker.sasl && !connection.session.authenticated && !BEFORE_AUTHENTICATION.has(apiKey)) {
      return { kind: 'close', reason: `API key ${apiKey} before SASL authentication` };
    }
    const handler = this.registry.get(apiKey);
    if (!handler) return { kind: 'close', reason: `unknown API key ${apiKey}` };
    if (apiVersion < handler.minVersion || apiVersion > handler.maxVersion) {
      if (apiKey === API_VERSIONS_KEY) {
        const body = { errorCode: ErrorCode.UNSUPPORTED_VERSION, apiKeys: this.registry.versions(), throttleTimeMs: 0 };
        return { kind: 'respond', chunks: encodeResponse(API_VERSIONS_KEY, 0, correlationId, body) };
      }
      return { kind: 'close', reason: `unsupported version ${apiVersion} of API key ${apiKey}` };
    }
    let request: unknown;
    try {
      request = decodeRequest(apiKey as never, apiVersion, frame, header.bodyOffset);
    } catch (error) {
      if (error instanceof CodecError) return { kind: 'close', reason: `malformed request (key ${apiKey} v${apiVersion}): ${error.message}` };
      throw error;
    }
    let thenClose: string | undefined;
    const ctx: RequestContext = {
      broker: this.broker,
      apiVersion,
      clientId: header.clientId,
      remoteAddress: connection.remoteAddress,
      onClose: (listener) => connection.onClose(listener),
      allocate: connection.allocate ? (size) => connection.allocate!(size) : Buffer.allocUnsafe,
      session: connection.session,
      closeAfterResponse: (reason) => {
        thenClose = reason;
      },
    };
    let response: unknown;
    try {
      response = await handler.handle(request as never, ctx);
    } catch (error) {
      // A handler bug must not take the broker down; the client sees a closed connection and retries.
      this.broker.log.error(`handler for API key ${apiKey} v${apiVersion} failed: ${describe(error)}`);
      return { kind: 'close', reason: 'internal error' };
    }
    if (response === null) return { kind: 'silent' };
    try {
      const chunks = encodeResponse(apiKey as never, apiVersion, correlationId, response as never);
      return thenClose === undefined ? { kind: 'respond', chunks } : { kind: 'respond', chunks, thenClose };
    } catch (error) {
      // A response that cannot be encoded (say an int64 beyond 2^53 that a malformed request put
      // there) must cost this connection only; thrown from here it would end the whole process.
      this.broker.log.error(`encoding the response to API key ${apiKey} v${apiVersion} failed: ${describe(error)}`);
      return { kind: 'close', reason: 'response could not be encoded' };
    }
  }
}

/**
 * After a SaslHandshake v0 the client's frames are bare SASL tokens and so are our answers (a size
 * and the bytes); a failed exchange just closes the connection, since there is no error field.
 */
function answerUnframedToken(frame: Buffer, connection: ConnectionView, log: BrokerContext['log']): DispatchOutcome {
  const state = connection.session.sasl;
  if (state.kind !== 'handshaken') return { kind: 'close', reason: 'bare SASL token outside a v0 handshake' };
  try {
    const bytes = connection.session.advance(state, frame, connection.remoteAddress, log);
    const size = Buffer.alloc(4);
    size.writeInt32BE(bytes.length);
    return { kind: 'respond', chunks: [size, bytes] };
  } catch (error) {
    if (!(error instanceof SaslFailure)) throw error;
    return { kind: 'close', reason: `SASL ${state.mechanism} authentication failed: ${error.message}` };
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
