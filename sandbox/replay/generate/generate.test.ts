import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eventTimeFormat, parseEventTime } from '../event-time';
import { partitionForKey } from '../murmur2';
import { generateSamples, type SamplesManifest } from './generate';
import { defaultMessProfile } from './mess-profile';

const SAMPLES = path.join(__dirname, '..', '..', '..', 'samples', 'data');

async function freshDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'medallion-generate-'));
}

async function filesOf(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const name of (await readdir(dir)).sort()) files.set(name, await readFile(path.join(dir, name)));
  return files;
}

test('regenerating with the committed seed reproduces samples/data byte for byte', async () => {
  const committed = JSON.parse(await readFile(path.join(SAMPLES, 'MANIFEST.json'), 'utf8')) as SamplesManifest;
  const dir = await freshDir();
  await generateSamples({ events: committed.events, seed: committed.seed, startTime: committed.startTime, out: dir });
  const expected = await filesOf(SAMPLES);
  const actual = await filesOf(dir);
  assert.deepEqual([...actual.keys()], [...expected.keys()]);
  for (const [name, bytes] of expected) assert.ok(bytes.equals(actual.get(name)!), `${name} differs from the committed sample`);
});

test('the same seed gives the same files and another seed gives other files', async () => {
  const [a, b, c] = [await freshDir(), await freshDir(), await freshDir()];
  await generateSamples({ events: 1500, seed: 7, out: a });
  await generateSamples({ events: 1500, seed: 7, out: b, chunkBytes: 4096 });
  await generateSamples({ events: 1500, seed: 8, out: c });
  const [fa, fb, fc] = [await filesOf(a), await filesOf(b), await filesOf(c)];
  for (const [name, bytes] of fa) assert.ok(bytes.equals(fb.get(name)!), `${name} differs between two runs with seed 7`);
  assert.ok(!fa.get('orders.ndjson')!.equals(fc.get('orders.ndjson')!));
});

// Duplicates and poison are checked in separate runs: a truncated line can by chance equal another
// truncated line, which would make a poison line look like a duplicate.
for (const [kind, poison, duplicates] of [['duplicates', 0, 0.05], ['poison lines', 0.03, 0]] as const) {
  test(`the manifest counts what a reader finds in the files: ${kind}`, async () => {
    const dir = await freshDir();
    const profile = defaultMessProfile();
    profile.poison.rate = poison;
    profile.duplicates.rate = duplicates;
    const manifest = await generateSamples({ events: 4000, seed: 3, out: dir, profile });
    const allFormats = { iso8601: 0, epochMillis: 0, epochSeconds: 0 };
    assert.equal(manifest.streams.reduce((sum, s) => sum + s.events, 0), 4000);
    for (const stream of manifest.streams) {
      const lines = (await readFile(path.join(dir, stream.file), 'utf8')).split('\n');
      assert.equal(lines.pop(), '', 'the file ends with a newline');
      assert.equal(lines.length, stream.lines);
      assert.equal(stream.lines, stream.events + stream.injected.duplicates);
      const parsed = lines.map((line) => { try { return JSON.parse(line) as Record<string, unknown>; } catch { return undefined; } });
      const poisonLines = parsed.filter((p) => p === undefined).length;
      assert.equal(poisonLines, Object.values(stream.injected.poison).reduce((a, b) => a + b, 0), `${stream.stream}: poison lines`);
      const jsonLines = lines.filter((_, i) => parsed[i] !== undefined);
      assert.equal(jsonLines.length - new Set(jsonLines).size, stream.injected.duplicates, `${stream.stream}: duplicates are byte-for-byte copies`);
      const good = parsed.filter((p): p is Record<string, unknown> => p !== undefined);
      assert.ok(good.every((event) => event[stream.keyField] !== undefined), `${stream.stream}: every event has its key field ${stream.keyField}`);
      // Formats, missing and null fields are counted over distinct lines so that duplicates count once.
      const distinct = [...new Set(lines)].flatMap((line) => { try { return [JSON.parse(line) as Record<string, unknown>]; } catch { return []; } });
      const formats = { iso8601: 0, epochMillis: 0, epochSeconds: 0 };
      for (const event of distinct) formats[eventTimeFormat(event[stream.timestampField])!]++;
      if (poison === 0) assert.deepEqual(formats, stream.injected.timestampFormats, `${stream.stream}: timestamp formats`);
      for (const format of Object.keys(formats) as (keyof typeof formats)[]) allFormats[format] += formats[format];
      for (const [field, injected] of Object.entries(stream.injected.missingFields)) {
        const found = distinct.filter((event) => !(field in event)).length;
        if (poison === 0) assert.equal(found, injected, `${stream.stream}.${field} missing`);
        else assert.ok(found <= injected && found >= injected - poisonLines, `${stream.stream}.${field} missing`);
      }
      for (const [field, injected] of Object.entries(stream.injected.nullFields)) {
        const found = distinct.filter((event) => event[field] === null).length;
        if (poison === 0) assert.equal(found, injected, `${stream.stream}.${field} null`);
        else assert.ok(found <= injected && found >= injected - poisonLines, `${stream.stream}.${field} null`);
      }
    }
    const poisonTotal = manifest.streams.reduce((sum, s) => sum + Object.values(s.injected.poison).reduce((a, b) => a + b, 0), 0);
    assert.equal(poisonTotal > 0, poison > 0);
    assert.ok(allFormats.iso8601 > allFormats.epochMillis && allFormats.epochMillis > allFormats.epochSeconds && allFormats.epochSeconds > 0, 'the three formats mix as weighted');
  });
}

test('orders drift from schema v1 (euros, items) to v2 (cents, line_items) once, at the drift point', async () => {
  const dir = await freshDir();
  const manifest = await generateSamples({ events: 3000, seed: 11, out: dir });
  const orders = (await readFile(path.join(dir, 'orders.ndjson'), 'utf8')).trim().split('\n').flatMap((line) => { try { return [JSON.parse(line) as Record<string, unknown>]; } catch { return []; } });
  const v1 = orders.filter((o) => o.schema_version === 1);
  const v2 = orders.filter((o) => o.schema_version === 2);
  assert.ok(v1.length > 10 && v2.length > 10);
  for (const o of v1) assert.ok('items' in o && !('line_items' in o) && !('amount_cents' in o));
  for (const o of v2) {
    assert.ok('line_items' in o && !('items' in o) && !('amount' in o));
    assert.ok(Number.isInteger(o.amount_cents), 'cents are whole');
  }
  const lastV1 = Math.max(...v1.map((o) => parseEventTime(o.ts)!));
  const firstV2 = Math.min(...v2.map((o) => parseEventTime(o.ts)!));
  // The version is chosen when the session that leads to the order starts, and a session lasts
  // minutes, so v1 and v2 event times overlap by at most the longest session (about seven minutes).
  assert.ok(lastV1 - firstV2 < 10 * 60_000, 'v1 and v2 overlap only by the length of a session');
  assert.ok(lastV1 - firstV2 > -10 * 60_000, 'the drift leaves no gap');
  const counts = manifest.streams.find((s) => s.stream === 'orders')!.schemaVersions!;
  assert.equal(counts['1']! + counts['2']!, manifest.streams.find((s) => s.stream === 'orders')!.events);
});

test('the idle partition receives nothing for the last part of its stream', async () => {
  const dir = await freshDir();
  const manifest = await generateSamples({ events: 3000, seed: 5, out: dir });
  const { stream, partition, lastEventTime, streamLastEventTime, linesWhileIdle } = manifest.idlePartition;
  const views = (await readFile(path.join(dir, `${stream}.ndjson`), 'utf8')).trim().split('\n').flatMap((line) => { try { return [JSON.parse(line) as Record<string, unknown>]; } catch { return []; } });
  const onIdle = views.filter((v) => partitionForKey(String(v.session_id), manifest.streams[0]!.partitions) === partition);
  const last = Math.max(...onIdle.map((v) => parseEventTime(v.ts)!));
  assert.equal(new Date(last).toISOString().slice(0, 19), lastEventTime!.slice(0, 19));
  const end = Date.parse(streamLastEventTime!);
  const begin = Math.min(...views.map((v) => parseEventTime(v.ts)!));
  assert.ok((end - last) / (end - begin) > 0.3, 'idle for at least the last 30% of the stream');
  assert.ok(linesWhileIdle > 500);
});

test('the same customer id is spelled differently by different services', async () => {
  const dir = await freshDir();
  await generateSamples({ events: 3000, seed: 9, out: dir });
  const ids = async (file: string): Promise<string[]> => (await readFile(path.join(dir, file), 'utf8')).trim().split('\n').flatMap((line) => { try { const v = JSON.parse(line) as { customer_id?: unknown }; return typeof v.customer_id === 'string' ? [v.customer_id] : []; } catch { return []; } });
  assert.ok((await ids('customers.ndjson')).every((id) => /^C-\d{5}$/.test(id)));
  assert.ok((await ids('orders.ndjson')).some((id) => /^c-\d{5}$/.test(id)));
  assert.ok((await ids('payments.ndjson')).some((id) => /^C\d{5}$/.test(id)));
  assert.ok((await ids('page_views.ndjson')).some((id) => /^\d+$/.test(id)));
  assert.ok((await ids('shipments.ndjson')).some((id) => /^ C-\d{5} $/.test(id)));
});
