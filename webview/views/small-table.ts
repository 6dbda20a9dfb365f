/**
 * A plain table for the small row sets of the lineage drill, the window debugger and the layer
 * panes (hundreds of rows at most, capped by the host), with chosen columns first.
 */
import type { JsonValue, RowSet } from '../../sandbox/protocol/inspector';
import { cellText, el } from '../dom';

export interface SmallTableOptions {
  /** Columns shown first, in this order, when present. */
  first?: string[];
  /** Columns left out. */
  hide?: string[];
  /** Adds classes to a row, e.g. to mark late or counted records. */
  rowClass?(row: JsonValue[], index: number): string;
  onRowClick?(row: JsonValue[], index: number, element: HTMLTableRowElement): void;
  caption?: string;
}

export function smallTable(set: RowSet, options: SmallTableOptions = {}): HTMLElement {
  const names = set.columns.map((c) => c.name);
  const first = (options.first ?? []).filter((n) => names.includes(n));
  const hidden = new Set(options.hide ?? []);
  const order = [...first, ...names.filter((n) => !first.includes(n) && !hidden.has(n))].map((n) => names.indexOf(n));
  const head = el('tr', {}, ...order.map((i) => el('th', { text: names[i] ?? '', title: set.columns[i]?.type ?? '' })));
  const rows = set.rows.map((row, r) => {
    const tr = el('tr', { class: options.rowClass?.(row, r) ?? '' }, ...order.map((i) => el('td', { text: cellText(row[i] ?? null), title: cellText(row[i] ?? null).slice(0, 2000) })));
    tr.dataset.index = String(r);
    if (options.onRowClick) {
      tr.tabIndex = 0;
      tr.addEventListener('click', () => options.onRowClick?.(row, r, tr));
      tr.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') options.onRowClick?.(row, r, tr);
      });
    }
    return tr;
  });
  const table = el('table', { class: 'small-table' }, options.caption ? el('caption', { text: options.caption }) : null, el('thead', {}, head), el('tbody', {}, ...rows));
  const footer = set.truncated ? el('div', { class: 'note', text: `Showing the first ${set.rows.length} rows.` }) : null;
  const empty = set.rows.length === 0 ? el('div', { class: 'note', text: 'No rows.' }) : null;
  return el('div', { class: 'small-table-wrap' }, table, empty, footer);
}

export function columnIndex(set: RowSet, name: string): number {
  return set.columns.findIndex((c) => c.name === name);
}
