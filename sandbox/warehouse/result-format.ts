/**
 * Renders a query result for a terminal or a file: an aligned text table, JSON, or CSV (RFC 4180).
 */
import type { Json } from '@duckdb/node-api';
import type { QueryResult } from './query-runner';

export type ResultFormat = 'table' | 'json' | 'csv';

function cellText(value: Json): string {
  if (value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Text cells longer than this are cut in the table format, which is for reading, not for data. */
const maxCellWidth = 60;

export function formatResult(result: QueryResult, format: ResultFormat): string {
  if (format === 'json') return JSON.stringify(result, null, 2);
  const header = result.columns.map((c) => c.name);
  if (format === 'csv') {
    const lines = [header, ...result.rows.map((row) => row.map(cellText))].map((cells) => cells.map(csvField).join(','));
    return lines.join('\n');
  }
  const rows = result.rows.map((row) =>
    row.map((v) => {
      const text = v === null ? 'NULL' : cellText(v).replace(/\s+/g, ' ');
      return text.length > maxCellWidth ? `${text.slice(0, maxCellWidth - 1)}…` : text;
    }),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' │ ').trimEnd();
  const out = [line(header), widths.map((w) => '─'.repeat(w)).join('─┼─'), ...rows.map(line)];
  const count = `${result.rows.length} row${result.rows.length === 1 ? '' : 's'}${result.truncated ? ' (truncated at the row limit)' : ''} in ${result.elapsedMs.toFixed(1)} ms`;
  return `${out.join('\n')}\n${count}`;
}
