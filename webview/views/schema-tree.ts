/**
 * The warehouse's tables by layer, with their columns and row counts. Choosing a table queries it;
 * the list follows the schema as the host reports it changing.
 */
import type { SchemaTable, TableCount } from '../../sandbox/protocol/inspector';
import { el } from '../dom';

const groups = ['bronze', 'silver', 'gold', 'other', 'internal'] as const;

function groupOf(t: SchemaTable): (typeof groups)[number] {
  if (t.kind === 'internal') return 'internal';
  if (t.layer === 'bronze' || t.layer === 'silver' || t.layer === 'gold') return t.layer;
  return 'other';
}

export function schemaTree(onOpen: (table: string) => void): HTMLElement & { render(tables: SchemaTable[], counts: TableCount[]): void } {
  const root = el('nav', { class: 'schema-tree', attrs: { 'aria-label': 'tables' } });
  const open = new Set<string>();
  const render = (tables: SchemaTable[], counts: TableCount[]) => {
    const rows = new Map(counts.map((c) => [c.table, c.rows]));
    root.replaceChildren(
      ...groups.filter((group) => tables.some((t) => groupOf(t) === group)).map((group) => {
        const members = tables.filter((t) => groupOf(t) === group);
        return el('section', { class: 'schema-group' },
          el('h3', {}, group === 'other' || group === 'internal' ? null : el('span', { class: `layer-dot ${group}` }), el('span', { text: ` ${group}` })),
          ...members.map((t) => {
            const name = el('button', { class: 'table-name', text: t.name, title: `${t.topic ? `topic ${t.topic}\n` : ''}query ${t.name}`, attrs: { type: 'button' } });
            name.addEventListener('click', (e) => {
              e.preventDefault();
              onOpen(t.name);
            });
            const count = rows.get(t.name);
            const details = el('details', { class: 'schema-table', attrs: { 'data-table': t.name } },
              el('summary', {}, name, count === undefined ? null : el('span', { class: 'badge', text: count.toLocaleString('en-US') })),
              el('ul', {}, ...t.columns.map((c) => el('li', { title: `${c.name} ${c.type}` }, el('span', { text: c.name }), el('span', { class: 'col-type', text: c.type })))));
            details.open = open.has(t.name);
            details.addEventListener('toggle', () => (details.open ? open.add(t.name) : open.delete(t.name)));
            return details;
          }));
      }),
    );
  };
  return Object.assign(root, { render });
}
