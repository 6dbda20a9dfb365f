/**
 * Row-level lineage: from a gold row to the silver rows named in its `_lineage`, and from those to
 * the bronze records named in theirs. Each step joins the positions `{t, p, o}` to the upstream
 * table of topic `t` on `_partition` and `_offset`; tables are appended in offset order per
 * partition, so DuckDB's min/max zone maps keep these joins to a few row groups.
 */
import type { Json } from '@duckdb/node-api';
import type { LineagePosition } from './lineage-headers';
import type { QueryResult } from './query-runner';
import { quoteIdent, quoteLiteral } from './sql-names';

/** A row of a topic table: by its `_id` (its current version), or by its partition and offset. */
export type RowRef = { id: string } | { partition: number; offset: number };

export interface LineageTrace {
  /** The gold row traced (at most one). */
  gold: QueryResult;
  /** The rows named by the gold row's lineage, from every upstream table, by topic, partition, offset. */
  silver: QueryResult;
  /** The rows named by those rows' lineage. */
  bronze: QueryResult;
  /** Positions named in lineage that no table holds (not materialized yet, or not a materialized topic). */
  unresolved: LineagePosition[];
  /** Rows whose lineage the runner cut short, with how many positions it left out. */
  truncated: { topic: string; partition: number; offset: number; omitted: number }[];
}

export type RunSql = (sql: string) => Promise<QueryResult>;

const emptyResult = (): QueryResult => ({ columns: [], rows: [], truncated: false, elapsedMs: 0 });

function column(result: QueryResult, name: string): number {
  return result.columns.findIndex((c) => c.name === name);
}

function positionKey(t: string, p: number, o: number): string {
  return `${t}\u0000${p}\u0000${o}`;
}

/** The distinct positions named by the `_lineage` of every row, and rows whose lineage was cut. */
function lineageOf(result: QueryResult): { positions: LineagePosition[]; truncated: LineageTrace['truncated'] } {
  const lineageAt = column(result, '_lineage');
  const cutAt = column(result, '_lineage_truncated');
  const [topicAt, partitionAt, offsetAt] = ['_topic', '_partition', '_offset'].map((n) => column(result, n));
  const seen = new Map<string, LineagePosition>();
  const truncated: LineageTrace['truncated'] = [];
  for (const row of result.rows) {
    const lineage = row[lineageAt] as Json;
    if (Array.isArray(lineage)) {
      for (const item of lineage) {
        const { t, p, o } = item as { t: string; p: number; o: number | string };
        const offset = Number(o);
        seen.set(positionKey(t, p, offset), { t, p, o: offset });
      }
    }
    const cut = row[cutAt as number];
    if (typeof cut === 'number' && cut > 0) {
      truncated.push({ topic: String(row[topicAt as number]), partition: Number(row[partitionAt as number]), offset: Number(row[offsetAt as number]), omitted: cut });
    }
  }
  return { positions: [...seen.values()], truncated };
}

/** Fetches the rows at the given positions, from the table of each position's topic. */
async function rowsAt(
  run: RunSql,
  tableOf: (topic: string) => string | undefined,
  positions: readonly LineagePosition[],
): Promise<{ result: QueryResult; unresolved: LineagePosition[] }> {
  const byTopic = new Map<string, LineagePosition[]>();
  const unresolved: LineagePosition[] = [];
  for (const position of positions) {
    if (tableOf(position.t) === undefined) {
      unresolved.push(position);
      continue;
    }
    const list = byTopic.get(position.t);
    if (list === undefined) byTopic.set(position.t, [position]);
    else list.push(position);
  }
  if (byTopic.size === 0) return { result: emptyResult(), unresolved };
  const selects = [...byTopic].map(([topic, list]) => {
    const values = list.map((p) => `(${p.p}, ${p.o})`).join(', ');
    return `SELECT u.* FROM ${quoteIdent(tableOf(topic) as string)} u JOIN (VALUES ${values}) AS pos(p, o) ON u._partition = pos.p AND u._offset = pos.o WHERE u._topic = ${quoteLiteral(topic)}`;
  });
  const result = await run(`${selects.join('\nUNION ALL BY NAME\n')}\nORDER BY _topic, _partition, _offset`);
  const found = new Set<string>();
  const [topicAt, partitionAt, offsetAt] = ['_topic', '_partition', '_offset'].map((n) => column(result, n));
  for (const row of result.rows) {
    found.add(positionKey(String(row[topicAt as number]), Number(row[partitionAt as number]), Number(row[offsetAt as number])));
  }
  for (const list of byTopic.values()) {
    for (const p of list) if (!found.has(positionKey(p.t, p.p, p.o))) unresolved.push(p);
  }
  return { result, unresolved };
}

/**
 * Traces one gold row back to silver and bronze. By `_id`, the row is the id's current version:
 * its latest record that is not a retraction (or the latest record, if every one is).
 */
export async function traceLineage(
  run: RunSql,
  tableOf: (topic: string) => string | undefined,
  table: string,
  ref: RowRef,
): Promise<LineageTrace> {
  const where =
    'id' in ref
      ? `_id = ${quoteLiteral(ref.id)} ORDER BY coalesce(_change, 'insert') = 'retract', _offset DESC`
      : `_partition = ${Math.trunc(ref.partition)} AND _offset = ${Math.trunc(ref.offset)}`;
  const gold = await run(`SELECT * FROM ${quoteIdent(table)} WHERE ${where} LIMIT 1`);
  const fromGold = lineageOf(gold);
  const silver = await rowsAt(run, tableOf, fromGold.positions);
  const fromSilver = lineageOf(silver.result);
  const bronze = await rowsAt(run, tableOf, fromSilver.positions);
  return {
    gold,
    silver: silver.result,
    bronze: bronze.result,
    unresolved: [...silver.unresolved, ...bronze.unresolved],
    truncated: [...fromGold.truncated, ...fromSilver.truncated],
  };
}
