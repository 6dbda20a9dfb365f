/**
 * `medallion warehouse materialize`: appends layer topics into the DuckDB warehouse until Ctrl-C
 * (or until caught up, with --exit-when-idle). `medallion query`: runs SQL against a warehouse file.
 * A DuckDB file has one writer process: while `materialize` runs, query it from the same process
 * (the inspector does); `medallion query` opens the file read-only and needs the writer stopped.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import type { ResultFormat, TopicSpec } from '../../warehouse/index';
import { Materializer, QueryError, Warehouse, formatResult, parseTopicSpecs } from '../../warehouse/index';
import { parseIntOption, positiveIntOption } from '../options';

function parsePattern(value: string): RegExp {
  try {
    return new RegExp(value);
  } catch (error) {
    throw new InvalidArgumentError(`"${value}" is not a regular expression: ${(error as Error).message}`);
  }
}

function readSpecs(file: string | undefined): Record<string, TopicSpec> {
  if (file === undefined) return {};
  try {
    return parseTopicSpecs(JSON.parse(readFileSync(file, 'utf8')));
  } catch (error) {
    throw new Error(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** DuckDB's lock error names the file and the other process; add what to do about it. */
function explainOpenError(error: unknown, db: string): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (/lock/i.test(message)) {
    return new Error(`${message}\n${db} is open for writing in another process (one writer per DuckDB file); stop it, or query through that process.`);
  }
  return error instanceof Error ? error : new Error(message);
}

export function registerWarehouseCommands(program: Command): void {
  const warehouse = program.command('warehouse').description('the DuckDB warehouse of layer topics');
  warehouse
    .command('materialize')
    .description('append layer topics into a DuckDB file, continuously')
    .requiredOption('--bootstrap <host:port>', 'the Kafka broker')
    .addOption(new Option('--topics <list>', 'comma-separated topics').conflicts('pattern'))
    .addOption(new Option('--pattern <regex>', 'every topic whose name matches, including new ones').argParser(parsePattern))
    .option('--db <file>', 'the warehouse file', '.medallion/warehouse.duckdb')
    .option('--specs <file>', 'JSON: topic → { schema: { field: type }, layer, output }')
    .option('--fetch-max-bytes <n>', 'most bytes per fetch, each fetch one DuckDB transaction', positiveIntOption)
    .option('--progress', 'print the records materialized so far after every DuckDB commit')
    .option('--exit-when-idle', 'stop once every partition is materialized up to its end')
    .option('--timeout <ms>', 'broker request timeout', parseIntOption, 10_000)
    .action(async (opts: { bootstrap: string; topics?: string; pattern?: RegExp; db: string; specs?: string; fetchMaxBytes?: number; progress?: boolean; exitWhenIdle?: boolean; timeout: number }) => {
      const topics = opts.topics?.split(',').map((t) => t.trim()).filter(Boolean);
      if (topics === undefined && opts.pattern === undefined) throw new Error('give --topics or --pattern');
      const store = await Warehouse.open({ path: opts.db, topics: readSpecs(opts.specs) }).catch((e: unknown) => {
        throw explainOpenError(e, opts.db);
      });
      const started = performance.now();
      const materializer = await Materializer.start(store, {
        bootstrap: opts.bootstrap,
        topics,
        pattern: opts.pattern,
        requestTimeoutMs: opts.timeout,
        maxBytesPerFetch: opts.fetchMaxBytes,
        onCommit: opts.progress ? (stats) => console.log(`materialized ${stats.records} records`) : undefined,
        log: (message) => console.error(message),
      }).catch(async (e: unknown) => {
        await store.close();
        throw e;
      });
      const report = () => {
        const { records, topics: current } = materializer.stats;
        const seconds = (performance.now() - started) / 1000;
        return `${records} records from ${current.length} topic(s) in ${seconds.toFixed(1)} s into ${opts.db}`;
      };
      const stop = async () => {
        await materializer.stop();
        await store.close();
        console.log(report());
      };
      if (opts.exitWhenIdle) {
        try {
          await materializer.waitUntilCaughtUp(Number.MAX_SAFE_INTEGER);
        } finally {
          await stop();
        }
        return;
      }
      console.log(`materializing into ${opts.db}; Ctrl-C to stop`);
      const onSignal = () => void stop().then(() => process.exit(0));
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
    });

  program
    .command('query')
    .description('run SQL against a warehouse file (read-only unless --allow-writes)')
    .argument('<sql>', 'the SQL; several statements may be separated by semicolons')
    .option('--db <file>', 'the warehouse file', '.medallion/warehouse.duckdb')
    .option('--limit <n>', 'the most rows to print', parseIntOption, 1000)
    .option('--timeout <ms>', 'interrupt the query after this long', parseIntOption, 30_000)
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
    .option('--allow-writes', 'allow DDL and DML (opens the file for writing)')
    .action(async (sql: string, opts: { db: string; limit: number; timeout: number; format: ResultFormat; allowWrites?: boolean }) => {
      const store = await Warehouse.open({ path: opts.db, readOnly: !opts.allowWrites }).catch((e: unknown) => {
        throw explainOpenError(e, opts.db);
      });
      try {
        const result = await store.query(sql, { rowLimit: opts.limit, timeoutMs: opts.timeout, allowWrites: opts.allowWrites ?? false });
        console.log(formatResult(result, opts.format));
      } catch (error) {
        if (error instanceof QueryError && error.position !== undefined) {
          const line = sql.split('\n')[error.position.line - 1] ?? '';
          throw new Error(`${error.message}\n  ${line}\n  ${' '.repeat(error.position.column - 1)}^`);
        }
        throw error;
      } finally {
        await store.close();
      }
    });
}
