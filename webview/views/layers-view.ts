/**
 * Bronze, silver and gold side by side for one key and time range. The key and range are shared, so
 * every pane shows the same slice; selecting a row in one pane moves a shared time cursor and the
 * other panes follow it to their nearest record.
 */
import type { JsonValue, RowSet, SchemaTable } from '../../sandbox/protocol/inspector';
import type { InspectorClient } from '../client';
import { el } from '../dom';
import { columnIndex, smallTable } from './small-table';

const layers = ['bronze', 'silver', 'gold'] as const;

function parseTime(text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const ms = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Date.parse(/[zZ]$|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.trim().replace(' ', 'T')}Z`);
  if (Number.isNaN(ms)) throw new Error(`"${text}" is not a time (ISO 8601 or epoch ms)`);
  return ms;
}

function timeOf(set: RowSet, row: JsonValue[]): number {
  const value = row[columnIndex(set, '_timestamp')];
  if (typeof value !== 'string') return Number(value);
  // DuckDB's timestamps are UTC; some renderings carry the zone, some do not.
  return Date.parse(/[zZ]$|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(' ', 'T')}Z`);
}

export function layersView(client: InspectorClient, tables: () => SchemaTable[]): HTMLElement & { refresh(): void } {
  const key = el('input', { attrs: { type: 'text', placeholder: 'key (empty: any)', 'aria-label': 'key', spellcheck: 'false' } });
  const from = el('input', { attrs: { type: 'text', placeholder: 'from (ISO or epoch ms)', 'aria-label': 'from' } });
  const to = el('input', { attrs: { type: 'text', placeholder: 'to (exclusive)', 'aria-label': 'to' } });
  const status = el('span', { class: 'status' });
  const panes = layers.map((layer) => {
    const choice = el('select', { attrs: { 'aria-label': `${layer} table` } });
    const body = el('div', { class: 'pane-body' });
    const pane = el('section', { class: `layer-pane ${layer}`, attrs: { 'data-layer': layer } }, el('header', {}, el('span', { class: `layer-dot ${layer}` }), el('strong', { text: layer }), choice), body);
    return { layer, choice, body, pane, set: undefined as RowSet | undefined };
  });
  const fillChoices = () => {
    for (const p of panes) {
      const current = p.choice.value;
      const options = tables().filter((t) => t.kind === 'table' && t.layer === p.layer && (t.output === undefined || !['late', 'quarantine', 'dead_letter'].includes(t.output)));
      p.choice.replaceChildren(...options.map((t) => {
        const o = el('option', { text: t.name });
        o.value = t.name;
        return o;
      }));
      if (options.some((t) => t.name === current)) p.choice.value = current;
    }
  };
  const follow = (source: (typeof panes)[number], at: number) => {
    for (const p of panes) {
      const rows = [...p.body.querySelectorAll('tbody tr')] as HTMLElement[];
      rows.forEach((r) => r.classList.remove('cursor'));
      if (p.set === undefined || p.set.rows.length === 0) continue;
      let best = 0;
      p.set.rows.forEach((row, i) => {
        if (Math.abs(timeOf(p.set as RowSet, row) - at) < Math.abs(timeOf(p.set as RowSet, p.set?.rows[best] ?? row) - at)) best = i;
      });
      const target = rows[best];
      target?.classList.add('cursor');
      if (p !== source) target?.scrollIntoView({ block: 'nearest' });
    }
  };
  const load = async () => {
    status.textContent = 'loading…';
    try {
      const params = { key: key.value === '' ? undefined : key.value, from: parseTime(from.value), to: parseTime(to.value), limit: 500 };
      await Promise.all(panes.map(async (p) => {
        if (p.choice.value === '') {
          p.body.replaceChildren(el('div', { class: 'note', text: `No ${p.layer} table yet.` }));
          return;
        }
        const set = await client.request('layers/slice', { table: p.choice.value, ...params });
        p.set = set;
        p.body.replaceChildren(smallTable(set, {
          first: ['_timestamp', '_key', '_partition', '_offset'],
          hide: ['_lineage', '_headers'],
          onRowClick: (row) => follow(p, timeOf(set, row)),
        }));
      }));
      status.textContent = '';
    } catch (error) {
      status.textContent = error instanceof Error ? error.message : String(error);
    }
  };
  const show = el('button', { class: 'primary', text: 'Show', attrs: { type: 'button' } });
  show.addEventListener('click', () => void load());
  for (const input of [key, from, to]) input.addEventListener('keydown', (e) => e.key === 'Enter' && void load());
  const root = Object.assign(el('div', { class: 'layers-view' }, el('div', { class: 'toolbar' }, key, from, to, show, status), el('div', { class: 'panes' }, ...panes.map((p) => p.pane))), { refresh: fillChoices });
  fillChoices();
  return root;
}
