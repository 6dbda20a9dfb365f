/**
 * The result grid: virtualized rows (@tanstack/virtual-core decides which rows are on screen; the
 * row elements are recycled, never one per result row), pages fetched on scroll, sort and filter
 * handed back to DuckDB, resizable columns, keyboard navigation, copy, and JSON cells as trees.
 */
import { Virtualizer, elementScroll, observeElementOffset, observeElementRect } from '@tanstack/virtual-core';
import type { JsonValue, ResultColumn, ResultView } from '../../sandbox/protocol/inspector';
import { cellText, el } from '../dom';
import { asJson, isNested, jsonTree } from './json-tree';
import type { FetchPage } from './page-cache';
import { PageCache } from './page-cache';

export interface GridSource {
  columns: ResultColumn[];
  totalRows: number;
  firstRows: JsonValue[][];
  pageSize: number;
  fetchPage: FetchPage;
  view: ResultView;
}

export interface GridEvents {
  /** The user changed the sort or a filter: run the query again with this view. */
  onView(view: ResultView): void;
  onSelect(index: number, row: JsonValue[] | undefined): void;
  /** Enter or double-click on a row. */
  onActivate(index: number, row: JsonValue[]): void;
}

const rowHeight = 22;
const defaultWidth = 160;
const minWidth = 48;

export class ResultGrid {
  readonly element: HTMLElement;
  private readonly header = el('div', { class: 'grid-header', attrs: { role: 'row' } });
  private readonly filters = el('div', { class: 'grid-filters', attrs: { role: 'row' } });
  private readonly body = el('div', { class: 'grid-body', attrs: { tabindex: '0', role: 'rowgroup', 'aria-label': 'result rows' } });
  private readonly spacer = el('div', { class: 'grid-spacer' });
  private readonly popover = el('div', { class: 'json-popover', attrs: { role: 'dialog', hidden: '' } });
  private readonly rowPool: HTMLElement[] = [];
  private source: GridSource | undefined;
  private cache: PageCache | undefined;
  private virtualizer: Virtualizer<HTMLElement, HTMLElement> | undefined;
  private unmount: (() => void) | undefined;
  private widths: number[] = [];
  private selected = -1;
  private selectedColumn = 0;
  private painted: (() => void) | undefined;

  constructor(private readonly events: GridEvents, private readonly savedWidths: Record<string, number> = {}) {
    this.body.append(this.spacer);
    this.element = el('div', { class: 'grid', attrs: { role: 'grid' } }, this.header, this.filters, this.body, this.popover);
    this.body.addEventListener('scroll', () => {
      this.header.scrollLeft = this.body.scrollLeft;
      this.filters.scrollLeft = this.body.scrollLeft;
    });
    this.body.addEventListener('keydown', (e) => this.onKey(e));
    this.body.addEventListener('click', (e) => this.onClick(e));
    this.body.addEventListener('dblclick', (e) => {
      const index = this.rowIndexOf(e.target);
      const row = index === undefined ? undefined : this.cache?.row(index);
      if (index !== undefined && row !== undefined) this.events.onActivate(index, row);
    });
    this.popover.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.closePopover();
    });
  }

  /** Widths the user set, by column name, to keep across runs and reloads. */
  get columnWidths(): Record<string, number> {
    return { ...this.savedWidths };
  }

  get totalRows(): number {
    return this.source?.totalRows ?? 0;
  }

  get columns(): ResultColumn[] {
    return this.source?.columns ?? [];
  }

  row(index: number): JsonValue[] | undefined {
    return this.cache?.row(index);
  }

  /** Shows a new result; `painted` is called once its first rows are on screen. */
  setSource(source: GridSource, painted?: () => void): void {
    this.source = source;
    this.painted = painted;
    this.selected = -1;
    this.closePopover();
    this.cache = new PageCache(source.fetchPage, source.pageSize, source.totalRows, source.firstRows, 40, () => this.render());
    this.widths = source.columns.map((c) => this.savedWidths[c.name] ?? Math.max(defaultWidth * (c.type === 'JSON' || c.name === '_raw' ? 1.8 : 1), minWidth));
    this.buildHeader(source);
    this.applyWidths();
    this.unmount?.();
    this.virtualizer = new Virtualizer<HTMLElement, HTMLElement>({
      count: source.totalRows,
      getScrollElement: () => this.body,
      estimateSize: () => rowHeight,
      overscan: 8,
      scrollToFn: elementScroll,
      observeElementRect,
      observeElementOffset,
      onChange: () => this.render(),
    });
    this.unmount = this.virtualizer._didMount();
    this.virtualizer._willUpdate();
    this.body.scrollTop = 0;
    this.render();
  }

  private buildHeader(source: GridSource): void {
    const sortOf = (name: string) => source.view.sort?.find((s) => s.column === name);
    this.header.replaceChildren(
      ...source.columns.map((c, i) => {
        const sort = sortOf(c.name);
        const handle = el('span', { class: 'resize-handle', attrs: { 'aria-hidden': 'true' } });
        const cell = el(
          'div',
          { class: 'grid-col', title: `${c.name} ${c.type}\nclick: sort`, attrs: { role: 'columnheader', 'aria-sort': sort ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none' } },
          el('span', { class: 'col-name', text: c.name }),
          el('span', { class: 'col-type', text: c.type }),
          sort ? el('span', { class: `codicon codicon-arrow-${sort.direction === 'asc' ? 'up' : 'down'}` }) : null,
          handle,
        );
        cell.addEventListener('click', (e) => {
          if (e.target === handle) return;
          const direction = sort === undefined ? 'asc' : sort.direction === 'asc' ? 'desc' : undefined;
          this.events.onView({ ...source.view, sort: direction === undefined ? [] : [{ column: c.name, direction }] });
        });
        handle.addEventListener('pointerdown', (e) => this.startResize(e, i, handle));
        return cell;
      }),
    );
    this.filters.replaceChildren(
      ...source.columns.map((c) => {
        const input = el('input', { class: 'grid-filter', attrs: { type: 'text', placeholder: 'filter', 'aria-label': `filter ${c.name}`, spellcheck: 'false' } });
        input.value = source.view.filters?.find((f) => f.column === c.name)?.contains ?? '';
        input.addEventListener('keydown', (e) => {
          if (e.key !== 'Enter') return;
          const others = (source.view.filters ?? []).filter((f) => f.column !== c.name);
          this.events.onView({ ...source.view, filters: input.value === '' ? others : [...others, { column: c.name, contains: input.value }] });
        });
        return el('div', { class: 'grid-col' }, input);
      }),
    );
  }

  private startResize(event: PointerEvent, column: number, handle: HTMLElement): void {
    event.preventDefault();
    handle.setPointerCapture(event.pointerId);
    const startX = event.clientX;
    const startWidth = this.widths[column] ?? defaultWidth;
    const move = (e: PointerEvent) => {
      this.widths[column] = Math.max(minWidth, startWidth + e.clientX - startX);
      this.applyWidths();
    };
    const up = () => {
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', up);
      const name = this.source?.columns[column]?.name;
      if (name !== undefined) this.savedWidths[name] = this.widths[column] ?? defaultWidth;
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', up);
  }

  private applyWidths(): void {
    const template = this.widths.map((w) => `${w}px`).join(' ');
    this.element.style.setProperty('--grid-columns', template);
    this.element.style.setProperty('--grid-width', `${this.widths.reduce((a, b) => a + b, 0)}px`);
  }

  private render(): void {
    const v = this.virtualizer;
    const source = this.source;
    const cache = this.cache;
    if (v === undefined || source === undefined || cache === undefined) return;
    this.spacer.style.height = `${v.getTotalSize()}px`;
    const items = v.getVirtualItems();
    while (this.rowPool.length < items.length) {
      const row = el('div', { class: 'grid-row', attrs: { role: 'row' } });
      this.rowPool.push(row);
      this.spacer.append(row);
    }
    for (let i = 0; i < this.rowPool.length; i++) {
      const element = this.rowPool[i] as HTMLElement;
      const item = items[i];
      if (item === undefined) {
        element.hidden = true;
        continue;
      }
      element.hidden = false;
      element.style.transform = `translateY(${item.start}px)`;
      element.dataset.index = String(item.index);
      element.setAttribute('aria-rowindex', String(item.index + 1));
      element.classList.toggle('selected', item.index === this.selected);
      const values = cache.row(item.index);
      this.fillRow(element, values, source.columns, item.index);
    }
    if (this.painted !== undefined && (items.length === 0 || cache.row(items[0]?.index ?? 0) !== undefined)) {
      const painted = this.painted;
      this.painted = undefined;
      painted();
    }
  }

  private fillRow(element: HTMLElement, values: JsonValue[] | undefined, columns: ResultColumn[], index: number): void {
    while (element.childElementCount < columns.length) element.append(el('div', { class: 'grid-cell', attrs: { role: 'gridcell' } }));
    while (element.childElementCount > columns.length) element.lastElementChild?.remove();
    element.classList.toggle('loading', values === undefined);
    for (let c = 0; c < columns.length; c++) {
      const cell = element.children[c] as HTMLElement;
      const value = values?.[c];
      const text = values === undefined ? '…' : cellText(value);
      if (cell.textContent !== text) cell.textContent = text;
      cell.classList.toggle('null', value === null);
      cell.classList.toggle('nested', value !== undefined && isNested(value, (columns[c] as ResultColumn).type));
      cell.classList.toggle('focused', index === this.selected && c === this.selectedColumn);
    }
  }

  private rowIndexOf(target: EventTarget | null): number | undefined {
    const row = (target as HTMLElement | null)?.closest?.('.grid-row') as HTMLElement | null;
    return row?.dataset.index === undefined ? undefined : Number(row.dataset.index);
  }

  private onClick(event: MouseEvent): void {
    const index = this.rowIndexOf(event.target);
    if (index === undefined) return;
    const cell = (event.target as HTMLElement).closest('.grid-cell');
    const column = cell === null ? 0 : Array.prototype.indexOf.call(cell.parentElement?.children ?? [], cell);
    this.select(index, column);
    if (cell?.classList.contains('nested')) this.openPopover(index, column, cell as HTMLElement);
  }

  select(index: number, column = this.selectedColumn): void {
    if (this.source === undefined || this.source.totalRows === 0) return;
    this.selected = Math.max(0, Math.min(index, this.source.totalRows - 1));
    this.selectedColumn = Math.max(0, Math.min(column, this.source.columns.length - 1));
    this.virtualizer?.scrollToIndex(this.selected, { align: 'auto' });
    this.render();
    this.events.onSelect(this.selected, this.cache?.row(this.selected));
  }

  get selection(): { index: number; row: JsonValue[] | undefined } | undefined {
    return this.selected < 0 ? undefined : { index: this.selected, row: this.cache?.row(this.selected) };
  }

  private onKey(event: KeyboardEvent): void {
    const page = Math.max(1, Math.floor(this.body.clientHeight / rowHeight) - 1);
    const moves: Record<string, () => void> = {
      ArrowDown: () => this.select(this.selected + 1),
      ArrowUp: () => this.select(this.selected - 1),
      ArrowRight: () => this.select(Math.max(0, this.selected), this.selectedColumn + 1),
      ArrowLeft: () => this.select(Math.max(0, this.selected), this.selectedColumn - 1),
      PageDown: () => this.select(this.selected + page),
      PageUp: () => this.select(this.selected - page),
      Home: () => this.select(0),
      End: () => this.select(this.totalRows - 1),
      Enter: () => {
        const row = this.cache?.row(this.selected);
        if (row !== undefined) this.events.onActivate(this.selected, row);
      },
      Escape: () => this.closePopover(),
    };
    const move = moves[event.key];
    if (move !== undefined) {
      event.preventDefault();
      move();
      return;
    }
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'c') {
      event.preventDefault();
      void this.copySelection(event.shiftKey);
    }
  }

  /** Copies the focused cell, or with Shift the whole row as tab-separated text under its header. */
  async copySelection(wholeRow: boolean): Promise<string | undefined> {
    const row = this.cache?.row(this.selected);
    if (row === undefined || this.source === undefined) return undefined;
    const text = wholeRow
      ? `${this.source.columns.map((c) => c.name).join('\t')}\n${row.map((v) => (v === null ? '' : cellText(v))).join('\t')}`
      : cellText(row[this.selectedColumn] ?? null);
    await navigator.clipboard.writeText(text).catch(() => undefined);
    return text;
  }

  private openPopover(index: number, column: number, cell: HTMLElement): void {
    const row = this.cache?.row(index);
    const col = this.source?.columns[column];
    if (row === undefined || col === undefined) return;
    const close = el('button', { class: 'icon-button', title: 'Close (Escape)', attrs: { type: 'button', 'aria-label': 'Close' } }, el('span', { class: 'codicon codicon-close' }));
    close.addEventListener('click', () => this.closePopover());
    this.popover.replaceChildren(el('div', { class: 'popover-title' }, el('span', { text: `${col.name} · row ${index + 1}` }), close), jsonTree(asJson(row[column] ?? null, col.type)));
    const box = cell.getBoundingClientRect();
    const host = this.element.getBoundingClientRect();
    this.popover.style.left = `${Math.max(0, Math.min(box.left - host.left, host.width - 420))}px`;
    this.popover.style.top = `${box.bottom - host.top}px`;
    this.popover.hidden = false;
    this.popover.tabIndex = -1;
    this.popover.focus();
  }

  private closePopover(): void {
    if (this.popover.hidden) return;
    this.popover.hidden = true;
    this.body.focus();
  }
}
