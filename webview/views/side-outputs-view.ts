// Quarantine, late and dead-letter records with their reasons, one side-output table at a time.
import type { SchemaTable, TableCount } from '../../sandbox/protocol/inspector';
import type { InspectorClient } from '../client';
import { el } from '../dom';
import { smallTable } from './small-table';

const sideKinds = ['quarantine', 'late', 'dead_letter'];

export function sideOutputsView(client: InspectorClient, tables: () => SchemaTable[], counts: () => TableCount[]): HTMLElement & { refresh(): void } {
  const list = el('nav', { class: 'side-list', attrs: { 'aria-label': 'side outputs' } });
  const body = el('div', { class: 'side-body' }, el('div', { class: 'note', text: 'Pick a side output.' }));
  const open = async (table: string) => {
    body.replaceChildren(el('div', { class: 'note', text: 'loading…' }));
    try {
      const rows = await client.request('side/rows', { table, limit: 1000 });
      body.replaceChildren(el('h2', { text: table }), smallTable(rows, { hide: ['_lineage'] }));
    } catch (error) {
      body.replaceChildren(el('div', { class: 'error', text: error instanceof Error ? error.message : String(error) }));
    }
  };
  const root = Object.assign(el('div', { class: 'side-view' }, list, body), { refresh: () => {} });
  root.refresh = () => {
    const rowsOf = new Map(counts().map((c) => [c.table, c.rows]));
    const side = tables().filter((t) => t.kind === 'table' && sideKinds.includes(t.output ?? ''));
    list.replaceChildren(
      ...sideKinds.map((kind) => el('div', { class: 'side-group' }, el('h3', { text: kind.replace('_', ' ') }), ...side.filter((t) => t.output === kind).map((t) => {
        const button = el('button', { class: 'list-item', attrs: { type: 'button' } }, el('span', { text: t.name }), el('span', { class: 'badge', text: String(rowsOf.get(t.name) ?? 0) }));
        button.addEventListener('click', () => void open(t.name));
        return button;
      }))),
    );
  };
  root.refresh();
  return root;
}
