/**
 * SQL identifiers and literals for names that come from outside: topic names and JSON field names
 * are user data, so every one of them is quoted here and nowhere else.
 */

/** Quotes an identifier for DuckDB, doubling embedded quotes, so any topic or field name is safe. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a string literal, doubling embedded single quotes. */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * The base table name for a topic: lower case, runs of characters other than letters, digits and
 * underscores folded to one underscore, and a `t_` prefix when it would start with a digit or
 * collide with the warehouse's own `_medallion` tables. Names are readable in SQL without quotes,
 * which matters in an editor; uniqueness is settled by `allocateName`.
 * @example tableBaseName('orders.silver-v2') === 'orders_silver_v2'
 */
export function tableBaseName(topic: string): string {
  let name = topic.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  if (name === '') name = 'topic';
  if (/^[0-9]/.test(name) || name.startsWith('medallion')) name = `t_${name}`;
  return name;
}

/**
 * Picks `base`, or `base_2`, `base_3`, ... when taken. DuckDB compares identifiers without regard
 * to case, so `taken` must hold lower-cased names.
 */
export function allocateName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base.toLowerCase())) return base;
  for (let i = 2; ; i++) {
    const candidate = `${base}_${i}`;
    if (!taken.has(candidate.toLowerCase())) return candidate;
  }
}
