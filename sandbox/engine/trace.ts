// The trace hook feeds the watermark and window debugger. It is a single optional callback: when it is
// null every call site is skipped by one null check, so tracing costs nothing when off.

export type TraceEvent =
  | {
      readonly type: 'ingest';
      readonly source: string;
      readonly partition: number;
      readonly offset: number;
      readonly eventTime: number;
      /** The source's watermark before this record, or null before the first. */
      readonly watermark: number | null;
    }
  | {
      readonly type: 'assign';
      readonly layer: string;
      readonly operator: number;
      readonly id: string;
      readonly eventTime: number;
      readonly watermark: number | null;
      /** The windows the record landed in. */
      readonly windows: readonly { readonly start: number; readonly end: number }[];
      /** Windows it would have landed in but which had already closed. */
      readonly lateFor: readonly { readonly start: number; readonly end: number }[];
    }
  | { readonly type: 'late'; readonly layer: string; readonly operator: number; readonly id: string; readonly eventTime: number; readonly watermark: number; readonly reason: string }
  | { readonly type: 'drop'; readonly layer: string; readonly operator: number; readonly id: string; readonly reason: string }
  | { readonly type: 'fire'; readonly layer: string; readonly operator: number; readonly key: unknown; readonly start: number; readonly end: number; readonly watermark: number }
  | { readonly type: 'watermark'; readonly source: string; readonly watermark: number | 'idle' }
  | { readonly type: 'idle'; readonly source: string; readonly partition: number; readonly idle: boolean };

export type TraceFn = (event: TraceEvent) => void;
