// The lineage header is written by hand for speed; it must say exactly what JSON.stringify of the
// parsed positions says, for topic names that need escaping too.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OutputInfo, OutputRecord } from '../engine';
import { parsePosition, toMessage } from './output-records';
import type { PlanFacts } from './plan-facts';

test('the lineage header equals JSON.stringify of the parsed positions, skipping malformed ones', () => {
  const positions = ['orders/0/12', 'a/b"c\\d/3/4', 'weird ✓ topic/10/900719925474', 'not-a-position', 'x/1/y'];
  const record = { id: 'r1', kind: 'insert', value: { a: 1 }, eventTime: 1_700_000_000_123.7, lineage: { positions, total: 7 } } as unknown as OutputRecord;
  const output = { name: 'silver_orders', topic: 'silver_orders', layer: 'silver_orders', kind: 'layer' } as unknown as OutputInfo;
  const facts = { updating: new Set<string>(), tierOf: new Map([['silver_orders', 'silver']]) } as unknown as PlanFacts;
  const message = toMessage(record, output, facts, 42);
  const expected = positions.map(parsePosition).filter((p) => p !== null);
  assert.equal(message.headers['medallion.lineage'], JSON.stringify(expected));
  assert.equal(message.headers['medallion.lineage-truncated'], String(7 - expected.length));
  assert.equal(message.headers['medallion.watermark'], '42');
  assert.equal(message.timestamp, 1_700_000_000_123);
  assert.equal(message.value, '{"a":1}');
});
