/**
 * The inspector's request handlers over one open Warehouse. The table satisfies the protocol's
 * method map, so a method without a handler, or with the wrong result, does not compile.
 */
import type { Counts, InspectorMethods, LayerTotals, MethodName, ParamsOf, ResultOf, SchemaTable } from '../protocol/inspector';
import type { Warehouse } from '../warehouse/index';
import { quoteIdent, quoteLiteral } from '../warehouse/sql-names';
import type { ExportStore } from './exports';
import * as check from './params';
import { countSql, runsUnwrapped, singleStatement, viewSql } from './result-sql';
import { rowSet } from './row-sets';
import { debugWindow } from './window-debug';

export type Handlers = { [M in MethodName]: (params: ParamsOf<M>) => Promise<ResultOf<M>> };

/** The most rows one page, slice or side-output listing may carry. */
const maxPage = 50_000;
/** The most rows kept of a statement that cannot be paged by DuckDB (EXPLAIN, PRAGMA, CALL). */
const maxUnwrappedRows = 10_000;

/** Side-output columns that say why a record is there come first in the listing. */
const reasonColumns = ['reason', 'rule', 'error', 'operator', 'location', 'eventTime', 'watermark', 'window'];

const sideKeys: Record<string, 'quarantined' | 'late' | 'deadLetter'> = { quarantine: 'quarantined', late: 'late', dead_letter: 'deadLetter' };

/**
 * Rows per table and per layer. Totals are summed here rather than taken from
 * `Warehouse.layerCounts()`, which counts as main output only an output named like the tier
 * (`silver`), while the runner names a main output after the layer (`orders_clean`, LINEAGE.md).
 */
export async function readCounts(warehouse: Warehouse): Promise<Counts> {
  const result = await warehouse.query('SELECT table_name, layer, output, row_count FROM _medallion_counts ORDER BY table_name, layer, output', { rowLimit: 10_000 });
  const tables = result.rows.map((r) => ({ table: String(r[0]), layer: r[1] === null ? null : String(r[1]), output: r[2] === null ? null : String(r[2]), rows: Number(r[3]) }));
  const layers = new Map<string, LayerTotals>();
  for (const t of tables) {
    const name = t.layer ?? 'unknown';
    const totals = layers.get(name) ?? layers.set(name, { layer: name, rows: 0, quarantined: 0, late: 0, deadLetter: 0, other: 0 }).get(name) as LayerTotals;
    const side = sideKeys[t.output ?? ''];
    if (side === undefined) totals.rows += t.rows;
    else totals[side] += t.rows;
  }
  const order = ['bronze', 'silver', 'gold'];
  const rank = (layer: string) => (order.includes(layer) ? order.indexOf(layer) : order.length);
  return { layers: [...layers.values()].sort((a, b) => rank(a.layer) - rank(b.layer) || a.layer.localeCompare(b.layer)), tables };
}

export function createHandlers(warehouse: Warehouse, exports: ExportStore): Handlers {
  const handlers = {
    async 'schema/list'() {
      const [tables, counts] = await Promise.all([warehouse.listTables(), readCounts(warehouse)]);
      const layerOf = new Map(counts.tables.map((t) => [t.table, t]));
      // A current-rows view belongs to the layer of its topic's table.
      const tableOfTopic = new Map(tables.filter((t) => t.kind === 'table' && t.topic !== undefined).map((t) => [t.topic as string, t.name]));
      return {
        tables: tables.map((t): SchemaTable => {
          const counted = layerOf.get(t.kind === 'view' && t.topic !== undefined ? tableOfTopic.get(t.topic) ?? t.name : t.name);
          return {
            name: t.name,
            kind: t.kind,
            ...(t.topic === undefined ? {} : { topic: t.topic }),
            ...(counted?.layer ? { layer: counted.layer } : {}),
            ...(counted?.output ? { output: counted.output } : {}),
            columns: t.columns.map((c) => ({ name: c.name, type: c.type })),
          };
        }),
      };
    },
    async 'query/run'(params) {
      const sql = check.text(params.sql, 'sql');
      const view = check.view(params.view);
      const pageSize = check.integer(params.pageSize, 'pageSize', 1, maxPage);
      const statement = singleStatement(sql);
      if (runsUnwrapped(statement)) {
        const whole = await warehouse.query(statement, { rowLimit: maxUnwrappedRows });
        return { columns: whole.columns, rows: rowSet(whole).rows.slice(0, pageSize), totalRows: whole.rows.length, elapsedMs: whole.elapsedMs };
      }
      // The first page and the count run at once, on two connections of the same snapshot-taking
      // instance; the grid needs both before it can size its scrollbar.
      const [paged, counted] = await Promise.allSettled([
        warehouse.query(viewSql(statement, view, { offset: 0, limit: pageSize }), { rowLimit: pageSize }),
        warehouse.query(countSql(statement, view), { rowLimit: 1 }),
      ]);
      // The page's error is the one reported: its positions map back into the user's text.
      if (paged.status === 'rejected') throw paged.reason;
      if (counted.status === 'rejected') throw counted.reason;
      const page = paged.value;
      const count = counted.value;
      return { columns: page.columns, rows: rowSet(page).rows, totalRows: Number(count.rows[0]?.[0] ?? 0), elapsedMs: Math.max(page.elapsedMs, count.elapsedMs) };
    },
    async 'query/page'(params) {
      const statement = singleStatement(check.text(params.sql, 'sql'));
      const limit = check.integer(params.limit, 'limit', 1, maxPage);
      const offset = check.integer(params.offset, 'offset', 0, Number.MAX_SAFE_INTEGER);
      if (runsUnwrapped(statement)) {
        const whole = await warehouse.query(statement, { rowLimit: maxUnwrappedRows });
        return { rows: rowSet(whole).rows.slice(offset, offset + limit) };
      }
      const page = await warehouse.query(viewSql(statement, check.view(params.view), { offset, limit }), { rowLimit: limit });
      return { rows: rowSet(page).rows };
    },
    async 'export/create'(params) {
      return exports.create(check.text(params.sql, 'sql'), check.view(params.view), check.exportFormat(params.format));
    },
    async 'lineage/trace'(params) {
      const ref = check.goldRow(params);
      const trace = await warehouse.traceGold(ref.table, { partition: ref.partition, offset: ref.offset });
      return { gold: rowSet(trace.gold), silver: rowSet(trace.silver), bronze: rowSet(trace.bronze), unresolved: trace.unresolved, truncated: trace.truncated };
    },
    async 'window/debug'(params) {
      return debugWindow(warehouse, check.goldRow(params));
    },
    async 'layers/slice'(params) {
      const table = check.text(params.table, 'table', 1000);
      const limit = check.integer(params.limit ?? 500, 'limit', 1, maxPage);
      const from = check.optionalNumber(params.from, 'from');
      const to = check.optionalNumber(params.to, 'to');
      const key = params.key === undefined || params.key === '' ? undefined : check.text(params.key, 'key', 10_000);
      const tests = [
        key === undefined ? undefined : `_key = ${quoteLiteral(key)}`,
        from === undefined ? undefined : `epoch_ms(_timestamp) >= ${Math.trunc(from)}`,
        to === undefined ? undefined : `epoch_ms(_timestamp) < ${Math.trunc(to)}`,
      ].filter((t) => t !== undefined);
      const where = tests.length === 0 ? '' : ` WHERE ${tests.join(' AND ')}`;
      const result = await warehouse.query(`SELECT * FROM ${quoteIdent(table)}${where} ORDER BY _timestamp, _partition, _offset LIMIT ${limit + 1}`, { rowLimit: limit });
      return rowSet(result);
    },
    async 'side/rows'(params) {
      const table = check.text(params.table, 'table', 1000);
      const limit = check.integer(params.limit, 'limit', 1, maxPage);
      const listed = (await warehouse.listTables()).find((t) => t.name === table);
      if (listed === undefined) throw new Error(`no table ${table}`);
      const names = listed.columns.map((c) => c.name);
      const first = reasonColumns.filter((n) => names.includes(n));
      const order = [...first, ...names.filter((n) => !first.includes(n))].map(quoteIdent).join(', ');
      const result = await warehouse.query(`SELECT ${order} FROM ${quoteIdent(table)} ORDER BY _timestamp DESC, _offset DESC LIMIT ${limit + 1}`, { rowLimit: limit });
      return rowSet(result);
    },
    async 'counts/get'() {
      return readCounts(warehouse);
    },
  } satisfies { [M in MethodName]: (params: InspectorMethods[M]['params']) => Promise<InspectorMethods[M]['result']> };
  return handlers;
}
