/**
 * Charts of a result with uPlot: a time series (one line per key when a key column is chosen, as a
 * gold table has one row per window and key) or bars per key (the values summed per key). The
 * columns are chosen from the result's own; the chart reads at most `maxChartRows` rows.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { JsonValue, ResultColumn } from '../../sandbox/protocol/inspector';
import { el } from '../dom';

export interface ChartSettings {
  kind: 'time' | 'bars';
  x: string;
  y: string[];
  /** For time series: one line per distinct value of this column. */
  split?: string;
}

export const maxChartRows = 10_000;
const maxSeries = 10;
const palette = ['#3794ff', '#f14c4c', '#89d185', '#cca700', '#b180d7', '#4ec9b0', '#d18616', '#e5e5e5', '#ff8ad8', '#75beff'];

const numericTypes = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|REAL|DECIMAL)/;
const timeNames = /(^_timestamp$|time|start|end|_at$|^at$|^ts$|date)/i;

export function isNumeric(c: ResultColumn): boolean {
  return numericTypes.test(c.type);
}

/** A first guess of what to chart: a time-like x, the numeric columns that are not bookkeeping. */
export function defaultChart(columns: ResultColumn[]): ChartSettings | undefined {
  const values = columns.filter((c) => isNumeric(c) && !c.name.startsWith('_') && !timeNames.test(c.name));
  const time = columns.find((c) => c.type.startsWith('TIMESTAMP') || (isNumeric(c) && timeNames.test(c.name) && !c.name.startsWith('_'))) ?? columns.find((c) => c.name === '_timestamp');
  if (values.length === 0) return undefined;
  if (time !== undefined) return { kind: 'time', x: time.name, y: [values[0]?.name as string], split: columns.some((c) => c.name === 'key') ? 'key' : undefined };
  const category = columns.find((c) => !isNumeric(c) && !c.name.startsWith('_'));
  return category === undefined ? undefined : { kind: 'bars', x: category.name, y: [values[0]?.name as string] };
}

function toMs(value: JsonValue | undefined): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const parsed = Date.parse(/[zZ]$|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(' ', 'T')}Z`);
    return Number.isNaN(parsed) ? null : parsed;
  }
  return null;
}

function themeColor(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

export function drawChart(host: HTMLElement, columns: ResultColumn[], rows: JsonValue[][], settings: ChartSettings): uPlot {
  const at = (name: string) => columns.findIndex((c) => c.name === name);
  const xi = at(settings.x);
  const yis = settings.y.map(at).filter((i) => i >= 0);
  if (xi < 0 || yis.length === 0) throw new Error('choose an x column and at least one value column');
  const axisColor = themeColor('--vscode-foreground', '#cccccc');
  const gridColor = themeColor('--vscode-editorWidget-border', '#454545');
  const axis = (values?: uPlot.Axis['values'], size?: number): uPlot.Axis => ({ stroke: axisColor, ...(size ? { size } : {}), grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor }, ...(values ? { values } : {}) });
  const width = Math.max(300, host.clientWidth - 16);
  const height = Math.max(200, host.clientHeight - 60);
  let data: uPlot.AlignedData;
  let series: uPlot.Series[];
  let opts: Partial<uPlot.Options>;
  if (settings.kind === 'time') {
    const split = settings.split === undefined ? -1 : at(settings.split);
    const xs = [...new Set(rows.map((r) => toMs(r[xi])).filter((v): v is number => v !== null))].sort((a, b) => a - b);
    const xIndex = new Map(xs.map((x, i) => [x, i]));
    const lines = new Map<string, (number | null)[]>();
    for (const row of rows) {
      const x = toMs(row[xi]);
      if (x === null) continue;
      for (const yi of yis) {
        const name = split < 0 ? (columns[yi] as ResultColumn).name : `${String(row[split])} · ${(columns[yi] as ResultColumn).name}`;
        if (!lines.has(name) && lines.size >= maxSeries) continue;
        const line = lines.get(name) ?? lines.set(name, new Array<number | null>(xs.length).fill(null)).get(name) as (number | null)[];
        const value = row[yi];
        line[xIndex.get(x) as number] = typeof value === 'number' ? value : value === null ? null : Number(value);
      }
    }
    data = [xs, ...lines.values()];
    series = [{}, ...[...lines.keys()].map((label, i) => ({ label, stroke: palette[i % palette.length], width: 1.5, spanGaps: true, points: { show: xs.length < 200 } }))];
    opts = { ms: 1, scales: { x: { time: true } }, axes: [axis(), axis(undefined, 80)] };
  } else {
    const totals = new Map<string, number[]>();
    for (const row of rows) {
      const key = String(row[xi]);
      if (!totals.has(key) && totals.size >= 200) continue;
      const sums = totals.get(key) ?? totals.set(key, yis.map(() => 0)).get(key) as number[];
      yis.forEach((yi, i) => (sums[i] = (sums[i] as number) + (Number(row[yi]) || 0)));
    }
    const keys = [...totals.keys()];
    data = [keys.map((_, i) => i), ...yis.map((_, i) => keys.map((k) => (totals.get(k) as number[])[i] as number))];
    const bars = uPlot.paths.bars?.({ size: [0.8 / yis.length, 80], align: 0 });
    series = [{}, ...yis.map((yi, i) => ({ label: (columns[yi] as ResultColumn).name, stroke: palette[i % palette.length], fill: `${palette[i % palette.length]}99`, paths: bars, points: { show: false } }))];
    opts = {
      scales: { x: { time: false, range: (_u, min, max) => [min - 0.5, max + 0.5] } },
      axes: [axis((_u, splits) => splits.map((s) => (Number.isInteger(s) ? (keys[s] ?? '') : ''))), axis(undefined, 80)],
    };
  }
  host.replaceChildren();
  return new uPlot({ width, height, series, legend: { show: true }, cursor: { drag: { x: true, y: false } }, ...opts } as uPlot.Options, data, host);
}

/** The controls that pick the chart: kind, x, values and the key to split by. */
export function chartControls(columns: ResultColumn[], settings: ChartSettings, onChange: (s: ChartSettings) => void): HTMLElement {
  const select = (label: string, options: string[], value: string | undefined, change: (v: string) => void, multiple = false, selected: string[] = []) => {
    const node = el('select', { attrs: { 'aria-label': label, ...(multiple ? { multiple: '', size: '3' } : {}) } }, ...options.map((o) => {
      const option = el('option', { text: o === '' ? '(none)' : o });
      option.value = o;
      option.selected = multiple ? selected.includes(o) : o === value;
      return option;
    }));
    node.addEventListener('change', () => change(multiple ? [...node.selectedOptions].map((o) => o.value).join('\u0000') : node.value));
    return el('label', { class: 'chart-control' }, el('span', { text: label }), node);
  };
  const names = columns.map((c) => c.name);
  const numeric = columns.filter(isNumeric).map((c) => c.name);
  return el(
    'div',
    { class: 'chart-controls' },
    select('chart', ['time', 'bars'], settings.kind, (v) => onChange({ ...settings, kind: v as 'time' | 'bars' })),
    select(settings.kind === 'time' ? 'time' : 'key', names, settings.x, (v) => onChange({ ...settings, x: v })),
    select('values', numeric, undefined, (v) => onChange({ ...settings, y: v.split('\u0000').filter(Boolean) }), true, settings.y),
    settings.kind === 'time' ? select('one line per', ['', ...names], settings.split ?? '', (v) => onChange({ ...settings, split: v === '' ? undefined : v })) : null,
  );
}
