/**
 * Writes batches of one topic partition into the topic's table, each batch in one transaction
 * together with its schema changes, its offset and its counters. A crash therefore leaves either
 * all of a batch or none of it, and `_medallion_offsets` always says exactly which records are in:
 * that is what lets a restart resume without duplicates or gaps.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { CatalogState, ColumnState, TableState } from './catalog';
import { countKey, loadCatalog, systemColumns } from './catalog';
import type { FieldSchema } from './field-types';
import { duckdbTypeOf } from './field-types';
import type { DecodedRecord, IncomingRecord } from './record-decoder';
import { decodeRecord } from './record-decoder';
import { planSchema } from './schema-plan';
import { allocateName, quoteIdent, quoteLiteral, tableBaseName } from './sql-names';
import { appendRows, type PendingRow } from './value-append';

/** What the runner knows about a topic before its records arrive. */
export interface TopicSpec {
  /**
   * The layer's declared field types; undeclared fields are inferred from the records.
   * @example { user_id: 'string', amount: 'number', at: 'timestamp', attrs: 'json' }
   */
  schema?: FieldSchema;
  /**
   * The layer of records that carry no `medallion.layer` header.
   * @default 'bronze' (only bronze records come without lineage headers)
   */
  layer?: string;
  /**
   * The output of records that carry no `medallion.output` header.
   * @default the layer
   */
  output?: string;
}

/** One partition's decoded records, as {@link Ingestor.ingestGroup} takes them. */
export interface DecodedBatch {
  topic: string;
  partition: number;
  decoded: DecodedRecord[];
  /** How many records the batch had before decoding skipped those already materialized. */
  received: number;
  spec?: TopicSpec;
}

export interface IngestResult {
  /** Records appended. */
  appended: number;
  /** Records skipped because their offsets were already materialized. */
  skipped: number;
  table: string;
}

function lowerNames(state: CatalogState, reserved: Iterable<string>): Set<string> {
  const taken = new Set<string>();
  for (const name of reserved) taken.add(name.toLowerCase());
  for (const t of state.tables.values()) {
    taken.add(t.table.toLowerCase());
    if (t.currentView !== null) taken.add(t.currentView.toLowerCase());
  }
  return taken;
}

export class Ingestor {
  private constructor(
    private readonly connection: DuckDBConnection,
    private state: CatalogState,
    private readonly reservedNames: ReadonlySet<string>,
  ) {}

  static async open(connection: DuckDBConnection, reservedNames: Iterable<string>): Promise<Ingestor> {
    return new Ingestor(connection, await loadCatalog(connection), new Set(reservedNames));
  }

  get catalog(): CatalogState {
    return this.state;
  }

  /** The next offset to materialize for a partition, or undefined when none has been. */
  nextOffset(topic: string, partition: number): number | undefined {
    return this.state.offsets.get(topic)?.get(partition);
  }

  /**
   * Names a new table or view must not take: the warehouse's own, and whatever else the file holds
   * (a user may have created tables through the query API with writes allowed).
   */
  private async takenNames(): Promise<Set<string>> {
    const taken = lowerNames(this.state, this.reservedNames);
    const existing = await this.connection.runAndReadAll(
      "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' UNION ALL SELECT view_name FROM duckdb_views() WHERE schema_name = 'main'",
    );
    for (const [name] of existing.getRows()) taken.add(String(name).toLowerCase());
    return taken;
  }

  /**
   * Appends the records of one partition, in offset order, skipping offsets already materialized.
   * Not reentrant: the caller serializes calls (the warehouse does).
   */
  async ingest(topic: string, partition: number, records: readonly IncomingRecord[], spec: TopicSpec = {}): Promise<IngestResult> {
    return this.ingestDecoded(topic, partition, this.decodeFresh(topic, partition, records), records.length, spec);
  }

  /**
   * Decodes the records not yet materialized. This is the JSON parsing, and it needs no database:
   * the warehouse does it as a batch arrives, while DuckDB may still be committing the one before.
   */
  decodeFresh(topic: string, partition: number, records: readonly IncomingRecord[]): DecodedRecord[] {
    const next = this.nextOffset(topic, partition) ?? 0;
    const fresh: DecodedRecord[] = [];
    for (const record of records) {
      if (Number(record.offset) >= next) fresh.push(decodeRecord(record));
    }
    return fresh;
  }

  /**
   * {@link ingest} for records already decoded with {@link decodeFresh}; `received` is how many
   * records the batch had. Offsets materialized since they were decoded are skipped here.
   */
  async ingestDecoded(topic: string, partition: number, decoded: DecodedRecord[], received: number, spec: TopicSpec = {}): Promise<IngestResult> {
    const [result] = await this.ingestGroup([{ topic, partition, decoded, received, spec }]);
    return result as IngestResult;
  }

  /**
   * Several decoded batches, of different topics, in one DuckDB transaction. A commit costs a WAL
   * write and sync whatever its size, so many small batches (a pipeline's many output partitions)
   * go in much faster together. All of them are in, or none.
   */
  async ingestGroup(batches: readonly DecodedBatch[]): Promise<IngestResult[]> {
    const topics = new Set(batches.map((b) => b.topic));
    if (topics.size !== batches.length) throw new Error('a group holds at most one batch per topic');
    const results: IngestResult[] = [];
    const applies: (() => void)[] = [];
    let open = false;
    try {
      for (const batch of batches) {
        const written = await this.writeBatch(batch, async () => {
          if (!open) await this.connection.run('BEGIN TRANSACTION');
          open = true;
        });
        results.push(written.result);
        if (written.apply) applies.push(written.apply);
      }
      if (open) await this.connection.run('COMMIT');
    } catch (error) {
      if (open) {
        await this.connection.run('ROLLBACK').catch(() => undefined);
        // Reload rather than guess which in-memory changes the rollback undid.
        this.state = await loadCatalog(this.connection);
      }
      throw error;
    }
    // The catalog in memory changes only once the transaction is committed, so nobody sees an
    // offset as materialized before a query could see its rows.
    for (const apply of applies) apply();
    return results;
  }

  /** Writes one batch inside the group's transaction, opened by `begin` once there is something to write. */
  private async writeBatch({ topic, partition, decoded, received, spec = {} }: DecodedBatch, begin: () => Promise<void>): Promise<{ result: IngestResult; apply?: () => void }> {
    const next = this.nextOffset(topic, partition) ?? 0;
    const fresh = decoded.every((r) => r.offset >= next) ? decoded : decoded.filter((r) => r.offset >= next);
    const existing = this.state.tables.get(topic);
    if (fresh.length === 0) return { result: { appended: 0, skipped: received, table: existing?.table ?? '' } };
    fresh.sort((a, b) => a.offset - b.offset);
    const last = fresh[fresh.length - 1] as DecodedRecord;
    await begin();
    // Work on copies, so a failed transaction leaves the in-memory catalog as the database has it.
    const table: TableState = existing
      ? { ...existing, columns: [...existing.columns], byField: new Map(existing.byField) }
      : { topic, table: allocateName(tableBaseName(topic), await this.takenNames()), currentView: null, columns: [], byField: new Map() };
    const statements: string[] = [];
    const t = quoteIdent(table.table);
    if (!existing) {
      statements.push(`CREATE TABLE ${t} (${systemColumns.map(([n, ty]) => `${quoteIdent(n)} ${ty}`).join(', ')})`);
      statements.push(`INSERT INTO _medallion_tables VALUES (${quoteLiteral(topic)}, ${quoteLiteral(table.table)}, NULL)`);
    }
    const plan = planSchema(table.byField, spec.schema, fresh.map((r) => r.fields), !existing);
    for (const w of plan.widened) {
      const column = table.byField.get(w.field) as ColumnState;
      statements.push(`ALTER TABLE ${t} ALTER COLUMN ${quoteIdent(column.column)} TYPE ${duckdbTypeOf(w.to)}`);
      statements.push(
        `UPDATE _medallion_columns SET type = ${quoteLiteral(w.to)} WHERE table_name = ${quoteLiteral(table.table)} AND column_name = ${quoteLiteral(column.column)}`,
      );
      const widened: ColumnState = { ...column, type: w.to };
      table.columns = table.columns.map((c) => (c === column ? widened : c));
      table.byField.set(w.field, widened);
    }
    if (plan.added.length > 0) {
      const taken = new Set<string>([...systemColumns.map(([n]) => n), ...table.columns.map((c) => c.column)].map((n) => n.toLowerCase()));
      for (const a of plan.added) {
        const column: ColumnState = { field: a.field, column: allocateName(a.field === '' ? 'field' : a.field, taken), type: a.type, declared: a.declared };
        taken.add(column.column.toLowerCase());
        statements.push(`ALTER TABLE ${t} ADD COLUMN ${quoteIdent(column.column)} ${duckdbTypeOf(a.type)}`);
        statements.push(
          `INSERT INTO _medallion_columns VALUES (${[table.table, a.field, column.column, a.type].map(quoteLiteral).join(', ')}, ${a.declared}, ${table.columns.length})`,
        );
        table.columns.push(column);
        table.byField.set(a.field, column);
      }
    }
    if (table.currentView === null && fresh.some((r) => r.lineage.change !== null)) {
      const taken = await this.takenNames();
      taken.add(table.table.toLowerCase());
      table.currentView = allocateName(`${table.table}_current`, taken);
      statements.push(currentViewSql(table.currentView, table.table));
      statements.push(`UPDATE _medallion_tables SET current_view = ${quoteLiteral(table.currentView)} WHERE topic = ${quoteLiteral(topic)}`);
    }

    const defaultLayer = spec.layer ?? 'bronze';
    const counts = new Map<string, { layer: string; output: string; rows: number }>();
    const known = this.state.offsets.get(topic)?.has(partition) ?? false;
    statements.push(
      known
        ? `UPDATE _medallion_offsets SET next_offset = ${last.offset + 1} WHERE topic = ${quoteLiteral(topic)} AND "partition" = ${partition}`
        : `INSERT INTO _medallion_offsets VALUES (${quoteLiteral(topic)}, ${partition}, ${last.offset + 1})`,
    );

    for (const sql of statements) await this.connection.run(sql);
    const rows: PendingRow[] = [];
    for (const record of fresh) {
      const layer = record.lineage.layer ?? defaultLayer;
      const output = record.lineage.output ?? (record.lineage.layer === null ? (spec.output ?? layer) : layer);
      const key = countKey(table.table, layer, output);
      const c = counts.get(key);
      if (c === undefined) counts.set(key, { layer, output, rows: 1 });
      else c.rows++;
      rows.push({ context: { topic, partition, layer, output }, record });
    }
    const appender = await this.connection.createAppender(table.table);
    try {
      appendRows(appender, rows, table.columns);
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
    for (const [key, c] of counts) {
      const where = `table_name = ${quoteLiteral(table.table)} AND layer = ${quoteLiteral(c.layer)} AND output = ${quoteLiteral(c.output)}`;
      await this.connection.run(
        this.state.counts.has(key)
          ? `UPDATE _medallion_counts SET row_count = row_count + ${c.rows} WHERE ${where}`
          : `INSERT INTO _medallion_counts VALUES (${quoteLiteral(table.table)}, ${quoteLiteral(c.layer)}, ${quoteLiteral(c.output)}, ${c.rows})`,
      );
    }
    return {
      result: { appended: fresh.length, skipped: received - fresh.length, table: table.table },
      apply: () => {
        this.state.tables.set(topic, table);
        let partitions = this.state.offsets.get(topic);
        if (partitions === undefined) this.state.offsets.set(topic, (partitions = new Map()));
        partitions.set(partition, last.offset + 1);
        for (const [key, c] of counts) this.state.counts.set(key, (this.state.counts.get(key) ?? 0) + c.rows);
      },
    };
  }
}

/**
 * The current rows of an update-mode table: for each `_id`, its latest record, unless that record
 * is a retraction. "Latest" is log order, so the contract (LINEAGE.md) keys every change of one
 * `_id` to one partition, as any Kafka changelog does. Rows without an `_id` are all current.
 */
export function currentViewSql(view: string, table: string): string {
  return `CREATE OR REPLACE VIEW ${quoteIdent(view)} AS
SELECT * EXCLUDE (_version) FROM (
  SELECT *, row_number() OVER (PARTITION BY _id ORDER BY _offset DESC) AS _version FROM ${quoteIdent(table)}
) WHERE (_id IS NULL OR _version = 1) AND coalesce(_change, 'insert') <> 'retract'`;
}
