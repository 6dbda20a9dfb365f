/**
 * The inspector's shell: a header with the live layer counts and the tabs (query, layers side by
 * side, side outputs), the schema kept fresh for completion, and the state saved across hiding.
 */
import type { SchemaTable, TableCount } from '../sandbox/protocol/inspector';
import type { InspectorClient } from './client';
import { el } from './dom';
import { setCompletionSchema } from './editor/schema-completion';
import { pageConfig } from './page-config';
import type { SavedState } from './state';
import { loadState, saveState } from './state';
import { vsCode } from './transport';
import { renderCounts } from './views/counts-bar';
import { schemaTree } from './views/schema-tree';
import { layersView } from './views/layers-view';
import { queryView } from './views/query-view';
import { sideOutputsView } from './views/side-outputs-view';

const starterSql = `-- Ctrl+Enter runs the selection, or everything.
SELECT *
FROM _medallion_counts
ORDER BY table_name;
`;

export function startApp(root: HTMLElement, client: InspectorClient, connection: { onStatus(l: (s: 'open' | 'closed') => void): void }): void {
  const state: SavedState = { sql: starterSql, history: [], view: {}, tab: 'query', ...loadState() };
  const save = () => saveState(state);
  let tables: SchemaTable[] = [];
  let tableCounts: TableCount[] = [];

  const counts = el('div', { class: 'counts', attrs: { 'aria-label': 'rows per layer', 'data-testid': 'counts' } });
  const connectionBadge = el('span', { class: 'connection', text: 'connecting…' });
  connection.onStatus((s) => {
    connectionBadge.textContent = s === 'open' ? '' : 'disconnected: reconnecting…';
    if (s === 'open') void refreshSchema();
  });

  const download = (path: string, fileName: string) => {
    const api = vsCode();
    if (pageConfig.transport === 'postmessage' && api !== undefined) {
      // The extension fetches the file from the inspector server and asks where to save it.
      api.postMessage({ kind: 'download', path, fileName });
      return;
    }
    const link = el('a', { attrs: { href: path, download: fileName } });
    document.body.append(link);
    link.click();
    link.remove();
  };

  const query = queryView({ client, state, save, tables: () => tables, download });
  const tree = schemaTree((name) => query.openTable(name));
  const queryPanel = el('div', { class: 'query-panel' }, tree, query);
  const layers = layersView(client, () => tables);
  const side = sideOutputsView(client, () => tables, () => tableCounts);
  const panels: Record<string, HTMLElement> = { query: queryPanel, layers, side };
  const labels: Record<string, string> = { query: 'Query', layers: 'Bronze · Silver · Gold', side: 'Quarantine · Late · Dead letters' };
  const tabButtons = Object.keys(panels).map((name) => {
    const button = el('button', { class: 'tab', text: labels[name] ?? name, attrs: { type: 'button', role: 'tab', 'data-tab': name } });
    button.addEventListener('click', () => select(name));
    return button;
  });
  const select = (name: string) => {
    state.tab = name;
    save();
    for (const [n, panel] of Object.entries(panels)) panel.hidden = n !== name;
    for (const b of tabButtons) {
      b.classList.toggle('selected', b.dataset.tab === name);
      b.setAttribute('aria-selected', String(b.dataset.tab === name));
    }
  };

  async function refreshSchema(): Promise<void> {
    const [schema, current] = await Promise.all([client.request('schema/list', {}), client.request('counts/get', {})]);
    tables = schema.tables;
    tableCounts = current.tables;
    setCompletionSchema(tables);
    renderCounts(counts, current.layers);
    layers.refresh();
    side.refresh();
    tree.render(tables, tableCounts);
    document.body.dataset.schemaTables = String(tables.length);
  }
  client.onEvent((event) => {
    if (event.event === 'counts/changed') {
      tableCounts = event.counts.tables;
      renderCounts(counts, event.counts.layers);
      side.refresh();
    } else if (event.event === 'schema/changed') {
      void refreshSchema();
    }
  });

  root.replaceChildren(
    el('header', { class: 'app-header' }, el('span', { class: 'codicon codicon-layers-active' }), el('strong', { text: 'Medallion Inspector' }), el('nav', { class: 'tabs', attrs: { role: 'tablist' } }, ...tabButtons), counts, connectionBadge),
    el('main', { class: 'app-main' }, ...Object.values(panels)),
  );
  select(panels[state.tab] ? state.tab : 'query');
}
