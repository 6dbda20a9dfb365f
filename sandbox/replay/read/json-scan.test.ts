import { isAscii } from 'node:buffer';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../prng';
import { JsonMemberScanner } from './json-scan';

const NAMES = ['id', 'ts', 'a b', 'é'];

/** What JSON.parse says about `text`: invalid, or the value of each wanted top-level member. */
function reference(text: string): { valid: false } | { valid: true; members: unknown[] } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { valid: false };
  }
  const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
  return { valid: true, members: NAMES.map((name) => (isObject && Object.hasOwn(value as object, name) ? (value as Record<string, unknown>)[name] : undefined)) };
}

/**
 * Scans the UTF-8 bytes of `text` and compares with JSON.parse of what they decode to (a lone
 * surrogate becomes U+FFFD, as it does for a reader), both without and, for ASCII texts, with the
 * decoded string the reader would pass along.
 */
function check(scanner: JsonMemberScanner, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  const decoded = bytes.toString('utf8');
  const expected = reference(decoded);
  for (const ascii of isAscii(bytes) ? [undefined, decoded] : [undefined]) {
    const valid = scanner.scan(bytes, ascii);
    assert.equal(valid, expected.valid, `validity of ${JSON.stringify(text)}`);
    if (expected.valid) {
      for (let i = 0; i < NAMES.length; i++) assert.deepEqual(scanner.member(i), expected.members[i], `member ${NAMES[i]} of ${JSON.stringify(text)}`);
    }
  }
}

const SEEDS = [
  '{"id":"c-1","ts":"2026-03-02T09:10:00Z","amount":12.5,"items":[{"sku":"a","qty":2}],"ok":true,"note":null}',
  '{"id":42,"ts":1772442600000,"nested":{"id":"inner","ts":1},"list":[1,2,[3,{"id":4}]]}',
  ' { "id" : "x\\"y" , "ts" : -1.5e+3 , "a b" : [ ] , "\\u00e9" : { } } ',
  '{"id":"dup","id":"last","ts":"1","ts":2}',
  '{"é":"ü","id":"\\ud83d\\ude00","ts":0}',
  '[{"id":1},{"ts":2}]',
  '"just a string"',
  '-0.0e-0',
  '{"id":{"id":1},"ts":[{"ts":3}],"x":"\\\\\\/\\b\\f\\n\\r\\t"}',
  '{"i\\u0064":"escaped key","ts":true}',
  '{}',
  '[]',
  'null',
];

test('the scanner agrees with JSON.parse on hand-picked texts', () => {
  const scanner = new JsonMemberScanner(NAMES);
  for (const text of SEEDS) check(scanner, text);
  for (const bad of ['', ' ', '{', '}', '{"id":}', '{"id" 1}', '{"id":1,}', '[1,]', '01', '1.', '.5', '-', '1e', '+1', '"\\x"', '"\\u12g4"', '"a\u0001"', 'tru', 'nul', '{"a":1}}', '{"a":1} x', '\ufeff{}', "{'a':1}", 'NaN', '[1 2]', '{"a" "b"}', '{,}', '"unterminated']) {
    check(scanner, bad);
  }
});

test('the scanner agrees with JSON.parse on 40,000 mutated texts', () => {
  const rng = createRng(7);
  const alphabet = '{}[]",:\\ 0123456789-+.eEtruefalsnul\t\n\r\u0001éx\ud83d';
  const scanner = new JsonMemberScanner(NAMES);
  let valid = 0;
  for (let n = 0; n < 40_000; n++) {
    let text = SEEDS[Math.floor(rng.next() * SEEDS.length)]!;
    const edits = 1 + Math.floor(rng.next() * 3);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(rng.next() * (text.length + 1));
      const char = alphabet[Math.floor(rng.next() * alphabet.length)]!;
      const kind = rng.next();
      if (kind < 0.35) text = text.slice(0, at) + text.slice(at + 1);
      else if (kind < 0.7) text = text.slice(0, at) + char + text.slice(at);
      else text = text.slice(0, at) + char + text.slice(at + 1);
    }
    check(scanner, text);
    if (reference(text).valid) valid++;
  }
  // The mutations must leave enough valid texts for the member comparison to mean something.
  assert.ok(valid > 2_000, `only ${valid} mutated texts were valid`);
});

test('deeply nested texts are scanned without recursion', () => {
  const scanner = new JsonMemberScanner(NAMES);
  check(scanner, '['.repeat(5000) + ']'.repeat(5000));
  check(scanner, '{"id":' + '['.repeat(300) + ']'.repeat(300) + ',"ts":1}');
  check(scanner, '['.repeat(300) + ']'.repeat(299));
});
