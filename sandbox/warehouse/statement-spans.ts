/**
 * Where each statement of a SQL text starts and ends. DuckDB reports error positions only for the
 * first statement of a multi-statement text, so the query API re-prepares a failing later
 * statement alone and adds its start offset. Semicolons inside quotes, dollar-quoted strings and
 * comments do not end a statement.
 */

export interface StatementSpan {
  start: number;
  end: number;
}

export function statementSpans(sql: string): StatementSpan[] {
  const spans: StatementSpan[] = [];
  let start = 0;
  let i = 0;
  const push = (end: number) => {
    if (sql.slice(start, end).replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, '').trim() !== '') spans.push({ start, end });
  };
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === "'" || c === '"') {
      const close = sql.indexOf(c, i + 1);
      // A doubled quote inside a quoted run is an escaped quote; the loop simply re-enters the run.
      i = close < 0 ? sql.length : close + 1;
    } else if (c === '-' && next === '-') {
      const close = sql.indexOf('\n', i);
      i = close < 0 ? sql.length : close + 1;
    } else if (c === '/' && next === '*') {
      const close = sql.indexOf('*/', i + 2);
      i = close < 0 ? sql.length : close + 2;
    } else if (c === '$') {
      const tag = /^\$[A-Za-z_0-9]*\$/.exec(sql.slice(i))?.[0];
      if (tag === undefined) i++;
      else {
        const close = sql.indexOf(tag, i + tag.length);
        i = close < 0 ? sql.length : close + tag.length;
      }
    } else if (c === ';') {
      push(i);
      start = i + 1;
      i++;
    } else {
      i++;
    }
  }
  push(sql.length);
  return spans;
}
