import { test } from 'node:test';
import assert from 'node:assert/strict';
import { count, createTestDriver, cumulating, hopping, json, max, pipeline, sum, tumbling, type OutputRecord } from '../../pipeline';
import { compile } from '../compile';
import { prng } from '../testdata/rich-pipeline';
import { sameJson, type Ev } from '../testdata/fixtures';
import type { WindowSpec } from './assigners';
import type { Aggregation } from '../../pipeline';

const kinds: [string, WindowSpec][] = [['tumbling', tumbling('10s')], ['hopping', hopping('10s', '5s')], ['cumulating', cumulating('5s', '20s')]];
const aggs: [string, () => Aggregation<Ev, unknown>][] = [['count', () => count()], ['sum', () => sum((e: Ev) => e.v)], ['max', () => max((e: Ev) => e.v)]];

function events(): Ev[] {
  const rnd = prng(3);
  const out: Ev[] = [];
  let t = 0;
  for (let i = 0; i < 3000; i++) {
    t += Math.floor(rnd() * 50);
    // Some records are far behind: late for the window, so the late path is compared too.
    const lag = rnd() < 0.03 ? 15_000 : Math.floor(rnd() * 3000);
    out.push({ id: `e${i}`, user: `u${Math.floor(rnd() * 7)}`, v: Math.floor(rnd() * 100), t: Math.max(0, t - lag) });
  }
  return out;
}

const strip = (out: Record<string, OutputRecord[]>): string => JSON.stringify(Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.map((r) => ({ ...r, lineage: null }))])));

for (const [kind, spec] of kinds) {
  for (const [aggName, agg] of aggs) {
    test(`the scalar fast path gives the general operator's output: ${kind} ${aggName}, with late records and a checkpoint`, () => {
      const p = pipeline('scalar', (p) => {
        const src = p.bronze('events', { value: json<Ev>(), eventTime: (e) => e.t, outOfOrderness: '2s' });
        p.gold('agg', src.keyBy((e) => e.user).window(spec, { allowedLateness: '1s' }).aggregate({ x: agg() }));
      });
      const input = events();
      // Lineage on forces the general operator; off, the engine picks the fast path.
      const general = compile(p.plan, { lineage: 1 });
      general.pushValues('events', 0, 0, input);
      general.finish();
      const fast = compile(p.plan, { lineage: false });
      fast.pushValues('events', 0, 0, input.slice(0, 1700));
      const before = fast.drain();
      const restored = compile(p.plan, { lineage: false });
      restored.restore(JSON.parse(JSON.stringify(fast.snapshot())) as ReturnType<typeof fast.snapshot>);
      restored.pushValues('events', 0, 1700, input.slice(1700));
      restored.finish();
      const after = restored.drain();
      const merged: Record<string, OutputRecord[]> = {};
      for (const part of [before, after]) for (const [k, v] of Object.entries(part)) (merged[k] ??= []).push(...v);
      const expected = general.drain();
      assert.ok((expected['agg.late']?.length ?? 0) > 0, 'the input has late records');
      sameJson(strip(merged), strip(expected));
    });
  }
}

test('the test driver and the fast path agree on a small tumbling count', () => {
  const p = pipeline('small', (p) => {
    const src = p.bronze('events', { value: json<Ev>(), eventTime: (e) => e.t });
    p.gold('agg', src.keyBy((e) => e.user).window(tumbling('1m')).aggregate({ n: count() }));
  });
  const d = createTestDriver(p, { lineage: false });
  d.input<Ev>('events').sendMany([{ id: 'a', user: 'u', v: 1, t: 1 }, { id: 'b', user: 'u', v: 1, t: 2 }]);
  d.finish();
  assert.deepEqual(d.output('agg').readAll().map((r) => [r.id, r.value]), [['agg/2/"u"@0-60000/0', { key: 'u', windowStart: 0, windowEnd: 60_000, n: 2 }]]);
});

test('the fused source → keyBy → tumbling count loop gives the unfused operators\' output, failures and late records included', () => {
  const p = pipeline('fused', (p) => {
    const src = p.bronze('events', { value: json<Ev>(), key: (e) => e.id, eventTime: (e) => (e.v === 13 ? Number.NaN : e.t), outOfOrderness: '2s' });
    p.gold('agg', src.keyBy((e) => {
      if (e.v === 7) throw new Error('unlucky');
      return e.user;
    }).window(tumbling('10s')).aggregate({ n: count() }));
  });
  const input = events();
  assert.ok(input.some((e) => e.v === 13) && input.some((e) => e.v === 7));
  // pushValues takes the fused loop; push (records with offsets) goes operator by operator.
  const fused = compile(p.plan, { lineage: false });
  fused.pushValues('events', 0, 0, input);
  fused.finish();
  const separate = compile(p.plan, { lineage: false });
  separate.push('events', 0, input.map((value, offset) => ({ offset, value })));
  separate.finish();
  const expected = separate.drain();
  assert.ok((expected['agg.late']?.length ?? 0) > 0 && (expected['agg.dead_letter']?.length ?? 0) > 0 && (expected['events.dead_letter']?.length ?? 0) > 0);
  sameJson(JSON.stringify(fused.drain()), JSON.stringify(expected));
});
