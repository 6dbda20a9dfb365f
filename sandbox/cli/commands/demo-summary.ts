/**
 * The demo's closing summary: per layer, what the warehouse holds (rows, and the quarantined, late
 * and dead-lettered records beside them) and how fast the pipeline wrote it; then the top rows of
 * each gold table, so the first run ends with business answers on the screen.
 */
import type { RunMetrics } from '../../runner/index';
import type { ListedTable, Warehouse } from '../../warehouse/index';

interface LayerLine {
  layer: string;
  tier: string;
  rows: number;
  quarantined: number;
  late: number;
  deadLetters: number;
}

const sideOutputs = { quarantine: 'quarantined', late: 'late', dead_letter: 'deadLetters' } as const;
const tierOrder = ['bronze', 'silver', 'gold'];

export async function printSummary(warehouse: Warehouse, metrics: RunMetrics, runMs: number): Promise<void> {
  const lines = await layerLines(warehouse);
  console.log('');
  console.log(`${'layer'.padEnd(32)} ${'tier'.padEnd(6)} ${'rows'.padStart(8)} ${'quarant.'.padStart(8)} ${'late'.padStart(6)} ${'dead l.'.padStart(7)} ${'rows/s'.padStart(9)}`);
  for (const l of lines) {
    // A source's counters say what it read; a layer's, what it wrote.
    const counters = metrics.layers[l.layer];
    const out = l.tier === 'bronze' ? counters?.in : counters?.out;
    const rate = out === undefined || runMs <= 0 ? '' : Math.round(out / (runMs / 1000)).toLocaleString();
    console.log(`${l.layer.padEnd(32)} ${l.tier.padEnd(6)} ${fmt(l.rows).padStart(8)} ${fmt(l.quarantined).padStart(8)} ${fmt(l.late).padStart(6)} ${fmt(l.deadLetters).padStart(7)} ${rate.padStart(9)}`);
  }
  const tables = await warehouse.listTables();
  for (const gold of lines.filter((l) => l.tier === 'gold' && l.rows > 0)) await printTopRows(warehouse, tables, gold.layer);
}

/** Rows per layer topic with its side outputs folded in, from the warehouse's own counters. */
async function layerLines(warehouse: Warehouse): Promise<LayerLine[]> {
  const result = await warehouse.query(
    `SELECT t.topic, any_value(c.layer), any_value(c.output), sum(c.row_count)::BIGINT
     FROM _medallion_counts c JOIN _medallion_tables t ON t.table_name = c.table_name
     GROUP BY t.topic ORDER BY t.topic`,
    { rowLimit: 10_000 },
  );
  const byLayer = new Map<string, LayerLine>();
  const lineOf = (layer: string, tier: string): LayerLine => {
    let line = byLayer.get(layer);
    if (line === undefined) byLayer.set(layer, (line = { layer, tier, rows: 0, quarantined: 0, late: 0, deadLetters: 0 }));
    return line;
  };
  for (const [topic, tier, output, rows] of result.rows) {
    const name = String(topic);
    const count = Number(rows);
    const side = sideOutputs[String(output) as keyof typeof sideOutputs];
    if (side !== undefined && name.endsWith(`.${String(output)}`)) {
      lineOf(name.slice(0, -String(output).length - 1), String(tier ?? ''))[side] += count;
    } else if (!name.startsWith('_')) {
      const line = lineOf(name, String(tier ?? 'bronze'));
      line.tier = String(tier ?? 'bronze');
      line.rows += count;
    }
  }
  return [...byLayer.values()].sort((a, b) => tierOrder.indexOf(a.tier) - tierOrder.indexOf(b.tier) || a.layer.localeCompare(b.layer));
}

/** The first rows of a gold table by its first measure, current rows only where it has updates. */
async function printTopRows(warehouse: Warehouse, tables: ListedTable[], topic: string): Promise<void> {
  const table = tables.find((t) => t.topic === topic && t.kind === 'view') ?? tables.find((t) => t.topic === topic && t.kind === 'table');
  if (table === undefined) return;
  const columns = table.columns.filter((c) => !c.name.startsWith('_'));
  const measure = columns.find((c) => /INT|DOUBLE|DECIMAL|FLOAT/.test(c.type) && !/^(windowStart|windowEnd|key)$/.test(c.name));
  const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;
  const order = measure === undefined ? '' : ` ORDER BY ${quoted(measure.name)} DESC`;
  const result = await warehouse.query(`SELECT ${columns.map((c) => quoted(c.name)).join(', ')} FROM ${quoted(table.name)}${order} LIMIT 3`, { rowLimit: 3 });
  console.log(`\n${topic}${measure === undefined ? '' : `, top by ${measure.name}`}:`);
  for (const row of result.rows) {
    console.log(`  ${row.map((v, i) => `${result.columns[i]!.name}=${cell(result.columns[i]!.name, v)}`).join('  ')}`);
  }
}

function cell(name: string, value: unknown): string {
  if (typeof value === 'number' && /^window(Start|End)$/.test(name)) return new Date(value).toISOString().slice(11, 19);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function fmt(n: number): string {
  return n === 0 ? '-' : n.toLocaleString();
}
