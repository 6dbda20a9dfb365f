import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { detectFormat, readSource, readSourceChunks } from './open-source';
import { readNdjson } from './ndjson-reader';
import type { ReadStart, SourceRecord } from './source-record';

async function fileWith(name: string, content: string | Buffer): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'medallion-read-'));
  const file = path.join(dir, name);
  await writeFile(file, content);
  return file;
}

async function all(file: string, start?: ReadStart): Promise<SourceRecord[]> {
  const records: SourceRecord[] = [];
  for await (const record of readSource(file, await detectFormat(file), start)) records.push(record);
  return records;
}

test('NDJSON keeps each line\'s exact bytes, skips blank lines, and reports bad lines by number', async () => {
  const lines = ['{"a":1,  "b" : "x"}', '', '{"a":2}\r', '{"a": tru', '   ', '{"é":"ü"}'];
  const file = await fileWith('orders.ndjson', lines.join('\n'));
  const records = await all(file);
  assert.deepEqual(records.map((r) => [r.line, r.raw.toString('utf8')]), [[1, '{"a":1,  "b" : "x"}'], [3, '{"a":2}'], [4, '{"a": tru'], [6, '{"é":"ü"}']]);
  assert.deepEqual(records[0]!.value, { a: 1, b: 'x' });
  assert.match(records[2]!.error!, /^invalid JSON/);
  assert.equal(records[2]!.contentType, 'application/octet-stream');
  assert.equal(records[3]!.byteEnd, Buffer.byteLength(lines.join('\n')));
});

test('NDJSON lines that straddle read chunks come out whole', async () => {
  const line = JSON.stringify({ pad: 'x'.repeat(300_000) });
  const file = await fileWith('big.ndjson', `${line}\n${line}\n${line}\n${line}\n`);
  const records = await all(file);
  assert.equal(records.length, 4);
  for (const record of records) assert.equal(record.raw.toString(), line);
});

test('NDJSON resumes after a position, by rescanning or by seeking to the byte offset', async () => {
  const file = await fileWith('r.ndjson', '{"n":1}\n{"n":2}\n\n{"n":3}\n{"n":4}\n');
  const everything = await all(file);
  const afterTwo = everything[1]!;
  const rescanned = await all(file, { afterPosition: afterTwo.position });
  const seeked: SourceRecord[] = [];
  for await (const r of readNdjson(file, { afterPosition: afterTwo.position, byteOffset: afterTwo.byteEnd })) seeked.push(r);
  assert.deepEqual(rescanned.map((r) => [r.line, r.raw.toString()]), [[4, '{"n":3}'], [5, '{"n":4}']]);
  assert.deepEqual(seeked.map((r) => [r.line, r.raw.toString(), r.byteEnd]), rescanned.map((r) => [r.line, r.raw.toString(), r.byteEnd]));
});

test('JSON arrays yield each element\'s exact bytes and starting line; a broken element is reported alone', async () => {
  const text = '[\n  {"id": 1, "s": "a,]}"},\n  {"id": 2,\n   "nested": [1, {"x": [2]}]},\n  {"id": 3 oops},\n  4, "five"\n]\n';
  const file = await fileWith('events.json', text);
  assert.equal(await detectFormat(file), 'json-array');
  const records = await all(file);
  assert.deepEqual(records.map((r) => [r.position, r.line, r.raw.toString()]), [
    [1, 2, '{"id": 1, "s": "a,]}"}'],
    [2, 3, '{"id": 2,\n   "nested": [1, {"x": [2]}]}'],
    [3, 5, '{"id": 3 oops}'],
    [4, 6, '4'],
    [5, 6, '"five"'],
  ]);
  assert.ok(records[2]!.error);
  assert.deepEqual(records[1]!.value, { id: 2, nested: [1, { x: [2] }] });
  assert.deepEqual((await all(file, { afterPosition: 3 })).map((r) => r.value), [4, 'five']);
});

test('a JSON array cut off before its end yields its last element as broken', async () => {
  const records = await all(await fileWith('cut.json', '[{"a":1},{"a":2'));
  assert.equal(records.length, 2);
  assert.equal(records[1]!.raw.toString(), '{"a":2');
  assert.ok(records[1]!.error);
});

test('.json files holding NDJSON are read as NDJSON', async () => {
  const file = await fileWith('lines.json', '{"a":1}\n{"a":2}\n');
  assert.equal(await detectFormat(file), 'ndjson');
  assert.equal((await all(file)).length, 2);
});

test('CSV rows become JSON objects of strings; rows of the wrong width are replayed raw with their line', async () => {
  const file = await fileWith('payments.csv', 'id,amount,note\n1,12.50,"said ""hi"""\n2,3\n3,4.00,"multi\nline"\n4,5,x\n');
  const records = await all(file);
  assert.deepEqual(records.map((r) => [r.line, r.position, r.error === undefined]), [[2, 2, true], [3, 3, false], [4, 5, true], [6, 6, true]]);
  assert.deepEqual(records[0]!.value, { id: '1', amount: '12.50', note: 'said "hi"' });
  assert.equal(records[1]!.raw.toString(), '2,3');
  assert.match(records[1]!.error!, /expected 3 fields, found 2/);
  assert.deepEqual(records[2]!.value, { id: '3', amount: '4.00', note: 'multi\nline' });
  assert.deepEqual((await all(file, { afterPosition: 5 })).map((r) => r.line), [6]);
});

test('CSV rows the parser cannot read are reported and replayed raw, not lost', async () => {
  // csv-parse cannot resynchronise inside an unclosed quote, so the rest of the file becomes one
  // raw record: still replayed into bronze, still reported with the line it starts on.
  const file = await fileWith('broken.csv', 'id,name\n1,"ok"\n2,fine\n3,"never closed\n4,lost\n');
  const records = await all(file);
  assert.deepEqual(records.map((r) => r.error === undefined), [true, true, false]);
  assert.match(records[2]!.error!, /unreadable CSV/);
  assert.equal(records[2]!.raw.toString(), '3,"never closed\n4,lost');
  assert.equal(records[2]!.line, 4);
});

test('reading in arrays gives the same records as reading one at a time, ASCII or not, across read buffers', async () => {
  // Long enough to span several 1 MiB read buffers, with a multi-byte line in the middle so that
  // some buffers are ASCII (decoded once) and one is not (decoded line by line).
  const lines = Array.from({ length: 12_000 }, (_, i) => (i === 6_000 ? '{"name":"Zoë","n":6000}' : `{"n":${i},"pad":"${'x'.repeat(150)}"}`));
  lines.splice(100, 0, '', '  ', '{"broken":');
  const cases = [
    await fileWith('big.ndjson', lines.join('\r\n') + '\r\n'),
    await fileWith('rows.csv', `n,s\n${Array.from({ length: 2_500 }, (_, i) => `${i},v${i}`).join('\n')}\n`),
    await fileWith('items.json', `[${Array.from({ length: 1_500 }, (_, i) => `{"n":${i}}`).join(',')}]`),
  ];
  for (const file of cases) {
    const format = await detectFormat(file);
    const chunked: SourceRecord[] = [];
    let arrays = 0;
    for await (const records of readSourceChunks(file, format)) {
      assert.ok(records.length > 0, 'no empty arrays');
      arrays++;
      chunked.push(...records);
    }
    const single = await all(file);
    assert.ok(arrays > 1, `${path.basename(file)} came in several arrays`);
    assert.deepEqual(chunked.map((r) => [r.line, r.position, r.byteEnd, r.raw.toString('utf8'), r.value, r.error]), single.map((r) => [r.line, r.position, r.byteEnd, r.raw.toString('utf8'), r.value, r.error]));
  }
  const ndjson = await all(cases[0]!);
  assert.equal(ndjson.length, 12_001, 'blank lines skipped, the broken line kept');
  // Against the source itself, not the reader: every non-blank line, its text and its value.
  const expected = lines.map((text, i) => ({ line: i + 1, text })).filter((l) => l.text.trim() !== '');
  assert.deepEqual(ndjson.map((r) => [r.line, r.raw.toString('utf8')]), expected.map((l) => [l.line, l.text]));
  for (const [i, r] of ndjson.entries()) {
    const text = expected[i]!.text;
    if (r.error === undefined) assert.deepEqual(r.value, JSON.parse(text));
    else assert.throws(() => JSON.parse(text));
  }
  assert.deepEqual(ndjson.find((r) => r.line === 6_004)?.value, { name: 'Zoë', n: 6000 });
  assert.equal(ndjson.find((r) => r.line === 103)?.raw.toString(), '{"broken":', 'the carriage return is not part of the record');
});
