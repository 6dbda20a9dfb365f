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
import { appendRows, type PendingRow, type RowContext } from './value-append';

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
   * Several decoded batches in one DuckDB transaction: all of them are in, or none. A commit costs
   * a WAL write whatever its size, so many small batches (a pipeline's many output partitions) go in
   * much faster together. Batches of one topic, of any of its partitions, are written as one append
   * with one schema change at most; a partition's batches must come in offset order. The
   * bookkeeping of the whole group (offsets, counts) is written in a few statements at the end.
   */
  async ingestGroup(batches: readonly DecodedBatch[]): Promise<IngestResult[]> {
    const byTopic = new Map<string, number[]>();
    for (const [i, batch] of batches.entries()) {
      const list = byTopic.get(batch.topic);
      if (list === undefined) byTopic.set(batch.topic, [i]);
      else list.push(i);
    }
    const results: IngestResult[] = new Array<IngestResult>(batches.length);
    const applies: (() => void)[] = [];
    const bookkeeping = new GroupBookkeeping();
    let open = false;
    try {
      for (const [topic, indexes] of byTopic) {
        const written = await this.writeTopic(topic, indexes.map((i) => batches[i]!), bookkeeping, async () => {
          if (!open) await this.connection.run('BEGIN TRANSACTION');
          open = true;
        });
        for (const [n, i] of indexes.entries()) results[i] = written.results[n]!;
        if (written.apply) applies.push(written.apply);
      }
      if (open) {
        for (const sql of bookkeeping.statements(this.state)) await this.connection.run(sql);
        await this.connection.run('COMMIT');
      }
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
    bookkeeping.apply(this.state);
    return results;
  }

  /**
   * Writes one topic's batches inside the group's transaction, opened by `begin` once there is
   * something to write: schema changes first, then every fresh record in one append.
   */
  private async writeTopic(
    topic: string, batches: readonly DecodedBatch[], bookkeeping: GroupBookkeeping, begin: () => Promise<void>,
  ): Promise<{ results: IngestResult[]; apply?: () => void }> {
    const spec = batches[0]?.spec ?? {};
    const existing = this.state.tables.get(topic);
    // Per partition, the next offset not yet in: batches of one partition follow each other.
    const nextOf = new Map<number, number>();
    const freshPerBatch: DecodedRecord[][] = [];
    for (const { partition, decoded } of batches) {
      const next = nextOf.get(partition) ?? this.nextOffset(topic, partition) ?? 0;
      const fresh = decoded.every((r) => r.offset >= next) ? [...decoded] : decoded.filter((r) => r.offset >= next);
      fresh.sort((x, y) => x.offset - y.offset);
      if (fresh.length > 0) nextOf.set(partition, fresh[fresh.length - 1]!.offset + 1);
      freshPerBatch.push(fresh);
    }
    const results = batches.map((b, i) => ({ appended: freshPerBatch[i]!.length, skipped: b.received - freshPerBatch[i]!.length, table: existing?.table ?? '' }));
    const fresh = freshPerBatch.flat();
    if (fresh.length === 0) return { results };
    await begin();
    // Work on copies, so a failed transaction leaves the in-memory catalog as the database has it.
    const table: TableState = existing
      ? { ...existing, columns: [...existing.columns], byField: new Map(existing.byField) }
      : { topic, table: allocateName(tableBaseName(topic), await this.takenNames()), currentView: null, columns: [], byField: new Map() };
    for (const r of results) r.table = table.table;
    for (const sql of await this.schemaStatements(table, !existing, spec, fresh)) await this.connection.run(sql);
    for (const [partition, next] of nextOf) bookkeeping.offset(topic, partition, next);

    const defaultLayer = spec.layer ?? 'bronze';
    const rows: PendingRow[] = [];
    // Runs of rows share one context and are counted once: a row's own context object and count key
    // were a good part of the garbage a batch left.
    let run: { context: RowContext; rows: number } | undefined;
    const endRun = () => {
      if (run) bookkeeping.count(table.table, run.context.layer, run.context.output, run.rows);
    };
    for (const [i, batch] of batches.entries()) {
      for (const record of freshPerBatch[i]!) {
        const layer = record.lineage.layer ?? defaultLayer;
        const output = record.lineage.output ?? (record.lineage.layer === null ? (spec.output ?? layer) : layer);
        if (run === undefined || run.context.partition !== batch.partition || run.context.layer !== layer || run.context.output !== output) {
          endRun();
          run = { context: { topic, partition: batch.partition, layer, output }, rows: 0 };
        }
        run.rows++;
        rows.push({ context: run.context, record });
      }
    }
    endRun();
    const appender = await this.connection.createAppender(table.table);
    try {
      appendRows(appender, rows, table.columns);
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
    return { results, apply: () => this.state.tables.set(topic, table) };
  }

  /** The statements that create the table or add and widen its columns for `records`; updates `table` to match. */
  private async schemaStatements(table: TableState, create: boolean, spec: TopicSpec, records: readonly DecodedRecord[]): Promise<string[]> {
    const statements: string[] = [];
    const t = quoteIdent(table.table);
    const plan = planSchema(table.byField, spec.schema, records.map((r) => r.fields), create);
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
    const taken = new Set<string>([...systemColumns.map(([n]) => n), ...table.columns.map((c) => c.column)].map((n) => n.toLowerCase()));
    const added: ColumnState[] = [];
    const catalogRows: string[] = [];
    for (const a of plan.added) {
      const column: ColumnState = { field: a.field, column: allocateName(a.field === '' ? 'field' : a.field, taken), type: a.type, declared: a.declared };
      taken.add(column.column.toLowerCase());
      catalogRows.push(`(${[table.table, a.field, column.column, a.type].map(quoteLiteral).join(', ')}, ${a.declared}, ${table.columns.length})`);
      table.columns.push(column);
      table.byField.set(a.field, column);
      added.push(column);
    }
    if (create) {
      // A new table gets its first fields' columns with it: one ALTER per column costs as much as
      // a whole small commit.
      const columns = [...systemColumns.map(([n, ty]) => `${quoteIdent(n)} ${ty}`), ...added.map((c) => `${quoteIdent(c.column)} ${duckdbTypeOf(c.type)}`)];
      statements.push(`CREATE TABLE ${t} (${columns.join(', ')})`);
      statements.push(`INSERT INTO _medallion_tables VALUES (${quoteLiteral(table.topic)}, ${quoteLiteral(table.table)}, NULL)`);
    } else {
      for (const c of added) statements.push(`ALTER TABLE ${t} ADD COLUMN ${quoteIdent(c.column)} ${duckdbTypeOf(c.type)}`);
    }
    if (catalogRows.length > 0) statements.push(`INSERT INTO _medallion_columns VALUES ${catalogRows.join(', ')}`);
    if (table.currentView === null && records.some((r) => r.lineage.change !== null)) {
      const taken = await this.takenNames();
      taken.add(table.table.toLowerCase());
      table.currentView = allocateName(`${table.table}_current`, taken);
      statements.push(currentViewSql(table.currentView, table.table));
      statements.push(`UPDATE _medallion_tables SET current_view = ${quoteLiteral(table.currentView)} WHERE topic = ${quoteLiteral(table.topic)}`);
    }
    return statements;
  }
}

/**
 * What a group changes in `_medallion_offsets` and `_medallion_counts`, gathered while its topics
 * are written and then written in at most four statements: per table, an INSERT of the new keys
 * and one UPDATE of the known ones from a VALUES list.
 */
class GroupBookkeeping {
  private readonly offsets = new Map<string, { topic: string; partition: number; next: number }>();
  private readonly counts = new Map<string, { table: string; layer: string; output: string; rows: number }>();

  offset(topic: string, partition: number, next: number): void {
    this.offsets.set(`${topic}\u0000${partition}`, { topic, partition, next });
  }

  count(table: string, layer: string, output: string, rows: number): void {
    const key = countKey(table, layer, output);
    const c = this.counts.get(key);
    if (c === undefined) this.counts.set(key, { table, layer, output, rows });
    else c.rows += rows;
  }

  statements(state: CatalogState): string[] {
    const statements: string[] = [];
    const newOffsets: string[] = [];
    const knownOffsets: string[] = [];
    for (const o of this.offsets.values()) {
      const row = `(${quoteLiteral(o.topic)}, ${o.partition}, ${o.next})`;
      (state.offsets.get(o.topic)?.has(o.partition) ? knownOffsets : newOffsets).push(row);
    }
    if (newOffsets.length > 0) statements.push(`INSERT INTO _medallion_offsets VALUES ${newOffsets.join(', ')}`);
    if (knownOffsets.length > 0) {
      statements.push(
        `UPDATE _medallion_offsets SET next_offset = v.next FROM (VALUES ${knownOffsets.join(', ')}) v(topic, part, next) WHERE _medallion_offsets.topic = v.topic AND _medallion_offsets."partition" = v.part`,
      );
    }
    const newCounts: string[] = [];
    const knownCounts: string[] = [];
    for (const [key, c] of this.counts) {
      const row = `(${quoteLiteral(c.table)}, ${quoteLiteral(c.layer)}, ${quoteLiteral(c.output)}, ${c.rows})`;
      (state.counts.has(key) ? knownCounts : newCounts).push(row);
    }
    if (newCounts.length > 0) statements.push(`INSERT INTO _medallion_counts VALUES ${newCounts.join(', ')}`);
    if (knownCounts.length > 0) {
      statements.push(
        `UPDATE _medallion_counts SET row_count = row_count + v.n FROM (VALUES ${knownCounts.join(', ')}) v(t, l, o, n) WHERE table_name = v.t AND layer = v.l AND output = v.o`,
      );
    }
    return statements;
  }

  /** Applies the group to the catalog in memory, once its transaction has committed. */
  apply(state: CatalogState): void {
    for (const o of this.offsets.values()) {
      let partitions = state.offsets.get(o.topic);
      if (partitions === undefined) state.offsets.set(o.topic, (partitions = new Map()));
      partitions.set(o.partition, o.next);
    }
    for (const [key, c] of this.counts) state.counts.set(key, (state.counts.get(key) ?? 0) + c.rows);
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
