/**
 * Checks of request parameters: the page is ours, but the socket is open to any local client, so a
 * malformed request gets a clear error instead of reaching DuckDB half-checked.
 */
import type { ExportFormat, GoldRowRef, ResultView } from '../protocol/inspector';

export class ParamError extends Error {
  override readonly name = 'ParamError';
}

export function text(value: unknown, name: string, maxLength = 1_000_000): string {
  if (typeof value !== 'string') throw new ParamError(`${name} must be a string`);
  if (value.length > maxLength) throw new ParamError(`${name} is longer than ${maxLength} characters`);
  return value;
}

export function integer(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ParamError(`${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}

export function optionalNumber(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ParamError(`${name} must be a number`);
  return value;
}

export function view(value: unknown): ResultView | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object') throw new ParamError('view must be an object');
  const { sort, filters } = value as ResultView;
  const out: ResultView = {};
  if (sort !== undefined) {
    if (!Array.isArray(sort)) throw new ParamError('view.sort must be an array');
    out.sort = sort.map((s, i) => {
      if (s.direction !== 'asc' && s.direction !== 'desc') throw new ParamError(`view.sort[${i}].direction must be asc or desc`);
      return { column: text(s.column, `view.sort[${i}].column`, 1000), direction: s.direction };
    });
  }
  if (filters !== undefined) {
    if (!Array.isArray(filters)) throw new ParamError('view.filters must be an array');
    out.filters = filters.map((f, i) => ({ column: text(f.column, `view.filters[${i}].column`, 1000), contains: text(f.contains, `view.filters[${i}].contains`, 1000) }));
  }
  return out;
}

export function exportFormat(value: unknown): ExportFormat {
  if (value !== 'csv' && value !== 'json' && value !== 'parquet') throw new ParamError('format must be csv, json or parquet');
  return value;
}

export function goldRow(value: Partial<GoldRowRef>): GoldRowRef {
  return {
    table: text(value.table, 'table', 1000),
    partition: integer(value.partition, 'partition', 0, 2 ** 31 - 1),
    offset: integer(value.offset, 'offset', 0, Number.MAX_SAFE_INTEGER),
  };
}
