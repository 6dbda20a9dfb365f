/**
 * The grid never holds a whole result: it shows one page at a time and asks DuckDB to sort and
 * filter. So the user's query is wrapped, `SELECT * FROM (<query>) … ORDER BY … LIMIT … OFFSET …`,
 * and positions in DuckDB's errors are mapped back into the text the user wrote.
 */
import type { ProtocolError, QueryPosition, ResultView } from '../protocol/inspector';
import { QueryError } from '../warehouse/index';
import { quoteIdent, quoteLiteral } from '../warehouse/sql-names';
import { statementSpans } from '../warehouse/statement-spans';

/** An error about the user's text itself, its position already in the user's coordinates. */
export class UserSqlError extends QueryError {}

/** The user's one statement, without the trailing semicolon, or a clear refusal. */
export function singleStatement(sql: string): string {
  const spans = statementSpans(sql);
  if (spans.length === 0) throw new UserSqlError('The SQL has no statement to run', 'empty');
  if (spans.length > 1) {
    const second = spans[1] as { start: number };
    throw new UserSqlError('The text holds several statements: select the one to run (the selection runs alone)', 'syntax', positionIn(sql, second.start));
  }
  return sql.slice(0, (spans[0] as { end: number }).end).replace(/;\s*$/, '');
}

/**
 * Statements DuckDB does not accept as a subquery. They run as they are, their (small) results are
 * read whole up to the row limit, and sort and filter do not apply.
 */
export function runsUnwrapped(statement: string): boolean {
  return /^\s*(?:--[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*(EXPLAIN|PRAGMA|CALL)\b/i.test(statement);
}

/** Where the user's SQL starts inside every wrapped query. */
const prefix = 'SELECT * FROM (\n';

function whereClause(view: ResultView | undefined): string {
  const filters = (view?.filters ?? []).filter((f) => f.contains !== '');
  if (filters.length === 0) return '';
  const tests = filters.map((f) => `contains(lower(CAST(${quoteIdent(f.column)} AS VARCHAR)), ${quoteLiteral(f.contains.toLowerCase())})`);
  return ` WHERE ${tests.join(' AND ')}`;
}

function orderClause(view: ResultView | undefined): string {
  const sort = view?.sort ?? [];
  if (sort.length === 0) return '';
  return ` ORDER BY ${sort.map((s) => `${quoteIdent(s.column)} ${s.direction === 'desc' ? 'DESC' : 'ASC'} NULLS LAST`).join(', ')}`;
}

/** The user's query as the grid sees it: filtered and sorted, optionally one page of it. */
export function viewSql(statement: string, view: ResultView | undefined, page?: { offset: number; limit: number }): string {
  const paging = page === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(page.limit))} OFFSET ${Math.max(0, Math.floor(page.offset))}`;
  return `${prefix}${statement}\n) AS _inspector_result${whereClause(view)}${orderClause(view)}${paging}`;
}

export function countSql(statement: string, view: ResultView | undefined): string {
  return `SELECT count(*) AS n FROM (\n${statement}\n) AS _inspector_result${whereClause(view)}`;
}

function positionIn(sql: string, offset: number): QueryPosition {
  const before = sql.slice(0, offset).split('\n');
  return { line: before.length, column: (before[before.length - 1] ?? '').length + 1, offset };
}

/**
 * An error as the page shows it. A position inside the wrapped text is moved back into the user's
 * text; one in the wrapping (a sort on a column that no longer exists) is left out.
 */
export function protocolError(error: unknown, userSql?: string, statement?: string): ProtocolError {
  if (!(error instanceof QueryError)) return { message: error instanceof Error ? error.message : String(error), kind: 'internal' };
  const message = error.message.replace(/ \(line \d+, column \d+\)$/, '');
  let position: QueryPosition | undefined;
  if (error.position !== undefined && userSql !== undefined) {
    if (statement === undefined || error instanceof UserSqlError) {
      position = error.position;
    } else {
      // The statement is the start of the user's text, placed right after the wrapper's prefix.
      const within = error.position.offset - prefix.length;
      if (within >= 0 && within <= statement.length) position = positionIn(userSql, within);
    }
  }
  return { message, kind: error.kind, ...(position === undefined ? {} : { position }) };
}
