/**
 * Runs SQL from the inspector and the CLI while ingest continues. Queries use their own
 * connections, never the ingest one: DuckDB gives each connection a snapshot, so a long query
 * neither blocks appends nor sees half a batch. Each query has a timeout, enforced with DuckDB's
 * interrupt, and a row limit, enforced by streaming the result and stopping once the limit is
 * passed, so a huge result is never materialized.
 */
import type { DuckDBConnection, DuckDBInstance, DuckDBPreparedStatement, DuckDBResult, Json } from '@duckdb/node-api';
import { StatementType } from '@duckdb/node-api';
import { jsonSafeConverter } from './json-values';
import { QueryError, queryErrorFrom } from './query-error';
import { statementSpans } from './statement-spans';

export interface QueryOptions {
  /**
   * How long the query may run before it is interrupted; 0 means no limit.
   * @default 30000
   */
  timeoutMs?: number;
  /**
   * The most rows returned; more make `truncated` true.
   * @default 10000
   * @example { rowLimit: 100 }
   */
  rowLimit?: number;
  /**
   * Allow statements other than SELECT and EXPLAIN (DDL, DML, SET, ATTACH, COPY ...). The inspector
   * leaves this off so a query can never change the warehouse under the materializer.
   * @default false
   */
  allowWrites?: boolean;
}

export interface QueryColumn {
  name: string;
  /** DuckDB's name for the type, e.g. `BIGINT`, `STRUCT(t VARCHAR, p INTEGER, o BIGINT)[]`. */
  type: string;
}

export interface QueryResult {
  columns: QueryColumn[];
  rows: Json[][];
  /** True when the result had more rows than the limit. */
  truncated: boolean;
  elapsedMs: number;
}

const readOnlyTypes = new Set<StatementType>([StatementType.SELECT, StatementType.EXPLAIN]);

export class QueryRunner {
  private readonly idle: DuckDBConnection[] = [];
  private created = 0;

  constructor(
    private readonly instance: DuckDBInstance,
    /**
     * Idle connections kept for reuse.
     * @default 2
     */
    private readonly maxIdle = 2,
  ) {}

  /** Connections opened so far; tests use it to see that an interrupted connection is reused. */
  get connectionsCreated(): number {
    return this.created;
  }

  async query(sql: string, options: QueryOptions = {}): Promise<QueryResult> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const rowLimit = options.rowLimit ?? 10_000;
    const started = performance.now();
    const connection = this.idle.pop() ?? (this.created++, await this.instance.connect());
    let timedOut = false;
    const timer =
      timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            connection.interrupt();
          }, timeoutMs)
        : undefined;
    const readOnly = !(options.allowWrites ?? false);
    try {
      // The statement-type check gives a clear refusal; the read-only transaction is what actually
      // guarantees it, since a read-only type can still write (EXPLAIN ANALYZE DELETE runs the DELETE).
      if (readOnly) await connection.run('BEGIN TRANSACTION READ ONLY');
      const result = await this.execute(connection, sql, !readOnly);
      const columns = result.columnNames().map((name, i) => {
        // JSON is an alias of VARCHAR; the alias is what tells the grid the text is JSON.
        const type = result.columnType(i);
        return { name, type: type.alias ?? type.toString() };
      });
      const rows: Json[][] = [];
      let truncated = false;
      for (;;) {
        const chunk = await result.fetchChunk();
        if (chunk === null || chunk.rowCount === 0) break;
        // Converting column by column is about twice as fast as row by row (one type dispatch per
        // column, not per value); the rows are then assembled from the columns.
        const converted = chunk.convertColumns(jsonSafeConverter) as Json[][];
        const take = Math.min(chunk.rowCount, rowLimit - rows.length);
        for (let r = 0; r < take; r++) {
          const row = new Array<Json>(converted.length);
          for (let c = 0; c < converted.length; c++) row[c] = (converted[c] as Json[])[r] as Json;
          rows.push(row);
        }
        if (take < chunk.rowCount) truncated = true;
        if (truncated) break;
      }
      return { columns, rows, truncated, elapsedMs: performance.now() - started };
    } catch (error) {
      if (timedOut) throw new QueryError(`Query timed out after ${timeoutMs} ms and was interrupted`, 'timeout');
      throw queryErrorFrom(error, sql);
    } finally {
      clearTimeout(timer);
      // Nothing to keep from a read-only transaction; an interrupted one may already be gone.
      if (readOnly) await connection.run('ROLLBACK').catch(() => undefined);
      if (this.idle.length < this.maxIdle) this.idle.push(connection);
      else connection.closeSync();
    }
  }

  /**
   * Read-only text is prepared whole before anything runs, so a refused statement anywhere stops
   * it all. With writes allowed, each statement is prepared only after the previous one ran, since a
   * later statement may read a table an earlier one created. Returns the last result, streaming.
   */
  private async execute(connection: DuckDBConnection, sql: string, allowWrites: boolean): Promise<DuckDBResult> {
    // Checked here because DuckDB's statement splitter fails on empty text without saying why.
    if (statementSpans(sql).length === 0) throw new QueryError('The SQL has no statement to run', 'empty');
    const extracted = await connection.extractStatements(sql);
    const prepared: DuckDBPreparedStatement[] = [];
    for (let i = 0; i < extracted.count; i++) {
      const statement = await this.prepare(connection, sql, i, extracted.count, () => extracted.prepare(i));
      if (allowWrites) {
        if (i === extracted.count - 1) return statement.stream();
        await statement.run();
        continue;
      }
      if (!readOnlyTypes.has(statement.statementType)) {
        const name = StatementType[statement.statementType] ?? String(statement.statementType);
        throw new QueryError(`Only SELECT and EXPLAIN statements may run here; statement ${i + 1} is ${name}`, 'read-only');
      }
      prepared.push(statement);
    }
    for (const statement of prepared.slice(0, -1)) await statement.run();
    return (prepared[prepared.length - 1] as DuckDBPreparedStatement).stream();
  }

  /**
   * Prepares statement `index`. DuckDB marks error positions only within the first statement, so a
   * later statement that fails is prepared again from its own text, which yields the marked error,
   * and the position is shifted by where the statement starts.
   */
  private async prepare(
    connection: DuckDBConnection,
    sql: string,
    index: number,
    count: number,
    prepareExtracted: () => Promise<DuckDBPreparedStatement>,
  ): Promise<DuckDBPreparedStatement> {
    try {
      return await prepareExtracted();
    } catch (error) {
      const span = count > 1 ? statementSpans(sql)[index] : undefined;
      if (span === undefined || span.start === 0) throw queryErrorFrom(error, sql);
      const alone = await connection.prepare(sql.slice(span.start, span.end)).then(
        () => undefined,
        (e: unknown) => e,
      );
      throw queryErrorFrom(alone ?? error, sql, span.start, span.end);
    }
  }

  close(): void {
    for (const connection of this.idle.splice(0)) connection.closeSync();
  }
}
