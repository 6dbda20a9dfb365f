import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statementSpans } from './statement-spans';

test('statementSpans splits on semicolons outside quotes, dollar quotes and comments', () => {
  const sql = "SELECT ';' AS a; -- no; split\nSELECT \"x;y\" FROM t /* ; */; SELECT $$;$$;\n  ";
  const texts = statementSpans(sql).map((s) => sql.slice(s.start, s.end).trim());
  assert.deepEqual(texts, ["SELECT ';' AS a", '-- no; split\nSELECT "x;y" FROM t /* ; */', 'SELECT $$;$$']);
});

test('statementSpans ignores statements that are only comments or blanks', () => {
  assert.deepEqual(statementSpans('  -- nothing\n'), []);
  assert.deepEqual(statementSpans('SELECT 1'), [{ start: 0, end: 8 }]);
});
