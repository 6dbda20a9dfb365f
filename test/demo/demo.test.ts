// The README's main job, as CI runs it: `medallion demo --exit-when-done --no-open` in a workspace
// (a copy of the samples), then the warehouse it leaves behind is checked with DuckDB SQL: the gold
// revenue per region and minute must equal what SQL computes over the silver rows it was made from,
// minus the rows the gold layer reported late.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync } from 'node:fs';
import path from 'node:path';
import { Warehouse } from '../../sandbox/warehouse/index';
import { describeResult, runCommand } from '../support/run-command';
import { makeTempDir } from '../support/temp-dir';

const ROOT = path.join(__dirname, '..', '..');

test('medallion demo --exit-when-done runs the whole loop and leaves a warehouse whose gold agrees with SQL over silver', { timeout: 240_000 }, async () => {
  const dir = makeTempDir('medallion-demo-');
  try {
    const workspace = path.join(dir.path, 'shop');
    for (const part of ['shop.pipeline.ts', 'lib', 'data']) cpSync(path.join(ROOT, 'samples', part), path.join(workspace, part), { recursive: true });
    const result = await runCommand(process.execPath, ['--require', require.resolve('tsx/cjs'), path.join(ROOT, 'sandbox', 'cli', 'main.ts'), 'demo', '--exit-when-done', '--no-open'], {
      cwd: workspace,
      timeoutMs: 200_000,
    });
    assert.equal(result.code, 0, describeResult(result));
    for (const step of ['1/5 sandbox broker', '2/5 inspector', '3/5 replay', '4/5 pipeline', '5/5 warehouse']) assert.match(result.stdout, new RegExp(step));
    assert.match(result.stdout, /3,047 records from 6 files/);
    assert.match(result.stdout, /revenue_per_region_per_minute, top by revenueCents/);

    const file = path.join(workspace, '.medallion', 'warehouse.duckdb');
    assert.ok(existsSync(file), 'the warehouse file stays behind');
    const warehouse = await Warehouse.open({ path: file, readOnly: true });
    try {
      const tableOf = async (topic: string): Promise<string> => {
        const r = await warehouse.query(`SELECT table_name FROM _medallion_tables WHERE topic = '${topic}'`);
        const name = r.rows[0]?.[0];
        assert.ok(typeof name === 'string', `no table for topic ${topic}`);
        return `"${name}"`;
      };
      const gold = await tableOf('revenue_per_region_per_minute');
      const silver = await tableOf('orders_paid');
      const late = await tableOf('revenue_per_region_per_minute.late').catch(() => null);
      const lateIds = late === null ? 'SELECT NULL::VARCHAR AS _id WHERE false' : `SELECT _id FROM ${late}`;
      // The window's event time is the silver record's, which the runner writes as its Kafka timestamp.
      const fromSilver = await warehouse.query(`
        SELECT region, epoch_ms(time_bucket(INTERVAL 1 minute, _timestamp)) AS windowStart, sum(amountCents)::BIGINT AS revenue, count(*)::BIGINT AS orders
        FROM ${silver} WHERE _id NOT IN (${lateIds})
        GROUP BY ALL ORDER BY ALL`, { rowLimit: 100_000 });
      const fromGold = await warehouse.query(`
        SELECT key, windowStart::BIGINT, revenueCents::BIGINT, orders::BIGINT FROM ${gold} ORDER BY ALL`, { rowLimit: 100_000 });
      assert.ok(fromGold.rows.length > 10, `only ${fromGold.rows.length} gold rows`);
      assert.deepEqual(fromGold.rows.map((r) => r.map(String)), fromSilver.rows.map((r) => r.map(String)));
    } finally {
      await warehouse.close();
    }
  } finally {
    dir.remove();
  }
});
