import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { firstChangedLayer, layerAtLine, outlinePipeline } from './pipeline-file';

const SHOP = readFileSync(path.join(__dirname, '..', '..', 'samples', 'shop.pipeline.ts'), 'utf8');

test('finds every layer of the sample pipeline with its tier and line', () => {
  const outline = outlinePipeline(SHOP);
  assert.equal(outline.name, 'shop');
  const lines = SHOP.split('\n');
  assert.deepEqual(
    outline.layers.map((l) => `${l.tier}:${l.name}`),
    [
      'bronze:orders', 'bronze:payments', 'bronze:customers', 'bronze:page_views',
      'silver:orders_clean', 'silver:orders_enriched', 'silver:payments_clean', 'silver:orders_paid',
      'gold:revenue_per_region_per_minute', 'gold:hot_products', 'gold:conversion_funnel', 'gold:payment_failure_anomalies', 'gold:late_data_counts',
    ],
  );
  for (const layer of outline.layers) {
    assert.match(lines[layer.line]!, new RegExp(`\\.${layer.tier}\\(`), `${layer.name} is on the line of its call`);
    assert.ok(lines.slice(layer.line, layer.line + 2).join('\n').includes(`'${layer.name}'`));
    assert.equal(layer.topic, layer.name);
  }
  // A layer whose name is on the line after the call still starts at the call.
  const hot = outline.layers.find((l) => l.name === 'hot_products')!;
  assert.match(lines[hot.line]!, /p\.gold\($/);
  assert.equal(lines[hot.line + 1]!.slice(hot.nameColumn, hot.nameColumn + 'hot_products'.length), 'hot_products');
});

test('reads the topic option and ignores commented-out layers', () => {
  const text = [
    "export default pipeline('x', (p) => {",
    "  const a = p.bronze('raw', { topic: 'shop.raw.v1', value: json() });",
    "  p.gold('answers', a.map((r) => r), { topic: 'gold.answers' });",
    "  // p.silver('not-a-layer', a);",
    "  /* p.gold('nor-this', a); */",
    '});',
  ].join('\n');
  const outline = outlinePipeline(text);
  assert.deepEqual(outline.layers.map((l) => [l.name, l.topic, l.line]), [['raw', 'shop.raw.v1', 1], ['answers', 'gold.answers', 2]]);
});

test('a file that is not a pipeline has no layers', () => {
  assert.deepEqual(outlinePipeline('const x = 1;\n'), { name: undefined, layers: [] });
  assert.deepEqual(outlinePipeline(''), { name: undefined, layers: [] });
});

test('layerAtLine maps lines between two calls to the first', () => {
  const outline = outlinePipeline(SHOP);
  const clean = outline.layers.find((l) => l.name === 'orders_clean')!;
  assert.equal(layerAtLine(outline, clean.line + 3)?.name, 'orders_clean');
  assert.equal(layerAtLine(outline, 0), undefined);
});

test('firstChangedLayer names the earliest changed layer, * for changes outside layers, nothing when equal', () => {
  assert.equal(firstChangedLayer(SHOP, SHOP), undefined);
  const silverEdit = SHOP.replace("'positive_amount', (o) => o.amountCents > 0", "'positive_amount', (o) => o.amountCents >= 0");
  assert.notEqual(silverEdit, SHOP);
  assert.equal(firstChangedLayer(SHOP, silverEdit), 'orders_clean');
  const goldEdit = SHOP.replace('.filter((w) => w.orders >= 3)', '.filter((w) => w.orders >= 4)');
  assert.equal(firstChangedLayer(SHOP, goldEdit), 'hot_products');
  const importEdit = SHOP.replace("const OUT_OF_ORDER = '5s';", "const OUT_OF_ORDER = '6s';");
  assert.equal(firstChangedLayer(SHOP, importEdit), '*');
  // Two edits: the earlier layer wins, since re-running it re-runs the later one.
  assert.equal(firstChangedLayer(SHOP, goldEdit.replace("'positive_amount', (o) => o.amountCents > 0", "'positive_amount', (o) => o.amountCents >= 0")), 'orders_clean');
});
