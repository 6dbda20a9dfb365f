// Query results as the protocol carries them, and small readers of single cells.
import type { JsonValue, RowSet } from '../protocol/inspector';
import type { QueryResult } from '../warehouse/index';

export function rowSet(result: QueryResult): RowSet {
  return { columns: result.columns, rows: result.rows as JsonValue[][], truncated: result.truncated };
}

/** The value of a named column in the first row, or undefined when the column is missing. */
export function cell(result: QueryResult, column: string, row = 0): JsonValue | undefined {
  const at = result.columns.findIndex((c) => c.name.toLowerCase() === column.toLowerCase());
  return at < 0 ? undefined : (result.rows[row]?.[at] as JsonValue | undefined);
}

/** A cell holding a time as epoch ms: a number, a numeric string, or an ISO timestamp. */
export function epochMs(value: JsonValue | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  // DuckDB renders TIMESTAMP without a zone; it is UTC.
  const parsed = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(' ', 'T')}Z`);
  return Number.isNaN(parsed) ? undefined : parsed;
}
