/**
 * The query tab: the SQL editor, its history and exports, the result grid or a chart of it, and
 * the drill from a selected gold row to its lineage or its window's debugger.
 */
import type { GoldRowRef, JsonValue, ResultView, SchemaTable } from '../../sandbox/protocol/inspector';
import type { InspectorClient } from '../client';
import { RequestFailed } from '../client';
import { el, iconButton } from '../dom';
import { createSqlEditor } from '../editor/sql-editor';
import { ResultGrid } from '../grid/result-grid';
import type { SavedState } from '../state';
import { withHistory } from '../state';
import type { ChartSettings } from './chart-view';
import { chartControls, defaultChart, drawChart, maxChartRows } from './chart-view';
import { lineageView } from './lineage-view';
import { windowDebugger } from './window-debugger';

export const pageSize = 200;

export interface QueryViewHost {
  client: InspectorClient;
  state: SavedState;
  save(): void;
  tables(): SchemaTable[];
  /** Hands a finished export to the host: a link in a browser, a save dialog in VS Code. */
  download(path: string, fileName: string): void;
}

export function queryView(host: QueryViewHost): HTMLElement & { openTable(name: string): void } {
  const { client, state } = host;
  const status = el('span', { class: 'status', attrs: { role: 'status', 'aria-live': 'polite' } });
  const history = el('select', { class: 'history', attrs: { 'aria-label': 'history' } });
  const editorHost = el('div', { class: 'editor-host' });
  const resultInfo = el('span', { class: 'result-info' });
  const drawer = el('aside', { class: 'drawer', attrs: { hidden: '', 'aria-label': 'details' } });
  const chartHost = el('div', { class: 'chart-host', attrs: { hidden: '' } });
  let lastSql: string | undefined;
  let view: ResultView = state.view ?? {};
  let selectedRef: GoldRowRef | undefined;

  const grid = new ResultGrid({
    onView: (next) => void run(next, lastSql),
    onSelect: (_index, row) => updateRowActions(row),
    onActivate: (_index, row) => {
      updateRowActions(row);
      if (selectedRef !== undefined) void openLineage();
    },
  }, state.columnWidths ?? {});

  const fillHistory = () => {
    history.replaceChildren(el('option', { text: 'History…' }), ...state.history.map((sql, i) => {
      const option = el('option', { text: sql.replace(/\s+/g, ' ').slice(0, 120) });
      option.value = String(i);
      return option;
    }));
  };
  history.addEventListener('change', () => {
    const sql = state.history[Number(history.value)];
    if (sql !== undefined) editor.setValue(sql);
    history.selectedIndex = 0;
    editor.focus();
  });

  const showError = (error: unknown, startOffset: number) => {
    const message = error instanceof Error ? error.message : String(error);
    status.textContent = message;
    status.className = 'status error';
    if (error instanceof RequestFailed) editor.showError(message, error.error.position, startOffset);
  };

  async function run(nextView: ResultView = {}, sqlOverride?: string): Promise<void> {
    const { sql, startOffset } = sqlOverride === undefined ? editor.runnableText() : { sql: sqlOverride, startOffset: 0 };
    performance.clearMarks('run-start');
    performance.mark('run-start');
    status.textContent = 'running…';
    status.className = 'status';
    editor.clearError();
    try {
      const result = await client.request('query/run', { sql, view: nextView, pageSize });
      lastSql = sql;
      view = nextView;
      state.view = view;
      state.history = withHistory(state.history, sql);
      fillHistory();
      host.save();
      resultInfo.textContent = `${result.totalRows.toLocaleString('en-US')} rows · ${result.elapsedMs.toFixed(0)} ms in DuckDB`;
      status.textContent = '';
      grid.setSource(
        { columns: result.columns, totalRows: result.totalRows, firstRows: result.rows, pageSize, view, fetchPage: (offset, limit) => client.request('query/page', { sql, view, offset, limit }).then((r) => r.rows) },
        () => requestAnimationFrame(() => setTimeout(() => {
          performance.clearMarks('rows-painted');
          performance.mark('rows-painted');
          performance.measure('run-to-paint', 'run-start', 'rows-painted');
          document.body.dataset.runs = String(Number(document.body.dataset.runs ?? 0) + 1);
        })),
      );
      updateRowActions(undefined);
      if (!chartHost.hidden) void showChart();
    } catch (error) {
      showError(error, startOffset);
    }
  }

  const editor = createSqlEditor(editorHost, state.sql, () => void run({}));
  editor.onChange((sql) => {
    state.sql = sql;
    host.save();
  });

  const goldRefOf = (row: JsonValue[] | undefined): GoldRowRef | undefined => {
    if (row === undefined) return undefined;
    const at = (name: string) => grid.columns.findIndex((c) => c.name === name);
    const [topic, partition, offset, layer] = [row[at('_topic')], row[at('_partition')], row[at('_offset')], row[at('_layer')]];
    if (typeof topic !== 'string' || typeof partition !== 'number' || typeof offset !== 'number') return undefined;
    const table = host.tables().find((t) => t.topic === topic && t.kind === 'table');
    if (table === undefined || (layer ?? table.layer) !== 'gold') return undefined;
    return { table: table.name, partition, offset };
  };
  const traceButton = iconButton('type-hierarchy-sub', 'Trace this gold row to silver and bronze (Enter)', () => void openLineage(), 'Lineage');
  const windowButton = iconButton('watch', 'Open the window debugger for this gold row', () => void openWindow(), 'Window');
  const copyButton = iconButton('copy', 'Copy the row (Ctrl+Shift+C)', () => void grid.copySelection(true), 'Copy row');
  const updateRowActions = (row: JsonValue[] | undefined) => {
    selectedRef = goldRefOf(row);
    traceButton.disabled = selectedRef === undefined;
    windowButton.disabled = selectedRef === undefined;
    copyButton.disabled = row === undefined;
  };
  updateRowActions(undefined);

  const openDrawer = (content: HTMLElement) => {
    const close = iconButton('close', 'Close details', () => {
      drawer.hidden = true;
    });
    drawer.replaceChildren(el('div', { class: 'drawer-bar' }, close), content);
    drawer.hidden = false;
  };
  async function openLineage(): Promise<void> {
    const ref = selectedRef;
    if (ref === undefined) return;
    openDrawer(el('div', { class: 'note', text: 'tracing…' }));
    try {
      openDrawer(lineageView(ref, await client.request('lineage/trace', ref)));
    } catch (error) {
      openDrawer(el('div', { class: 'error', text: error instanceof Error ? error.message : String(error) }));
    }
  }
  async function openWindow(): Promise<void> {
    const ref = selectedRef;
    if (ref === undefined) return;
    openDrawer(el('div', { class: 'note', text: 'reading the window…' }));
    try {
      openDrawer(windowDebugger(ref, await client.request('window/debug', ref)));
    } catch (error) {
      openDrawer(el('div', { class: 'error', text: error instanceof Error ? error.message : String(error) }));
    }
  }

  const exportAs = (format: 'csv' | 'json' | 'parquet') => async () => {
    if (lastSql === undefined) return;
    status.textContent = `exporting ${format}…`;
    try {
      const file = await client.request('export/create', { sql: lastSql, view, format });
      host.download(file.path, file.fileName);
      status.textContent = `exported ${file.fileName} (${file.bytes.toLocaleString('en-US')} bytes)`;
    } catch (error) {
      showError(error, 0);
    }
  };

  let chartSettings: ChartSettings | undefined = state.chart;
  async function showChart(): Promise<void> {
    if (lastSql === undefined) {
      chartHost.replaceChildren(el('div', { class: 'note', text: 'Run a query first.' }));
      return;
    }
    const columns = grid.columns;
    if (chartSettings === undefined || !columns.some((c) => c.name === chartSettings?.x)) chartSettings = defaultChart(columns);
    if (chartSettings === undefined) {
      chartHost.replaceChildren(el('div', { class: 'note', text: 'The result has no numeric column to chart.' }));
      return;
    }
    const { rows } = await client.request('query/page', { sql: lastSql, view, offset: 0, limit: maxChartRows });
    const plot = el('div', { class: 'chart-plot', attrs: { 'data-testid': 'chart' } });
    chartHost.replaceChildren(chartControls(columns, chartSettings, (next) => {
      chartSettings = next;
      state.chart = next;
      host.save();
      void showChart();
    }), plot);
    try {
      drawChart(plot, columns, rows, chartSettings);
      if (grid.totalRows > maxChartRows) plot.append(el('div', { class: 'note', text: `Charting the first ${maxChartRows.toLocaleString('en-US')} rows of ${grid.totalRows.toLocaleString('en-US')}.` }));
    } catch (error) {
      plot.replaceChildren(el('div', { class: 'error', text: error instanceof Error ? error.message : String(error) }));
    }
  }
  const gridTab = el('button', { class: 'tab selected', text: 'Grid', attrs: { type: 'button', role: 'tab' } });
  const chartTab = el('button', { class: 'tab', text: 'Chart', attrs: { type: 'button', role: 'tab' } });
  gridTab.addEventListener('click', () => {
    gridTab.classList.add('selected');
    chartTab.classList.remove('selected');
    grid.element.hidden = false;
    chartHost.hidden = true;
  });
  chartTab.addEventListener('click', () => {
    chartTab.classList.add('selected');
    gridTab.classList.remove('selected');
    grid.element.hidden = true;
    chartHost.hidden = false;
    void showChart();
  });

  const runButton = iconButton('play', 'Run the selection, or everything (Ctrl+Enter)', () => void run({}), 'Run');
  runButton.classList.add('primary', 'run-button');
  fillHistory();
  window.addEventListener('beforeunload', () => {
    state.columnWidths = grid.columnWidths;
    host.save();
  });
  const root = el(
    'div',
    { class: 'query-view' },
    el('div', { class: 'toolbar' }, runButton, history, el('span', { class: 'separator' }),
      iconButton('export', 'Export the whole result as CSV', () => void exportAs('csv')(), 'CSV'),
      iconButton('json', 'Export the whole result as JSON', () => void exportAs('json')(), 'JSON'),
      iconButton('database', 'Export the whole result as Parquet', () => void exportAs('parquet')(), 'Parquet'),
      status),
    editorHost,
    el('div', { class: 'toolbar results-bar', attrs: { role: 'tablist' } }, gridTab, chartTab, el('span', { class: 'separator' }), traceButton, windowButton, copyButton, resultInfo),
    el('div', { class: 'results' }, el('div', { class: 'results-main' }, grid.element, chartHost), drawer),
  );
  return Object.assign(root, {
    openTable(name: string) {
      editor.setValue(`SELECT *\nFROM "${name.replaceAll('"', '""')}"\nLIMIT 1000`);
      void run({});
    },
  });
}
