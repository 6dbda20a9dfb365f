/**
 * The window debugger's data for one gold row: the window's bounds (from the row), the upstream
 * records in it (by event time and key, and those named by its lineage), the records that came too
 * late for it (from the `.late` side-output tables, with their reason and the watermark when they
 * arrived), and the watermark as it advanced, when the warehouse holds the `_medallion.watermarks`
 * topic. Whatever is missing is said plainly in `notes` rather than guessed.
 */
import type { GoldRowRef, JsonValue, WatermarkPoint, WindowDebug } from '../protocol/inspector';
import type { QueryResult, Warehouse } from '../warehouse/index';
import { quoteIdent, quoteLiteral } from '../warehouse/sql-names';
import { cell, epochMs, rowSet } from './row-sets';

/** Event time is the record timestamp: the runner stamps each output record with its event time. */
const eventTimeSql = 'epoch_ms(_timestamp)';
const maxEvents = 5000;
/** The topic the runner publishes its watermarks to (JSON `{pipeline, layer, task, watermark, at}`). */
export const watermarkTopic = '_medallion.watermarks';

const startNames = ['windowStart', 'window_start', 'start'];
const endNames = ['windowEnd', 'window_end', 'end'];

function firstOf(result: QueryResult, names: string[]): number | undefined {
  for (const name of names) {
    const value = epochMs(cell(result, name));
    if (value !== undefined) return value;
  }
  return undefined;
}

interface Position {
  t: string;
  p: number;
  o: number;
}

function positionsOf(value: JsonValue | undefined): Position[] {
  if (!Array.isArray(value)) return [];
  return value.map((v) => {
    const { t, p, o } = v as { t: string; p: number; o: number | string };
    return { t, p: Number(p), o: Number(o) };
  });
}

/** `(_partition = 0 AND _offset IN (…)) OR …` for the positions of one topic. */
function positionTest(positions: Position[]): string {
  const byPartition = new Map<number, number[]>();
  for (const { p, o } of positions) (byPartition.get(p) ?? byPartition.set(p, []).get(p) as number[]).push(o);
  const tests = [...byPartition].map(([p, offsets]) => `(_partition = ${Math.trunc(p)} AND _offset IN (${offsets.map((o) => Math.trunc(o)).join(', ')}))`);
  return tests.length === 0 ? 'false' : tests.join(' OR ');
}

export async function debugWindow(warehouse: Warehouse, ref: GoldRowRef): Promise<WindowDebug> {
  const notes: string[] = [];
  const tables = await warehouse.listTables();
  const byName = new Map(tables.map((t) => [t.name, t]));
  const gold = byName.get(ref.table);
  if (gold === undefined) throw new Error(`no table ${ref.table}`);
  const row = await warehouse.query(`SELECT * FROM ${quoteIdent(ref.table)} WHERE _partition = ${ref.partition} AND _offset = ${ref.offset}`, { rowLimit: 1 });
  if (row.rows.length === 0) throw new Error(`${ref.table} has no row at partition ${ref.partition}, offset ${ref.offset}`);
  const start = firstOf(row, startNames);
  const end = firstOf(row, endNames);
  if (start === undefined || end === undefined) {
    throw new Error(`this row of ${ref.table} is not a window result: it has no ${startNames[0]}/${endNames[0]} columns`);
  }
  const key = cell(row, '_key');
  const keyText = typeof key === 'string' ? key : null;
  const layer = String(cell(row, '_output') ?? gold.topic ?? ref.table);
  const lineage = positionsOf(cell(row, '_lineage'));
  if (lineage.length === 0) notes.push('The row carries no lineage, so only records matched by time and key are shown.');
  const truncated = cell(row, '_lineage_truncated');
  if (typeof truncated === 'number' && truncated > 0) notes.push(`The runner cut this row's lineage short: ${truncated} positions are not listed.`);

  // Upstream tables: those the lineage names.
  const upstreamTopics = [...new Set(lineage.map((p) => p.t))];
  const parts: string[] = [];
  for (const topic of upstreamTopics) {
    const table = warehouse.tableOf(topic);
    if (table === undefined) {
      notes.push(`Topic ${topic} is named by the lineage but not materialized.`);
      continue;
    }
    const named = positionTest(lineage.filter((p) => p.t === topic));
    const inWindow = `${eventTimeSql} >= ${start} AND ${eventTimeSql} < ${end}`;
    const sameKey = keyText === null ? 'false' : `_key = ${quoteLiteral(keyText)}`;
    parts.push(`SELECT ${eventTimeSql} AS event_time_ms, (${named}) AS counted, _headers->>'medallion.watermark' AS watermark_at_emit,
  _topic, _partition, _offset, _key, _timestamp, _raw
FROM ${quoteIdent(table)} WHERE (${named}) OR ((${inWindow}) AND ${sameKey})`);
  }
  const events = parts.length === 0
    ? { columns: [], rows: [], truncated: false, elapsedMs: 0 }
    : await warehouse.query(`${parts.join('\nUNION ALL\n')}\nORDER BY event_time_ms, _topic, _partition, _offset`, { rowLimit: maxEvents });

  // Late records: the `.late` tables of the gold layer's topic and of the upstream topics.
  const lateTables = tables.filter((t) => t.kind === 'table' && t.topic !== undefined && t.topic.endsWith('.late') &&
    [gold.topic, ...upstreamTopics].some((topic) => topic !== undefined && t.topic === `${topic}.late`));
  const lateParts: string[] = [];
  for (const t of lateTables) {
    const has = (name: string) => t.columns.some((c) => c.name === name);
    if (!has('eventTime') || !has('reason')) {
      notes.push(`${t.name} lacks the eventTime or reason column of late records; it is left out.`);
      continue;
    }
    const windowMatch = has('window') ? `(TRY_CAST(json_extract_string("window", '$.start') AS BIGINT) = ${start} AND TRY_CAST(json_extract_string("window", '$.end') AS BIGINT) = ${end})` : 'false';
    const keyMatch = keyText === null ? 'true' : `_key = ${quoteLiteral(keyText)}`;
    lateParts.push(`SELECT ${quoteLiteral(t.name)} AS late_table, TRY_CAST("eventTime" AS BIGINT) AS event_time_ms,
  ${has('watermark') ? 'TRY_CAST("watermark" AS BIGINT)' : 'NULL::BIGINT'} AS watermark_ms, reason, _key, _offset, _raw
FROM ${quoteIdent(t.name)}
WHERE ${windowMatch} OR (TRY_CAST("eventTime" AS BIGINT) >= ${start} AND TRY_CAST("eventTime" AS BIGINT) < ${end} AND ${keyMatch})`);
  }
  if (lateTables.length === 0) notes.push(`No late side-output table for ${gold.topic ?? ref.table} is materialized yet: no record came late, or none was sent to the late output.`);
  const late = lateParts.length === 0
    ? { columns: [], rows: [], truncated: false, elapsedMs: 0 }
    : await warehouse.query(`${lateParts.join('\nUNION ALL\n')}\nORDER BY event_time_ms`, { rowLimit: maxEvents });

  return {
    window: { start, end, key: keyText, layer },
    events: rowSet(events),
    eventTimeColumn: events.columns.findIndex((c) => c.name === 'event_time_ms'),
    countedColumn: events.columns.findIndex((c) => c.name === 'counted'),
    late: rowSet(late),
    lateTables: lateTables.map((t) => t.name),
    watermarks: await watermarksAround(warehouse, warehouse.tableOf(watermarkTopic), byName, layer, start, end),
    notes,
  };
}

/** Converts a watermark-table column to epoch ms whatever type inference gave it. */
function msOf(column: string, type: string | undefined): string {
  return type !== undefined && type.startsWith('TIMESTAMP') ? `epoch_ms(${quoteIdent(column)})` : `TRY_CAST(${quoteIdent(column)} AS BIGINT)`;
}

async function watermarksAround(
  warehouse: Warehouse,
  watermarkTable: string | undefined,
  byName: Map<string, { columns: { name: string; type: string }[] }>,
  layer: string,
  start: number,
  end: number,
): Promise<WindowDebug['watermarks']> {
  const columns = watermarkTable === undefined ? undefined : byName.get(watermarkTable)?.columns;
  if (watermarkTable === undefined || columns === undefined) {
    return { available: false, message: `The warehouse holds no ${watermarkTopic} topic: the runner that wrote these layers did not publish its watermarks, so the watermark's progress cannot be shown. Late records still show the watermark they met.` };
  }
  const type = (name: string) => columns.find((c) => c.name === name)?.type;
  if (type('watermark') === undefined || type('at') === undefined) {
    return { available: false, message: `${watermarkTable} lacks the watermark or at column.` };
  }
  const width = end - start;
  const wm = msOf('watermark', type('watermark'));
  const layerTest = type('layer') === undefined ? 'true' : `layer = ${quoteLiteral(layer)}`;
  const result = await warehouse.query(`SELECT ${msOf('at', type('at'))} AS at_ms, ${wm} AS watermark_ms, ${type('task') === undefined ? "''" : 'CAST(task AS VARCHAR)'} AS task
FROM ${quoteIdent(watermarkTable)}
WHERE ${layerTest} AND ${wm} >= ${start - width} AND ${wm} <= ${end + 2 * width}
ORDER BY at_ms, watermark_ms`, { rowLimit: maxEvents });
  const points: WatermarkPoint[] = result.rows.map((r) => ({ at: Number(r[0]), watermark: Number(r[1]), task: String(r[2]) }));
  if (points.length === 0) {
    return { available: false, message: `${watermarkTable} holds no watermark of ${layer} near this window.` };
  }
  return { available: true, table: watermarkTable, points };
}
