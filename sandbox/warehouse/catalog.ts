/**
 * The warehouse's own bookkeeping, kept in DuckDB next to the data so that it commits in the same
 * transaction as the rows it describes:
 * - `_medallion_tables`: which table (and current-rows view) holds which topic;
 * - `_medallion_columns`: which column holds which JSON field, its type, and whether a schema declared it;
 * - `_medallion_offsets`: the next offset to materialize per topic and partition;
 * - `_medallion_counts`: rows per table, layer and output, for live counters.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { FieldType } from './field-types';
import { isFieldType } from './field-types';

/** The columns every topic table starts with, in order. Typed field columns follow them. */
export const systemColumns = [
  ['_topic', 'VARCHAR'],
  ['_partition', 'INTEGER'],
  ['_offset', 'BIGINT'],
  ['_timestamp', 'TIMESTAMP'],
  ['_key', 'VARCHAR'],
  ['_raw', 'VARCHAR'],
  ['_headers', 'JSON'],
  ['_layer', 'VARCHAR'],
  ['_output', 'VARCHAR'],
  ['_lineage', 'STRUCT(t VARCHAR, p INTEGER, o BIGINT)[]'],
  ['_lineage_truncated', 'INTEGER'],
  ['_change', 'VARCHAR'],
  ['_id', 'VARCHAR'],
  ['_parse_error', 'VARCHAR'],
] as const;

export const catalogTables = ['_medallion_tables', '_medallion_columns', '_medallion_offsets', '_medallion_counts'] as const;

const catalogDdl = [
  'CREATE TABLE IF NOT EXISTS _medallion_tables (topic VARCHAR NOT NULL, table_name VARCHAR NOT NULL, current_view VARCHAR)',
  'CREATE TABLE IF NOT EXISTS _medallion_columns (table_name VARCHAR NOT NULL, field VARCHAR NOT NULL, column_name VARCHAR NOT NULL, type VARCHAR NOT NULL, declared BOOLEAN NOT NULL, position INTEGER NOT NULL)',
  'CREATE TABLE IF NOT EXISTS _medallion_offsets (topic VARCHAR NOT NULL, "partition" INTEGER NOT NULL, next_offset BIGINT NOT NULL)',
  'CREATE TABLE IF NOT EXISTS _medallion_counts (table_name VARCHAR NOT NULL, layer VARCHAR, output VARCHAR, row_count BIGINT NOT NULL)',
];

export interface ColumnState {
  field: string;
  column: string;
  type: FieldType;
  /** Declared columns keep their type; inferred ones widen as new values need. */
  declared: boolean;
}

export interface TableState {
  topic: string;
  table: string;
  /** The `<table>_current` view, created once the topic carries `medallion.change`. */
  currentView: string | null;
  /** Field columns in their physical order, after the system columns. */
  columns: ColumnState[];
  byField: Map<string, ColumnState>;
}

export interface CatalogState {
  tables: Map<string, TableState>;
  /** topic → partition → next offset to materialize. */
  offsets: Map<string, Map<number, number>>;
  /** `table\u0000layer\u0000output` → rows. */
  counts: Map<string, number>;
}

export function countKey(table: string, layer: string | null, output: string | null): string {
  return `${table}\u0000${layer ?? ''}\u0000${output ?? ''}`;
}

export async function createCatalog(connection: DuckDBConnection): Promise<void> {
  for (const ddl of catalogDdl) await connection.run(ddl);
}

function num(value: unknown): number {
  return typeof value === 'bigint' ? Number(value) : (value as number);
}

/** Reads the bookkeeping back, as after a restart. */
export async function loadCatalog(connection: DuckDBConnection): Promise<CatalogState> {
  const state: CatalogState = { tables: new Map(), offsets: new Map(), counts: new Map() };
  // A file opened read-only may be any DuckDB file, or a warehouse nothing was materialized into.
  const present = await connection.runAndReadAll(
    `SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' AND database_name = current_database() AND table_name IN (${catalogTables.map((t) => `'${t}'`).join(', ')})`,
  );
  if (Number(present.getRows()[0]?.[0]) < catalogTables.length) return state;
  const tables = await connection.runAndReadAll('SELECT topic, table_name, current_view FROM _medallion_tables');
  for (const [topic, table, view] of tables.getRows()) {
    state.tables.set(String(topic), {
      topic: String(topic),
      table: String(table),
      currentView: view === null ? null : String(view),
      columns: [],
      byField: new Map(),
    });
  }
  const byTable = new Map([...state.tables.values()].map((t) => [t.table, t]));
  const columns = await connection.runAndReadAll(
    'SELECT table_name, field, column_name, type, declared FROM _medallion_columns ORDER BY table_name, position',
  );
  for (const [table, field, column, type, declared] of columns.getRows()) {
    const owner = byTable.get(String(table));
    if (owner === undefined || !isFieldType(type)) continue;
    const col: ColumnState = { field: String(field), column: String(column), type, declared: declared === true };
    owner.columns.push(col);
    owner.byField.set(col.field, col);
  }
  const offsets = await connection.runAndReadAll('SELECT topic, "partition", next_offset FROM _medallion_offsets');
  for (const [topic, partition, next] of offsets.getRows()) {
    const key = String(topic);
    let partitions = state.offsets.get(key);
    if (partitions === undefined) state.offsets.set(key, (partitions = new Map()));
    partitions.set(num(partition), num(next));
  }
  const counts = await connection.runAndReadAll('SELECT table_name, layer, output, row_count FROM _medallion_counts');
  for (const [table, layer, output, rows] of counts.getRows()) {
    state.counts.set(
      countKey(String(table), layer === null ? null : String(layer), output === null ? null : String(output)),
      num(rows),
    );
  }
  return state;
}
