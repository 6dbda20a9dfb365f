// The oracle test: on a generated stream of 300,000 events with disorder inside the watermark bound
// (so nothing is dropped as late), the gold windowed aggregates must equal what DuckDB computes with
// SQL over the same events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { compile } from './index';
import { count, countDistinct, hopping, json, max, min, pipeline, session, sum, tumbling } from '../pipeline';
import { prng } from './testdata/rich-pipeline';

type Event = { user: string; item: number; v: number; t: number };
const N = 300_000;
const PARTITIONS = 3;

function generate(): Event[][] {
  const rnd = prng(42);
  const parts: Event[][] = Array.from({ length: PARTITIONS }, () => []);
  let clock = 1_700_000_000_000;
  for (let i = 0; i < N; i++) {
    clock += Math.floor(rnd() * 20);
    // Up to 2.5 s behind the partition's newest event: inside the 3 s out-of-orderness bound.
    const t = clock - Math.floor(rnd() * 2500);
    parts[i % PARTITIONS]!.push({ user: `u${Math.floor(rnd() * rnd() * 500)}`, item: Math.floor(rnd() * 50), v: Math.floor(rnd() * 1000) - 100, t });
  }
  return parts;
}

const oracle = pipeline('oracle', (p) => {
  const events = p.bronze('events', { value: json<Event>(), eventTime: (e) => e.t, outOfOrderness: '3s' });
  const byUser = events.keyBy((e) => e.user);
  p.gold('tumbling', byUser.window(tumbling('1m')).aggregate({ n: count(), total: sum((e) => e.v), lo: min((e) => e.v), hi: max((e) => e.v), items: countDistinct((e) => e.item) }));
  p.gold('hopping', byUser.window(hopping('30s', '10s')).aggregate({ n: count(), total: sum((e) => e.v) }));
  p.gold('sessions', byUser.window(session('5s')).aggregate({ n: count(), total: sum((e) => e.v) }));
});

type Row = Record<string, number | string | null>;
const canon = (rows: Row[], cols: string[]): string[] => rows.map((r) => cols.map((c) => String(r[c])).join('|')).sort();

test('oracle: tumbling, hopping and session aggregates equal DuckDB SQL over the same 300,000 events', async () => {
  const parts = generate();
  const job = compile(oracle.plan, { lineage: false });
  // Without this, the first partition's batch would move the watermark alone, making the others late.
  job.assignPartitions('events', [0, 1, 2]);
  // Interleave the partitions in batches, as a runner fetching from three partitions would.
  const batch = 500;
  for (let off = 0; off < parts[0]!.length; off += batch) {
    for (let p = 0; p < PARTITIONS; p++) job.pushValues('events', p, off, parts[p]!.slice(off, off + batch));
  }
  job.finish();
  const out = job.drain();
  assert.equal(out['tumbling.late'], undefined, 'no record may be late in the oracle stream');
  assert.equal(out['hopping.late'], undefined);
  assert.equal(out['sessions.late'], undefined);
  const values = (name: string): Row[] => (out[name] ?? []).map((r) => r.value as Row);

  const dir = mkdtempSync(path.join(tmpdir(), 'medallion-oracle-'));
  try {
    const file = path.join(dir, 'events.ndjson');
    writeFileSync(file, parts.flat().map((e) => JSON.stringify(e)).join('\n'));
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    await conn.run(`CREATE TABLE ev AS SELECT * FROM read_json('${file}', columns = {user: 'VARCHAR', item: 'INTEGER', v: 'BIGINT', t: 'BIGINT'})`);
    const sql = async (q: string): Promise<Row[]> => {
      const reader = await conn.runAndReadAll(q);
      return reader.getRowObjects().map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : (v as number | string | null)])));
    };
    assert.equal((await sql('SELECT count(*) AS n FROM ev'))[0]!.n, N);

    const tumblingSql = await sql(`
      SELECT "user" AS key, (t // 60000) * 60000 AS windowStart, (t // 60000) * 60000 + 60000 AS windowEnd,
             count(*) AS n, sum(v) AS total, min(v) AS lo, max(v) AS hi, count(DISTINCT item) AS items
      FROM ev GROUP BY ALL`);
    const cols = ['key', 'windowStart', 'windowEnd', 'n', 'total', 'lo', 'hi', 'items'];
    assert.ok(tumblingSql.length > 1000);
    assert.deepEqual(canon(values('tumbling'), cols), canon(tumblingSql, cols));

    const hoppingSql = await sql(`
      SELECT "user" AS key, ws AS windowStart, ws + 30000 AS windowEnd, count(*) AS n, sum(v) AS total
      FROM (SELECT "user", v, (t // 10000) * 10000 - k * 10000 AS ws FROM ev CROSS JOIN range(3) AS r(k)) GROUP BY ALL`);
    const hcols = ['key', 'windowStart', 'windowEnd', 'n', 'total'];
    assert.deepEqual(canon(values('hopping'), hcols), canon(hoppingSql, hcols));

    // A new session starts where the gap to the user's previous event exceeds 5 s (touching windows merge).
    const sessionSql = await sql(`
      WITH o AS (SELECT *, CASE WHEN t - lag(t) OVER (PARTITION BY "user" ORDER BY t) <= 5000 THEN 0 ELSE 1 END AS brk FROM ev),
           s AS (SELECT *, sum(brk) OVER (PARTITION BY "user" ORDER BY t ROWS UNBOUNDED PRECEDING) AS sid FROM o)
      SELECT "user" AS key, min(t) AS windowStart, max(t) + 5000 AS windowEnd, count(*) AS n, sum(v) AS total FROM s GROUP BY "user", sid`);
    assert.ok(sessionSql.length > 1000);
    assert.deepEqual(canon(values('sessions'), hcols), canon(sessionSql, hcols));
    conn.closeSync();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
