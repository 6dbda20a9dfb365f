/**
 * What the editor needs for completion and what the inspector shows as live counters: the tables
 * and views with their columns and types as they are now, and rows per layer and side output.
 */
import type { CatalogState } from './catalog';
import { catalogTables } from './catalog';
import type { RunSql } from './lineage-trace';

export interface ListedColumn {
  name: string;
  /** DuckDB's type name, e.g. `BIGINT`, `JSON`, `STRUCT(t VARCHAR, p INTEGER, o BIGINT)[]`. */
  type: string;
  /** The JSON field the column holds, for typed columns. */
  field?: string;
  /** Whether a layer schema declared the field's type (else it was inferred). */
  declared?: boolean;
}

export interface ListedTable {
  name: string;
  /** `table`: a topic's rows; `view`: a topic's current rows; `internal`: the warehouse's bookkeeping; `other`: made by a user. */
  kind: 'table' | 'view' | 'internal' | 'other';
  topic?: string;
  columns: ListedColumn[];
}

export async function listTables(run: RunSql, catalog: CatalogState): Promise<ListedTable[]> {
  const result = await run(`SELECT c.table_name, c.column_name, c.data_type
FROM information_schema.columns c
WHERE c.table_schema = 'main' AND c.table_catalog = current_database()
ORDER BY c.table_name, c.ordinal_position`);
  const topicTables = new Map<string, { topic: string; kind: 'table' | 'view' }>();
  const fields = new Map<string, Map<string, { field: string; declared: boolean }>>();
  for (const t of catalog.tables.values()) {
    topicTables.set(t.table, { topic: t.topic, kind: 'table' });
    if (t.currentView !== null) topicTables.set(t.currentView, { topic: t.topic, kind: 'view' });
    const byColumn = new Map(t.columns.map((c) => [c.column, { field: c.field, declared: c.declared }]));
    fields.set(t.table, byColumn);
    if (t.currentView !== null) fields.set(t.currentView, byColumn);
  }
  const internal = new Set<string>(catalogTables);
  const tables = new Map<string, ListedTable>();
  for (const [tableName, columnName, dataType] of result.rows) {
    const name = String(tableName);
    let table = tables.get(name);
    if (table === undefined) {
      const known = topicTables.get(name);
      table = known
        ? { name, kind: known.kind, topic: known.topic, columns: [] }
        : { name, kind: internal.has(name) ? 'internal' : 'other', columns: [] };
      tables.set(name, table);
    }
    const column: ListedColumn = { name: String(columnName), type: String(dataType) };
    const field = fields.get(name)?.get(column.name);
    if (field !== undefined) Object.assign(column, field);
    table.columns.push(column);
  }
  return [...tables.values()];
}

export interface LayerCounts {
  layer: string;
  /** Rows of the layer's main output. */
  rows: number;
  quarantined: number;
  late: number;
  deadLetter: number;
  /** Rows of any other named output. */
  other: number;
}

const sideOutputs: Record<string, keyof Omit<LayerCounts, 'layer' | 'rows' | 'other'>> = {
  quarantine: 'quarantined',
  late: 'late',
  dead_letter: 'deadLetter',
};

/** Rows per layer and side output, from the counters kept with every batch; no query runs. */
export function layerCounts(catalog: CatalogState): LayerCounts[] {
  const layers = new Map<string, LayerCounts>();
  for (const [key, rows] of catalog.counts) {
    const [, layer = '', output = ''] = key.split('\u0000');
    let counts = layers.get(layer);
    if (counts === undefined) layers.set(layer, (counts = { layer, rows: 0, quarantined: 0, late: 0, deadLetter: 0, other: 0 }));
    const side = sideOutputs[output];
    if (output === layer) counts.rows += rows;
    else if (side !== undefined) counts[side] += rows;
    else counts.other += rows;
  }
  const order = ['bronze', 'silver', 'gold'];
  return [...layers.values()].sort((a, b) => {
    const ia = order.indexOf(a.layer);
    const ib = order.indexOf(b.layer);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.layer.localeCompare(b.layer);
  });
}
