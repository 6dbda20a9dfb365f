/**
 * The error the query API throws: DuckDB's own words for what is wrong, its kind, and where in the
 * SQL it is when DuckDB says so, so an editor can underline it.
 */

export type QueryErrorKind =
  | 'syntax'
  | 'binder'
  | 'catalog'
  | 'conversion'
  | 'timeout'
  | 'read-only'
  | 'empty'
  | 'execution';

/** A place in the SQL text: 1-based line and column, and the 0-based character offset. */
export interface SqlPosition {
  line: number;
  column: number;
  offset: number;
}

export class QueryError extends Error {
  override readonly name = 'QueryError';
  constructor(
    message: string,
    readonly kind: QueryErrorKind,
    readonly position?: SqlPosition,
    /** DuckDB's full message, with its context lines, when DuckDB reported the error. */
    readonly detail?: string,
  ) {
    super(message);
  }
}

const kinds: Record<string, QueryErrorKind> = {
  Parser: 'syntax',
  Binder: 'binder',
  Catalog: 'catalog',
  Conversion: 'conversion',
  'Invalid Input': 'conversion',
  INTERRUPT: 'timeout',
  TransactionContext: 'read-only',
};

/**
 * Finds the character offset DuckDB marks in its message. DuckDB appends the offending line as
 * `LINE <n>: <text>` and a caret under the spot; for long lines it shows only a window of the line,
 * with `...` at the cut ends, so the window is located in the real line to get the true column.
 */
export function offsetFromMessage(message: string, sql: string): number | undefined {
  const match = /LINE (\d+): ([^\n]*)\n( *)\^/.exec(message);
  if (match === null) return undefined;
  const lineNumber = Number(match[1]);
  const prefix = `LINE ${match[1]}: `;
  let excerpt = match[2] ?? '';
  let caret = (match[3] ?? '').length - prefix.length;
  if (excerpt.startsWith('...')) {
    excerpt = excerpt.slice(3);
    caret -= 3;
  }
  if (excerpt.endsWith('...')) excerpt = excerpt.slice(0, -3);
  const lines = sql.split('\n');
  // Prefer the line DuckDB names; fall back to any line holding the excerpt.
  for (const index of [lineNumber - 1, ...lines.keys()]) {
    const line = lines[index];
    if (line === undefined) continue;
    const at = excerpt.length > 0 ? line.indexOf(excerpt) : 0;
    if (at < 0) continue;
    let offset = Math.max(0, Math.min(at + caret, line.length));
    for (let i = 0; i < index; i++) offset += (lines[i] as string).length + 1;
    return offset;
  }
  return undefined;
}

/** The line and column of a character offset. */
export function positionAt(sql: string, offset: number): SqlPosition {
  const before = sql.slice(0, offset).split('\n');
  return { line: before.length, column: (before[before.length - 1] ?? '').length + 1, offset };
}

/**
 * Wraps an error DuckDB threw: the first line of its message, its kind, and the position.
 * @param statementStart where the statement DuckDB was given starts in `sql`, when that statement
 * was prepared on its own
 */
export function queryErrorFrom(error: unknown, sql: string, statementStart = 0, statementEnd = sql.length): QueryError {
  if (error instanceof QueryError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  // The statement splitter prefixes its own words to the parser's message; they name nothing useful.
  const first = (detail.split('\n')[0] ?? detail).replace(/^Failed to extract statements: /, '');
  const type = /^([A-Za-z ]+?|INTERRUPT) Error:/.exec(first)?.[1];
  const kind = (type !== undefined ? kinds[type] : undefined) ?? 'execution';
  const within = offsetFromMessage(detail, sql.slice(statementStart, statementEnd));
  const position = within === undefined ? undefined : positionAt(sql, statementStart + within);
  const where = position === undefined ? '' : ` (line ${position.line}, column ${position.column})`;
  return new QueryError(`${first}${where}`, kind, position, detail);
}
