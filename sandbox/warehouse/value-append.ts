/**
 * Appends one row's values with DuckDB's appender, in the table's column order. Values that do not
 * fit a declared column go in as NULL; the record's `_raw` text keeps what was there.
 */
import type { DuckDBAppender } from '@duckdb/node-api';
import { LIST, STRUCT, VARCHAR, INTEGER, BIGINT, listValue, structValue, timestampValue } from '@duckdb/node-api';
import type { ColumnState } from './catalog';
import type { DecodedRecord } from './record-decoder';

const lineageType = LIST(STRUCT({ t: VARCHAR, p: INTEGER, o: BIGINT }));

/** Epoch milliseconds from a timestamp field: an ISO-8601 string or a number of milliseconds. */
function epochMillis(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}

function appendTimestampMs(appender: DuckDBAppender, ms: number | null): void {
  if (ms === null || !Number.isFinite(ms)) appender.appendNull();
  else appender.appendTimestamp(timestampValue(BigInt(Math.round(ms * 1000))));
}

function appendText(appender: DuckDBAppender, value: string | null): void {
  if (value === null) appender.appendNull();
  else appender.appendVarchar(value);
}

/**
 * Appends one field value into a column of the given type. An inferred VARCHAR column holds
 * non-string values as their JSON text, matching what widening the column with a cast produced.
 */
export function appendField(appender: DuckDBAppender, column: ColumnState, value: unknown): void {
  if (value === null || value === undefined) {
    appender.appendNull();
    return;
  }
  switch (column.type) {
    case 'string':
      if (typeof value === 'string') appender.appendVarchar(value);
      else if (column.declared) appender.appendNull();
      else appender.appendVarchar(JSON.stringify(value));
      return;
    case 'integer':
      if (Number.isSafeInteger(value)) appender.appendBigInt(BigInt(value as number));
      else appender.appendNull();
      return;
    case 'number':
      if (typeof value === 'number') appender.appendDouble(value);
      else appender.appendNull();
      return;
    case 'boolean':
      if (typeof value === 'boolean') appender.appendBoolean(value);
      else appender.appendNull();
      return;
    case 'timestamp':
      appendTimestampMs(appender, epochMillis(value));
      return;
    case 'json':
      appender.appendVarchar(JSON.stringify(value));
      return;
  }
}

export interface RowContext {
  topic: string;
  partition: number;
  layer: string;
  output: string;
}

/** Appends a whole row: the system columns (catalog.ts `systemColumns` order), then the field columns. */
export function appendRow(
  appender: DuckDBAppender,
  context: RowContext,
  record: DecodedRecord,
  columns: readonly ColumnState[],
): void {
  const { lineage } = record;
  appender.appendVarchar(context.topic);
  appender.appendInteger(context.partition);
  appender.appendBigInt(BigInt(record.offset));
  appendTimestampMs(appender, record.timestampMs);
  appendText(appender, record.key);
  appendText(appender, record.raw);
  appendText(appender, lineage.headers === null ? null : JSON.stringify(lineage.headers));
  appender.appendVarchar(context.layer);
  appender.appendVarchar(context.output);
  if (lineage.lineage === null) appender.appendNull();
  else {
    appender.appendList(
      listValue(lineage.lineage.map((p) => structValue({ t: p.t, p: p.p, o: BigInt(p.o) }))),
      lineageType,
    );
  }
  if (lineage.lineageTruncated === null) appender.appendNull();
  else appender.appendInteger(lineage.lineageTruncated);
  appendText(appender, lineage.change);
  appendText(appender, lineage.id);
  appendText(appender, record.parseError);
  const fields = record.fields;
  for (const column of columns) appendField(appender, column, fields === null ? undefined : fields[column.field]);
  appender.endRow();
}
