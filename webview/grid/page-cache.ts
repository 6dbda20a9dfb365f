/**
 * The rows of a result, a page at a time: the grid asks for the rows it is about to show, pages are
 * fetched once, and only the most recently used pages are kept, so a million-row result costs the
 * page no more memory than a few screens of it.
 */
import type { JsonValue } from '../../sandbox/protocol/inspector';

export type FetchPage = (offset: number, limit: number) => Promise<JsonValue[][]>;

export class PageCache {
  private readonly pages = new Map<number, JsonValue[][]>();
  private readonly loading = new Map<number, Promise<void>>();

  constructor(
    private readonly fetchPage: FetchPage,
    readonly pageSize: number,
    readonly totalRows: number,
    firstRows: JsonValue[][],
    /** @default 40 */
    private readonly maxPages = 40,
    private readonly onLoaded: () => void = () => undefined,
  ) {
    if (firstRows.length > 0) this.pages.set(0, firstRows);
  }

  /** The row when its page is here; otherwise starts loading it and returns undefined. */
  row(index: number): JsonValue[] | undefined {
    const page = Math.floor(index / this.pageSize);
    const rows = this.pages.get(page);
    if (rows !== undefined) {
      // Map order is insertion order: re-inserting marks the page as recently used.
      this.pages.delete(page);
      this.pages.set(page, rows);
      return rows[index - page * this.pageSize];
    }
    this.load(page);
    return undefined;
  }

  private load(page: number): void {
    if (this.loading.has(page) || page * this.pageSize >= this.totalRows) return;
    const loading = this.fetchPage(page * this.pageSize, this.pageSize).then(
      (rows) => {
        this.pages.set(page, rows);
        while (this.pages.size > this.maxPages) this.pages.delete(this.pages.keys().next().value as number);
        this.onLoaded();
      },
      () => undefined,
    ).finally(() => this.loading.delete(page));
    this.loading.set(page, loading);
  }

  get cachedPages(): number {
    return this.pages.size;
  }
}
