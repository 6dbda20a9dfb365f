import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDriver, json, pipeline, type ExpectationAction } from '../../pipeline';
import { PipelineFailure } from '../errors';

type Order = { orderId: string; cents: number; t: number };
const orders = (action: ExpectationAction) => pipeline('expect', (p) => {
  const src = p.bronze('orders', { value: json<Order>(), key: (o) => o.orderId, eventTime: (o) => o.t });
  p.silver('clean', src.expect('positive_amount', (o) => o.cents > 0, action).expect('has_id', (o) => o.orderId.length > 0, 'drop'));
});
const input: Order[] = [{ orderId: 'a', cents: 5, t: 1 }, { orderId: 'b', cents: -1, t: 2 }, { orderId: 'c', cents: 7, t: 3 }];

test('expectation, warn: failing records pass on and are counted', () => {
  const d = createTestDriver(orders('warn'));
  d.input<Order>('orders').sendMany(input);
  assert.deepEqual(d.output<Order>('clean').readValues().map((o) => o.orderId), ['a', 'b', 'c']);
  assert.deepEqual(d.metrics().expectations['clean.positive_amount'], { passed: 2, failed: 1, action: 'warn' });
});

test('expectation, drop: failing records are discarded and counted', () => {
  const d = createTestDriver(orders('drop'));
  d.input<Order>('orders').sendMany(input);
  assert.deepEqual(d.output<Order>('clean').readValues().map((o) => o.orderId), ['a', 'c']);
  assert.deepEqual(d.sideOutput('clean', 'quarantine').readAll(), []);
  assert.equal(d.metrics().expectations['clean.positive_amount']!.failed, 1);
});

test('expectation, quarantine: the original record goes to the quarantine output with the rule and the reason', () => {
  const d = createTestDriver(orders('quarantine'));
  d.input<Order>('orders').sendMany(input);
  assert.deepEqual(d.output<Order>('clean').readValues().map((o) => o.orderId), ['a', 'c']);
  const q = d.sideOutput('clean', 'quarantine').readAll();
  assert.deepEqual(q.map((r) => [r.id, r.output, r.topic, r.value]), [
    ['orders/0/1', 'clean.quarantine', 'clean.quarantine', { record: input[1], rule: 'positive_amount', reason: 'rule "positive_amount" returned false' }],
  ]);
});

test('expectation, quarantine: a rule that throws quarantines with the error as the reason', () => {
  const d = createTestDriver(orders('quarantine'));
  d.input<Order>('orders').send(null as unknown as Order);
  const q = d.sideOutput('orders', 'dead_letter').readValues();
  assert.equal(q.length, 1, 'a null record cannot be timed, so it is a dead letter of the source');
  const p = pipeline('throwing-rule', (p) => {
    const src = p.bronze('orders', { value: json<Order>(), eventTime: (o) => o.t });
    p.silver('clean', src.expect('parse', (o) => JSON.parse(String(o.orderId)) !== null, 'quarantine'));
  });
  const d2 = createTestDriver(p);
  d2.input<Order>('orders').send({ orderId: '{', cents: 1, t: 1 });
  assert.match(d2.sideOutput('clean', 'quarantine').readValues()[0]!.reason, /^rule "parse" threw SyntaxError/);
});

test('expectation, fail: the job stops with the rule and the record, and refuses further input', () => {
  const d = createTestDriver(orders('fail'));
  const send = d.input<Order>('orders');
  send.send(input[0]!);
  assert.throws(() => send.send(input[1]!), (e: unknown) => e instanceof PipelineFailure && /expectation "positive_amount" of layer "clean" failed on record orders\/0\/1/.test(e.message));
  assert.throws(() => send.send(input[2]!), PipelineFailure);
});

test('dead letter: a transform that throws sends the record on with the error and the source location', () => {
  const p = pipeline('dead', (p) => {
    const src = p.bronze('orders', { value: json<Order>(), eventTime: (o) => o.t });
    p.silver('clean', src.map((o) => {
      if (o.cents < 0) throw new RangeError(`negative amount ${o.cents}`);
      return o;
    }));
  });
  const d = createTestDriver(p);
  d.input<Order>('orders').sendMany(input);
  assert.deepEqual(d.output<Order>('clean').readValues().map((o) => o.orderId), ['a', 'c']);
  const [dead] = d.sideOutput('clean', 'dead_letter').readAll();
  assert.equal(dead!.id, 'orders/0/1');
  assert.deepEqual(dead!.value.record, input[1]);
  assert.equal(dead!.value.error, 'RangeError: negative amount -1');
  assert.equal(dead!.value.operator, 'map');
  assert.match(dead!.value.location ?? '', /expectations\.test\.ts:64:\d+$/);
  assert.match(dead!.value.definedAt ?? '', /expectations\.test\.ts:63:\d+$/);
});

test('dead letter: a layer with onError fail stops instead', () => {
  const p = pipeline('dead-fail', (p) => {
    const src = p.bronze('orders', { value: json<Order>(), eventTime: (o) => o.t });
    p.silver('clean', src.map((o) => o.cents.toFixed(0).repeat(-1)), { onError: 'fail' });
  });
  const d = createTestDriver(p);
  assert.throws(() => d.input<Order>('orders').send(input[0]!), /map in layer "clean" threw on record orders\/0\/0: RangeError/);
});

test('dead letter: bytes that are not JSON go to the source\'s dead-letter output', () => {
  const p = pipeline('bad-bytes', (p) => {
    const src = p.bronze('orders', { value: json<Order>(), eventTime: (o) => o.t });
    p.silver('clean', src);
  });
  const d = createTestDriver(p);
  d.input('orders').send(Buffer.from('{"orderId": "a", "cents": 1, "t": 1}'));
  d.input('orders').send(Buffer.from('{not json'));
  assert.deepEqual(d.output<Order>('clean').readValues(), [{ orderId: 'a', cents: 1, t: 1 }]);
  const dead = d.sideOutput('orders', 'dead_letter').readValues();
  assert.equal(dead.length, 1);
  assert.match(dead[0]!.error, /^SyntaxError/);
});
