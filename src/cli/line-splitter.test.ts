import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLineSplitter, MAX_LINE_CHARS } from './line-splitter';

test('joins chunks into whole lines and flushes the last one at the end', () => {
  const lines: string[] = [];
  const split = createLineSplitter((l) => lines.push(l));
  split.push('{"a":');
  split.push('1}\r\nsecond\nthi');
  split.push('rd');
  assert.deepEqual(lines, ['{"a":1}', 'second']);
  split.end();
  assert.deepEqual(lines, ['{"a":1}', 'second', 'third']);
});

test('a line without an end is cut at the cap, so memory stays bounded', () => {
  const lines: string[] = [];
  const split = createLineSplitter((l) => lines.push(l));
  const chunk = 'x'.repeat(64 * 1024);
  for (let i = 0; i < MAX_LINE_CHARS / chunk.length + 1; i++) split.push(chunk);
  assert.equal(lines.length, 1);
  assert.equal(lines[0]!.length, MAX_LINE_CHARS);
});
