/**
 * Exports: DuckDB writes the whole result (not just the rows the page has seen) with `COPY … TO` into
 * a temporary file, and the page gets a one-time download path. The browser follows the path; the
 * VS Code extension fetches it from the same server and saves it where the user says.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ExportFormat, ResultView } from '../protocol/inspector';
import type { Warehouse } from '../warehouse/index';
import { quoteLiteral } from '../warehouse/sql-names';
import { singleStatement, viewSql } from './result-sql';

export interface PendingDownload {
  file: string;
  fileName: string;
  contentType: string;
  expiresAt: number;
}

const copyOptions: Record<ExportFormat, string> = {
  csv: '(FORMAT csv, HEADER true)',
  json: '(FORMAT json, ARRAY true)',
  parquet: '(FORMAT parquet)',
};

const contentTypes: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
  parquet: 'application/vnd.apache.parquet',
};

/** Downloads not fetched within this long are deleted. */
const downloadLifetimeMs = 10 * 60_000;

export class ExportStore {
  private readonly dir = mkdtempSync(path.join(os.tmpdir(), 'medallion-inspector-'));
  private readonly pending = new Map<string, PendingDownload>();

  constructor(private readonly warehouse: Warehouse) {}

  async create(sql: string, view: ResultView | undefined, format: ExportFormat): Promise<{ path: string; fileName: string; bytes: number }> {
    this.expire();
    const statement = singleStatement(sql);
    // COPY needs writes allowed, so the user's text is first proven to be one read-only query by
    // running it, wrapped and without rows, under the read-only rule. Only then is it copied.
    await this.warehouse.query(`${viewSql(statement, view)} LIMIT 0`, { rowLimit: 0 });
    const token = randomBytes(18).toString('base64url');
    const fileName = `medallion-export-${new Date().toISOString().replace(/[:.]/g, '-')}.${format}`;
    const file = path.join(this.dir, `${token}.${format}`);
    const copy = `COPY (${viewSql(statement, view)}) TO ${quoteLiteral(file)} ${copyOptions[format]}`;
    await this.warehouse.query(copy, { allowWrites: true, timeoutMs: 120_000 });
    this.pending.set(token, { file, fileName, contentType: contentTypes[format], expiresAt: Date.now() + downloadLifetimeMs });
    return { path: `/download/${token}`, fileName, bytes: statSync(file).size };
  }

  /** Hands a download over once; the caller streams it and calls `done`. */
  take(token: string): (PendingDownload & { done(): void }) | undefined {
    this.expire();
    const download = this.pending.get(token);
    if (download === undefined) return undefined;
    this.pending.delete(token);
    return { ...download, done: () => rmSync(download.file, { force: true }) };
  }

  private expire(): void {
    const now = Date.now();
    for (const [token, download] of this.pending) {
      if (download.expiresAt < now) {
        this.pending.delete(token);
        rmSync(download.file, { force: true });
      }
    }
  }

  close(): void {
    this.pending.clear();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
