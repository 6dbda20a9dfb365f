/**
 * The inspector's typed protocol: every request the page may make, with its parameters and result,
 * and every event the host pushes. Messages are plain JSON, so the VS Code extension can relay them
 * between the webview (postMessage) and the inspector server (WebSocket) without knowing them.
 * The webview imports only the types of this file; the host also uses its pure helpers.
 */

/** A JSON value as it crosses the wire. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface ResultColumn {
  name: string;
  /** DuckDB's type name, e.g. `BIGINT`, `JSON`, `TIMESTAMP`. */
  type: string;
}

/** A block of rows with their columns, as the grid and the panes show them. */
export interface RowSet {
  columns: ResultColumn[];
  rows: JsonValue[][];
  /** True when more rows matched than were sent. */
  truncated: boolean;
}

export type SortDirection = 'asc' | 'desc';

/** How the grid sees a result: sorted and filtered by DuckDB, never in the page. */
export interface ResultView {
  sort?: { column: string; direction: SortDirection }[];
  /** Per column, a case-insensitive substring the cell's text must contain. */
  filters?: { column: string; contains: string }[];
}

export interface QueryPosition {
  line: number;
  column: number;
  offset: number;
}

/** Why a request failed; `position` points into the SQL the page sent when DuckDB says where. */
export interface ProtocolError {
  message: string;
  kind: string;
  position?: QueryPosition;
}

export interface SchemaColumn {
  name: string;
  type: string;
}

export interface SchemaTable {
  name: string;
  kind: 'table' | 'view' | 'internal' | 'other';
  topic?: string;
  /** `bronze`, `silver` or `gold` when the table holds one layer's main output or a side output of it. */
  layer?: string;
  /** The output: the layer's own name, or `late`, `quarantine`, `dead_letter`. */
  output?: string;
  columns: SchemaColumn[];
}

/** Rows per layer, split by output, as the warehouse counts them with every batch. */
export interface LayerTotals {
  layer: string;
  rows: number;
  quarantined: number;
  late: number;
  deadLetter: number;
  other: number;
}

/** Rows of one table, with the layer and output its records carry. */
export interface TableCount {
  table: string;
  layer: string | null;
  output: string | null;
  rows: number;
}

export interface Counts {
  layers: LayerTotals[];
  tables: TableCount[];
}

export type ExportFormat = 'csv' | 'json' | 'parquet';

/** A gold row: its table and its place in it. */
export interface GoldRowRef {
  table: string;
  partition: number;
  offset: number;
}

export interface LineageResult {
  gold: RowSet;
  silver: RowSet;
  bronze: RowSet;
  unresolved: { t: string; p: number; o: number }[];
  truncated: { topic: string; partition: number; offset: number; omitted: number }[];
}

export interface WatermarkPoint {
  /** When the watermark was reported, epoch ms. */
  at: number;
  /** The watermark, epoch ms. */
  watermark: number;
  task: string;
}

/** What the window debugger shows for one gold row. */
export interface WindowDebug {
  window: { start: number; end: number; key: string | null; layer: string };
  /** Upstream rows in the window's time range for its key, or named by its lineage. */
  events: RowSet;
  /** Index of the event-time column (epoch ms) in `events`, and of the "counted" flag. */
  eventTimeColumn: number;
  countedColumn: number;
  /** Records that came too late for this window, with why and the watermark when they arrived. */
  late: RowSet;
  lateTables: string[];
  /** The watermark as it advanced around the window, when the warehouse holds it. */
  watermarks: { available: true; table: string; points: WatermarkPoint[] } | { available: false; message: string };
  /** Facts the page should say plainly: a missing late table, a window bound read from a guess. */
  notes: string[];
}

/** One pane of the side-by-side view. */
export interface LayerSlice {
  table: string;
  key?: string;
  /** Inclusive start and exclusive end of the record timestamps shown, epoch ms. */
  from?: number;
  to?: number;
  limit?: number;
}

/**
 * Every request: its parameters and its result. The host's handler table must satisfy this map, so
 * a request without a handler does not compile.
 */
export interface InspectorMethods {
  'schema/list': { params: Record<string, never>; result: { tables: SchemaTable[] } };
  'query/run': {
    params: { sql: string; view?: ResultView; pageSize: number };
    result: { columns: ResultColumn[]; rows: JsonValue[][]; totalRows: number; elapsedMs: number };
  };
  'query/page': {
    params: { sql: string; view?: ResultView; offset: number; limit: number };
    result: { rows: JsonValue[][] };
  };
  'export/create': {
    params: { sql: string; view?: ResultView; format: ExportFormat };
    /** `path` is the URL path of the download on the inspector server, good once. */
    result: { path: string; fileName: string; bytes: number };
  };
  'lineage/trace': { params: GoldRowRef; result: LineageResult };
  'window/debug': { params: GoldRowRef; result: WindowDebug };
  'layers/slice': { params: LayerSlice; result: RowSet };
  'side/rows': { params: { table: string; limit: number }; result: RowSet };
  'counts/get': { params: Record<string, never>; result: Counts };
}

export type MethodName = keyof InspectorMethods;
export type ParamsOf<M extends MethodName> = InspectorMethods[M]['params'];
export type ResultOf<M extends MethodName> = InspectorMethods[M]['result'];

/** Events the host pushes without being asked. */
export type InspectorEvent =
  | { event: 'counts/changed'; counts: Counts }
  | { event: 'schema/changed' };

export interface RequestMessage<M extends MethodName = MethodName> {
  kind: 'request';
  id: number;
  method: M;
  params: ParamsOf<M>;
}

export type ResponseMessage =
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: ProtocolError };

export type EventMessage = { kind: 'event' } & InspectorEvent;

export type HostMessage = ResponseMessage | EventMessage;

export const methodNames: readonly MethodName[] = [
  'schema/list', 'query/run', 'query/page', 'export/create', 'lineage/trace', 'window/debug', 'layers/slice', 'side/rows', 'counts/get',
];

/** Checks the envelope of a message from the page; the handler checks the parameters. */
export function parseRequest(text: string): RequestMessage | { error: string; id?: number } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: 'the message is not JSON' };
  }
  if (typeof value !== 'object' || value === null) return { error: 'the message is not an object' };
  const message = value as Partial<RequestMessage>;
  const id = typeof message.id === 'number' && Number.isInteger(message.id) ? message.id : undefined;
  if (message.kind !== 'request' || id === undefined) return { error: 'a request needs kind "request" and an integer id' };
  if (typeof message.method !== 'string' || !methodNames.includes(message.method)) return { error: `unknown method ${JSON.stringify(message.method)}`, id };
  if (typeof message.params !== 'object' || message.params === null) return { error: 'params must be an object', id };
  return message as RequestMessage;
}
