import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDriver, json, pipeline } from '../../pipeline';

type Raw = { order_id: string; email: string; region?: string; lines: { sku: string; qty: number }[]; t: number };
const raw = (id: string, t: number, extra: Partial<Raw> = {}): Raw => ({ order_id: id, email: ` ${id.toUpperCase()}@X.COM `, lines: [], t, ...extra });

test('map, filter, flatMap, rename and normalize compose, and fanned-out records get distinct stable ids', () => {
  const p = pipeline('record-wise', (p) => {
    const src = p.bronze('raw', { value: json<Raw>(), eventTime: (r) => r.t });
    const lines = src
      .rename({ order_id: 'orderId' })
      .normalize({ email: (e) => e.trim().toLowerCase(), region: (r) => r ?? 'unknown' })
      .filter((o) => o.lines.length > 0)
      .flatMap((o) => o.lines.map((l) => ({ orderId: o.orderId, email: o.email, region: o.region, ...l })))
      .map((l, ctx) => ({ ...l, at: ctx.eventTime }));
    p.silver('lines', lines);
  });
  const d = createTestDriver(p);
  d.input<Raw>('raw').sendMany([
    raw('a', 10, { lines: [{ sku: 's1', qty: 1 }, { sku: 's2', qty: 2 }] }),
    raw('b', 20),
    raw('c', 30, { region: 'EU', lines: [{ sku: 's3', qty: 3 }] }),
  ]);
  const out = d.output('lines').readAll();
  assert.deepEqual(out.map((r) => [r.id, r.value]), [
    ['raw/0/0#0', { orderId: 'a', email: 'a@x.com', region: 'unknown', sku: 's1', qty: 1, at: 10 }],
    ['raw/0/0#1', { orderId: 'a', email: 'a@x.com', region: 'unknown', sku: 's2', qty: 2, at: 10 }],
    ['raw/0/2#0', { orderId: 'c', email: 'c@x.com', region: 'EU', sku: 's3', qty: 3, at: 30 }],
  ]);
});

test('split: each record takes the first matching route, the rest go to unmatched; each route can be its own layer', () => {
  const p = pipeline('split', (p) => {
    const src = p.bronze('raw', { value: json<Raw>(), eventTime: (r) => r.t });
    const { big, eu, unmatched } = src.split({ big: (r) => r.lines.length > 1, eu: (r) => r.region === 'EU' });
    p.silver('big', big);
    p.silver('eu', eu);
    p.silver('other', unmatched.map((r) => r.order_id));
  });
  const d = createTestDriver(p);
  d.input<Raw>('raw').sendMany([
    raw('a', 1, { region: 'EU', lines: [{ sku: 'x', qty: 1 }, { sku: 'y', qty: 1 }] }),
    raw('b', 2, { region: 'EU' }),
    raw('c', 3),
  ]);
  assert.deepEqual(d.output<Raw>('big').readValues().map((r) => r.order_id), ['a']);
  assert.deepEqual(d.output<Raw>('eu').readValues().map((r) => r.order_id), ['b']);
  assert.deepEqual(d.output('other').readValues(), ['c']);
});

test('a stream read by two layers gives each its own copy of the record', () => {
  const p = pipeline('fan-out', (p) => {
    const src = p.bronze('raw', { value: json<Raw>(), eventTime: (r) => r.t });
    p.silver('ids', src.map((r) => r.order_id));
    p.silver('times', src.map((r) => r.t));
  });
  const d = createTestDriver(p);
  d.input<Raw>('raw').send(raw('a', 5));
  assert.deepEqual(d.output('ids').readValues(), ['a']);
  assert.deepEqual(d.output('times').readValues(), [5]);
});

test('keyed state with a TTL: state is kept per key and forgotten once the watermark passes last update + TTL', () => {
  type Click = { user: string; page: string; t: number };
  const p = pipeline('process', (p) => {
    const clicks = p.bronze('clicks', { value: json<Click>(), eventTime: (c) => c.t });
    p.gold('visits', clicks.keyBy((c) => c.user).process({
      ttl: '10s',
      init: () => ({ n: 0 }),
      onRecord: (s, c, emit, ctx) => {
        s.n += 1;
        emit({ user: c.user, visit: s.n, key: ctx.key });
      },
    }));
  });
  const d = createTestDriver(p);
  const input = d.input<Click>('clicks');
  input.sendMany([{ user: 'u', page: 'a', t: 0 }, { user: 'u', page: 'b', t: 9_000 }, { user: 'v', page: 'a', t: 9_500 }]);
  input.send({ user: 'u', page: 'c', t: 18_999 });
  // u was last updated at 18.999 s now; w moves the watermark to 29 s, where u's state (due at 28.999 s) expires.
  input.send({ user: 'w', page: 'a', t: 29_000 });
  input.send({ user: 'u', page: 'd', t: 29_000 });
  assert.deepEqual(d.output<{ user: string; visit: number }>('visits').readValues().map((v) => `${v.user}${v.visit}`), ['u1', 'u2', 'v1', 'u3', 'w1', 'u1']);
  // v expired at 19.5 s; u and w remain.
  assert.equal(d.job.stateSize(), 2);
});
