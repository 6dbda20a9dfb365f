import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Tier } from '../pipelines/pipeline-file';
import { groupTopics, sideOutputTotals } from './topic-groups';

const t = (topic: string, records: number) => ({ topic, records, partitions: 1 });

test('groups topics by tier with side outputs under their layer, internal topics left out', () => {
  const tiers = new Map<string, Tier>([['orders', 'bronze'], ['orders_clean', 'silver'], ['hot_products', 'gold']]);
  const groups = groupTopics(
    [t('orders_clean', 90), t('orders', 100), t('orders_clean.quarantine', 7), t('orders_clean.late', 2), t('hot_products', 4), t('__consumer_offsets', 3), t('misc', 1), t('orders.dead_letter', 5)],
    tiers,
  );
  assert.deepEqual(groups.bronze.map((g) => [g.topic, g.records, Object.keys(g.sideOutputs)]), [['orders', 100, ['dead_letter']]]);
  assert.deepEqual(groups.silver.map((g) => [g.topic, g.sideOutputs.quarantine?.records, g.sideOutputs.late?.records]), [['orders_clean', 7, 2]]);
  assert.deepEqual(groups.gold.map((g) => g.topic), ['hot_products']);
  assert.deepEqual(groups.other.map((g) => g.topic), ['misc']);
  assert.deepEqual(sideOutputTotals(groups), { late: 2, quarantine: 7, dead_letter: 5 });
});

test('a side output whose layer topic is missing stays visible and still counts', () => {
  const groups = groupTopics([t('x.quarantine', 3)], new Map([['x', 'silver']]));
  assert.deepEqual(groups.silver.map((g) => g.topic), ['x.quarantine']);
  assert.equal(sideOutputTotals(groups).quarantine, 3);
});
