// Typed requests over the transport: one id per request, one promise per id, events to listeners.
import type { InspectorEvent, MethodName, ParamsOf, ProtocolError, ResultOf } from '../sandbox/protocol/inspector';
import type { Transport } from './transport';

export class RequestFailed extends Error {
  constructor(readonly error: ProtocolError) {
    super(error.message);
  }
}

export class InspectorClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private readonly listeners: ((event: InspectorEvent) => void)[] = [];

  constructor(private readonly transport: Transport) {
    transport.onMessage((message) => {
      if (message.kind === 'event') {
        for (const l of this.listeners) l(message);
        return;
      }
      const waiting = this.pending.get(message.id);
      if (waiting === undefined) return;
      this.pending.delete(message.id);
      if (message.ok) waiting.resolve(message.result);
      else waiting.reject(new RequestFailed(message.error));
    });
  }

  request<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    const id = this.nextId++;
    return new Promise<ResultOf<M>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.transport.send(JSON.stringify({ kind: 'request', id, method, params }));
    });
  }

  onEvent(listener: (event: InspectorEvent) => void): void {
    this.listeners.push(listener);
  }
}
