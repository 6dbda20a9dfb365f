/**
 * Appends rows column by column: values are gathered into one JavaScript array per column, up to a
 * DuckDB vector's worth of rows, and handed to the appender as one data chunk. Fixed-width values
 * and NULLs are then copied in bulk instead of costing a call into DuckDB each, as appending row by
 * row did; that is most of what made materializing slower than DuckDB's appender ceiling. Values
 * that do not fit a declared column go in as NULL; the record's `_raw` text keeps what was there.
 */
import type { DuckDBAppender, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { DuckDBDataChunk, listValue, structValue, timestampValue } from '@duckdb/node-api';
import type { ColumnState } from './catalog';
import type { DecodedRecord } from './record-decoder';

/** Rows per data chunk: DuckDB's vector size, the most one chunk can hold. */
const CHUNK_ROWS = 2048;

/** Epoch milliseconds from a timestamp field: an ISO-8601 string or a number of milliseconds. */
function epochMillis(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}

function timestampOf(ms: number | null): DuckDBValue {
  return ms === null || !Number.isFinite(ms) ? null : timestampValue(BigInt(Math.round(ms * 1000)));
}

/**
 * The value one field takes in a column of the given type. An inferred VARCHAR column holds
 * non-string values as their JSON text, matching what widening the column with a cast produced.
 */
export function fieldValue(column: ColumnState, value: unknown): DuckDBValue {
  if (value === null || value === undefined) return null;
  switch (column.type) {
    case 'string':
      if (typeof value === 'string') return value;
      return column.declared ? null : JSON.stringify(value);
    case 'integer':
      return Number.isSafeInteger(value) ? BigInt(value as number) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'timestamp':
      return timestampOf(epochMillis(value));
    case 'json':
      return JSON.stringify(value);
  }
}

/** Where a row comes from and which layer and output it belongs to. */
export interface RowContext {
  topic: string;
  partition: number;
  layer: string;
  output: string;
}

/** One row to append: its context and its decoded record. */
export interface PendingRow {
  context: RowContext;
  record: DecodedRecord;
}

/** The system columns' values of a row, in catalog.ts `systemColumns` order. */
function systemValues(row: PendingRow, into: DuckDBValue[][], at: number): void {
  const { context, record } = row;
  const { lineage } = record;
  into[0]![at] = context.topic;
  into[1]![at] = context.partition;
  into[2]![at] = BigInt(record.offset);
  into[3]![at] = timestampOf(record.timestampMs);
  into[4]![at] = record.key;
  into[5]![at] = record.raw;
  into[6]![at] = lineage.headers === null ? null : JSON.stringify(lineage.headers);
  into[7]![at] = context.layer;
  into[8]![at] = context.output;
  into[9]![at] = lineage.lineage === null ? null : listValue(lineage.lineage.map((p) => structValue({ t: p.t, p: p.p, o: BigInt(p.o) })));
  into[10]![at] = lineage.lineageTruncated;
  into[11]![at] = lineage.change;
  into[12]![at] = lineage.id;
  into[13]![at] = record.parseError;
}

const SYSTEM_COLUMN_COUNT = 14;

/**
 * Appends rows: the system columns, then the field columns in the table's order. The appender's
 * column types come from the table, so a chunk always matches it after schema changes.
 */
export function appendRows(appender: DuckDBAppender, rows: readonly PendingRow[], columns: readonly ColumnState[]): void {
  const columnCount = SYSTEM_COLUMN_COUNT + columns.length;
  if (appender.columnCount !== columnCount) throw new Error(`the table has ${appender.columnCount} columns, the catalog knows ${columnCount}`);
  const types: DuckDBType[] = [];
  for (let c = 0; c < columnCount; c++) types.push(appender.columnType(c));
  const values: DuckDBValue[][] = types.map(() => new Array<DuckDBValue>(Math.min(CHUNK_ROWS, rows.length)));
  for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
    const count = Math.min(CHUNK_ROWS, rows.length - start);
    for (const column of values) column.length = count;
    for (let i = 0; i < count; i++) {
      const row = rows[start + i]!;
      systemValues(row, values, i);
      const fields = row.record.fields;
      for (let c = 0; c < columns.length; c++) {
        const column = columns[c]!;
        values[SYSTEM_COLUMN_COUNT + c]![i] = fields === null ? null : fieldValue(column, fields[column.field]);
      }
    }
    const chunk = DuckDBDataChunk.create(types, count);
    for (let c = 0; c < columnCount; c++) chunk.setColumnValues(c, values[c]!);
    appender.appendDataChunk(chunk);
  }
}
