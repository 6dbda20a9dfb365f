import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { expectationLines, sideOutputProblems } from './side-output-problems';

const SHOP_FILE = path.join(__dirname, '..', '..', 'samples', 'shop.pipeline.ts');
const SHOP = readFileSync(SHOP_FILE, 'utf8');
const EXPECTED = path.join(__dirname, '..', '..', 'samples', 'expected');

/** The samples' golden side outputs: what the pipeline's side-output topics hold after a run. */
function golden(name: string) {
  return readFileSync(path.join(EXPECTED, name), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { value: unknown });
}

test('quarantined records of the samples become one warning per rule, on the line of its .expect', () => {
  const records = golden('orders_clean.quarantine.ndjson').map((r) => ({ layer: 'orders_clean', kind: 'quarantine' as const, value: r.value }));
  assert.ok(records.length > 0);
  const problems = sideOutputProblems(records, SHOP_FILE, SHOP);
  const lines = SHOP.split('\n');
  assert.ok(problems.length > 0);
  assert.equal(problems.reduce((n, p) => n + p.count, 0), records.length, 'every quarantined record is counted once');
  for (const p of problems) {
    assert.equal(p.kind, 'expectation');
    assert.equal(p.file, SHOP_FILE);
    const rule = /expectation (\S+) failed/.exec(p.message)![1]!;
    assert.ok(lines[p.line - 1]!.includes(`.expect('${rule}'`), `${rule} is on line ${p.line}`);
    assert.equal(lines[p.line - 1]!.slice(p.column - 1, p.column - 1 + rule.length), rule);
  }
});

test('dead letters of the samples without a line (invalid JSON in a source) go on the layer declaration', () => {
  const records = golden('orders.dead_letter.ndjson').map((r) => ({ layer: 'orders', kind: 'dead_letter' as const, value: r.value }));
  assert.ok(records.length > 0);
  const problems = sideOutputProblems(records, SHOP_FILE, SHOP);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.count, records.length);
  assert.equal(problems[0]!.kind, 'transform-error');
  assert.match(SHOP.split('\n')[problems[0]!.line - 1]!, /p\.bronze\('orders'/);
  assert.match(problems[0]!.message, /source: SyntaxError/);
});

test('dead letters with a location are grouped per frame that threw', () => {
  const at = (location: string) => ({ layer: 'orders_clean', kind: 'dead_letter' as const, value: { record: {}, operator: 'map', definedAt: null, error: 'TypeError: x is null', location } });
  // The frames are in the user's code: a file beside the pipeline.
  const normalize = path.join(path.dirname(SHOP_FILE), 'lib', 'normalize.ts');
  const problems = sideOutputProblems([at(`${normalize}:40:17`), at(`${normalize}:40:17`), at(`${normalize}:52:3`)], SHOP_FILE, SHOP);
  assert.deepEqual(problems.map((p) => [p.file, p.line, p.column, p.count, p.message]), [
    [normalize, 40, 17, 2, 'map: TypeError: x is null'],
    [normalize, 52, 3, 1, 'map: TypeError: x is null'],
  ]);
});

test('a rule that is not declared in the file, or a record of another shape, makes no problem', () => {
  assert.deepEqual(sideOutputProblems([{ layer: 'x', kind: 'quarantine', value: { rule: 'nowhere', reason: 'r' } }, { layer: 'x', kind: 'dead_letter', value: 'garbage' }], SHOP_FILE, SHOP), []);
  assert.deepEqual([...expectationLines("// .expect('in_comment', x)\n").keys()], []);
});

test("a dead letter whose frame is outside the pipeline's folder (the runner's bundle) goes on its layer's declaration", () => {
  const runnerFrame = { record: '<html>', operator: 'source', error: "SyntaxError: Unexpected token '<'", location: '/home/u/.vscode/extensions/medallion/dist/runner-worker.js:21684:81' };
  const userFrame = { record: { order_id: 'o1' }, operator: 'map', error: 'boom', location: `${path.join(path.dirname(SHOP_FILE), 'lib', 'normalize.ts')}:12:5` };
  const problems = sideOutputProblems([{ layer: 'orders', kind: 'dead_letter', value: runnerFrame }, { layer: 'orders_clean', kind: 'dead_letter', value: userFrame }], SHOP_FILE, SHOP);
  const onDeclaration = problems.find((p) => p.layer === 'orders')!;
  assert.equal(onDeclaration.file, SHOP_FILE);
  assert.ok(SHOP.split('\n')[onDeclaration.line - 1]!.includes("p.bronze('orders'"), `line ${onDeclaration.line}`);
  const inUserCode = problems.find((p) => p.layer === 'orders_clean')!;
  assert.deepEqual([path.basename(inUserCode.file), inUserCode.line, inUserCode.column], ['normalize.ts', 12, 5]);
});

