/**
 * Helpers shared by the warehouse's tests: records shaped as kafkajs delivers them, and a warehouse
 * in a fresh temporary folder that is removed afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { IncomingRecord } from './record-decoder';
import type { WarehouseOptions } from './warehouse';
import { Warehouse } from './warehouse';

/** A record at `offset` whose value is `value` (objects are JSON-encoded, strings kept as they are). */
export function record(
  offset: number,
  value: unknown,
  headers: Record<string, string> = {},
  options: { key?: string; timestamp?: number } = {},
): IncomingRecord {
  const text = value === null ? null : typeof value === 'string' ? value : JSON.stringify(value);
  return {
    offset: String(offset),
    timestamp: String(options.timestamp ?? 1_700_000_000_000 + offset),
    key: options.key === undefined ? null : Buffer.from(options.key),
    value: text === null ? null : Buffer.from(text),
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)])),
  };
}

export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), `medallion-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Opens a warehouse file in a temporary folder; `cleanup` closes it and deletes the folder. */
export async function tempWarehouse(options: Omit<WarehouseOptions, 'path'> = {}): Promise<{
  warehouse: Warehouse;
  file: string;
  reopen(): Promise<Warehouse>;
  cleanup(): Promise<void>;
}> {
  const temp = tempDir('warehouse');
  const file = path.join(temp.dir, 'warehouse.duckdb');
  let current = await Warehouse.open({ ...options, path: file });
  return {
    get warehouse() {
      return current;
    },
    file,
    async reopen() {
      await current.close();
      current = await Warehouse.open({ ...options, path: file });
      return current;
    },
    async cleanup() {
      await current.close();
      temp.remove();
    },
  };
}
