/**
 * DuckDB's SQL for Monaco: keywords, types and functions highlighted by a Monarch tokenizer. The
 * lists are DuckDB's own words (its keyword list, its type names and the functions data engineers
 * reach for); Monaco's generic `sql` language knows SQL Server's instead.
 */
import * as monaco from 'monaco-editor/editor/editor.api.js';

export const languageId = 'duckdb-sql';

export const keywords = [
  'ALL', 'ALTER', 'ANALYZE', 'AND', 'ANTI', 'ANY', 'ARRAY', 'AS', 'ASC', 'ASOF', 'ATTACH', 'BETWEEN', 'BY', 'CASE', 'CAST', 'CHECKPOINT', 'COLLATE',
  'COLUMNS', 'COPY', 'CREATE', 'CROSS', 'CUBE', 'CURRENT', 'DEFAULT', 'DELETE', 'DESC', 'DESCRIBE', 'DETACH', 'DISTINCT', 'DROP', 'ELSE', 'END',
  'EXCEPT', 'EXCLUDE', 'EXISTS', 'EXPLAIN', 'FALSE', 'FILTER', 'FIRST', 'FOLLOWING', 'FOR', 'FROM', 'FULL', 'GLOB', 'GROUP', 'GROUPING', 'HAVING',
  'ILIKE', 'IN', 'INNER', 'INSERT', 'INTERSECT', 'INTERVAL', 'INTO', 'IS', 'ISNULL', 'JOIN', 'LAST', 'LATERAL', 'LEFT', 'LIKE', 'LIMIT', 'MACRO',
  'MATERIALIZED', 'NATURAL', 'NOT', 'NOTNULL', 'NULL', 'NULLS', 'OFFSET', 'ON', 'OR', 'ORDER', 'OUTER', 'OVER', 'PARTITION', 'PIVOT', 'POSITIONAL',
  'PRAGMA', 'PRECEDING', 'QUALIFY', 'RANGE', 'RECURSIVE', 'REPLACE', 'RETURNING', 'RIGHT', 'ROLLUP', 'ROW', 'ROWS', 'SAMPLE', 'SELECT', 'SEMI',
  'SET', 'SETS', 'SHOW', 'SIMILAR', 'SOME', 'SUMMARIZE', 'TABLE', 'TABLESAMPLE', 'THEN', 'TO', 'TRUE', 'TRY_CAST', 'UNBOUNDED', 'UNION', 'UNNEST',
  'UNPIVOT', 'UPDATE', 'USING', 'VALUES', 'VIEW', 'WHEN', 'WHERE', 'WINDOW', 'WITH', 'WITHIN',
];

export const types = [
  'BIGINT', 'BIT', 'BLOB', 'BOOLEAN', 'DATE', 'DECIMAL', 'DOUBLE', 'ENUM', 'FLOAT', 'HUGEINT', 'INTEGER', 'INTERVAL', 'JSON', 'LIST', 'MAP', 'REAL',
  'SMALLINT', 'STRUCT', 'TIME', 'TIMESTAMP', 'TIMESTAMPTZ', 'TINYINT', 'UBIGINT', 'UHUGEINT', 'UINTEGER', 'UNION', 'USMALLINT', 'UTINYINT', 'UUID', 'VARCHAR',
];

/** Functions offered by completion, with a short signature each. */
export const functions: [name: string, signature: string][] = [
  ['any_value', 'any_value(x)'], ['approx_count_distinct', 'approx_count_distinct(x)'], ['approx_quantile', 'approx_quantile(x, q)'],
  ['arg_max', 'arg_max(arg, val)'], ['arg_min', 'arg_min(arg, val)'], ['array_agg', 'array_agg(x)'], ['avg', 'avg(x)'], ['bool_and', 'bool_and(x)'],
  ['bool_or', 'bool_or(x)'], ['coalesce', 'coalesce(a, b, ...)'], ['concat', 'concat(s, ...)'], ['contains', 'contains(s, t)'], ['count', 'count(x)'],
  ['current_date', 'current_date'], ['date_diff', "date_diff('part', a, b)"], ['date_part', "date_part('part', ts)"], ['date_trunc', "date_trunc('part', ts)"],
  ['epoch_ms', 'epoch_ms(ts | ms)'], ['first', 'first(x)'], ['greatest', 'greatest(a, b, ...)'], ['histogram', 'histogram(x)'], ['ifnull', 'ifnull(a, b)'],
  ['json_extract', "json_extract(j, '$.path')"], ['json_extract_string', "json_extract_string(j, '$.path')"], ['json_keys', 'json_keys(j)'],
  ['json_structure', 'json_structure(j)'], ['last', 'last(x)'], ['least', 'least(a, b, ...)'], ['len', 'len(list)'], ['length', 'length(s)'],
  ['list_contains', 'list_contains(list, x)'], ['list_value', 'list_value(a, ...)'], ['lower', 'lower(s)'], ['make_timestamp', 'make_timestamp(us)'],
  ['max', 'max(x)'], ['max_by', 'max_by(arg, val)'], ['median', 'median(x)'], ['min', 'min(x)'], ['min_by', 'min_by(arg, val)'], ['mode', 'mode(x)'],
  ['now', 'now()'], ['nullif', 'nullif(a, b)'], ['quantile_cont', 'quantile_cont(x, q)'], ['read_csv', "read_csv('file')"], ['read_json', "read_json('file')"],
  ['read_parquet', "read_parquet('file')"], ['regexp_extract', 'regexp_extract(s, pattern, group)'], ['regexp_matches', 'regexp_matches(s, pattern)'],
  ['replace', 'replace(s, from, to)'], ['round', 'round(x, digits)'], ['row_number', 'row_number() OVER (...)'], ['lag', 'lag(x, n) OVER (...)'],
  ['lead', 'lead(x, n) OVER (...)'], ['rank', 'rank() OVER (...)'], ['dense_rank', 'dense_rank() OVER (...)'], ['split_part', 'split_part(s, sep, n)'],
  ['starts_with', 'starts_with(s, prefix)'], ['stddev', 'stddev(x)'], ['strftime', "strftime(ts, '%Y-%m-%d')"], ['string_agg', 'string_agg(s, sep)'],
  ['strptime', "strptime(s, '%Y-%m-%d')"], ['struct_extract', "struct_extract(s, 'field')"], ['substring', 'substring(s, start, length)'], ['sum', 'sum(x)'],
  ['time_bucket', "time_bucket(INTERVAL '1 minute', ts)"], ['to_timestamp', 'to_timestamp(seconds)'], ['trim', 'trim(s)'], ['try_cast', 'TRY_CAST(x AS type)'],
  ['unnest', 'unnest(list)'], ['upper', 'upper(s)'],
];

export function registerDuckDbLanguage(): void {
  if (monaco.languages.getLanguages().some((l) => l.id === languageId)) return;
  monaco.languages.register({ id: languageId, aliases: ['DuckDB SQL'] });
  monaco.languages.setLanguageConfiguration(languageId, {
    comments: { lineComment: '--', blockComment: ['/*', '*/'] },
    brackets: [['(', ')'], ['[', ']'], ['{', '}']],
    autoClosingPairs: [{ open: '(', close: ')' }, { open: '[', close: ']' }, { open: "'", close: "'", notIn: ['string'] }, { open: '"', close: '"', notIn: ['string'] }],
  });
  monaco.languages.setMonarchTokensProvider(languageId, {
    ignoreCase: true,
    keywords: keywords.map((k) => k.toLowerCase()),
    typeKeywords: types.map((t) => t.toLowerCase()),
    builtinFunctions: functions.map(([name]) => name),
    tokenizer: {
      root: [
        [/--.*$/, 'comment'],
        [/\/\*/, 'comment', '@comment'],
        [/'/, 'string', '@string'],
        [/"/, 'identifier.quote', '@quoted'],
        [/\d+(\.\d+)?([eE][-+]?\d+)?/, 'number'],
        [/[a-zA-Z_][\w$]*(?=\s*\()/, { cases: { '@builtinFunctions': 'predefined', '@keywords': 'keyword', '@default': 'identifier' } }],
        [/[a-zA-Z_][\w$]*/, { cases: { '@keywords': 'keyword', '@typeKeywords': 'type', '@builtinFunctions': 'predefined', '@default': 'identifier' } }],
        [/->>|->|::|[<>=!|&+\-*/%]+/, 'operator'],
        [/[;,.]/, 'delimiter'],
        [/[()[\]{}]/, '@brackets'],
      ],
      comment: [[/\*\//, 'comment', '@pop'], [/./, 'comment']],
      string: [[/''/, 'string.escape'], [/'/, 'string', '@pop'], [/[^']+/, 'string']],
      quoted: [[/""/, 'identifier'], [/"/, 'identifier.quote', '@pop'], [/[^"]+/, 'identifier']],
    },
  });
}
