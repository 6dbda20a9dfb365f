/**
 * The inspector end to end, in Debian's Chromium against the page `medallion inspect` serves on a
 * warehouse built from the samples: run a query and read its rows from the grid, complete a column
 * name, see an error where it is, sort and scroll a million rows, draw a chart, drill from a gold
 * row to bronze, open the window debugger, export files, browse the layers and side outputs, and
 * keep the editor's text across a reload. Screenshots go to test-artifacts/inspector/.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import WebSocket from 'ws';
import { inspectorPageHtml, startInspectorServer } from '../../sandbox/inspector/index';
import { record } from '../../sandbox/warehouse/test-support';
import { Warehouse } from '../../sandbox/warehouse/index';
import { makeTempDir, type TempDir } from '../support/temp-dir';
import {
  buildBundles, buildShopWarehouseFile, editorText, gridColumns, gridRows, launchChromium, openInspector, runAndWait, screenshot, startInspect, typeSql,
  type InspectProcess,
} from './inspector-harness';

/** Polls from Node: a predicate function would need eval in the page, which its policy forbids. */
async function waitForText(page: Page, selector: string, expected: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen: string | null = null;
  while (Date.now() < deadline) {
    seen = await page.textContent(selector).catch(() => null);
    if (seen === expected) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`${selector}: expected "${expected}", still "${seen}" after ${timeoutMs} ms`);
}

describe('the inspector in a real browser', { timeout: 240_000 }, () => {
  let temp: TempDir;
  let file: string;
  let inspect: InspectProcess;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  /** A second, read-only view of the same file: the test's own source of truth. */
  let truth: Warehouse;

  before(async () => {
    temp = makeTempDir('medallion-inspector-');
    file = path.join(temp.path, 'shop.duckdb');
    await Promise.all([buildBundles(), buildShopWarehouseFile(file)]);
    inspect = await startInspect(file);
    truth = await Warehouse.open({ path: file, readOnly: true });
    browser = await launchChromium();
    ({ page, problems } = await openInspector(browser, inspect.url));
  });

  after(async () => {
    await browser?.close();
    await inspect?.stop();
    await truth?.close();
    temp?.remove();
  });

  it('shows the live layer counts and loads under its policy without violations', async () => {
    const counts = await page.textContent('[data-testid="counts"]');
    const bronze = await truth.query("SELECT sum(row_count) FROM _medallion_counts WHERE layer = 'bronze' AND output = 'bronze'");
    assert.match(counts ?? '', new RegExp(`bronze ${Number(bronze.rows[0]?.[0]).toLocaleString('en-US')}`));
    assert.match(counts ?? '', /silver [1-9]/);
    assert.match(counts ?? '', /gold [1-9]/);
    const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    assert.match(csp ?? '', /script-src 'nonce-[^']+'(;|$)/);
    assert.doesNotMatch(csp ?? '', /unsafe-eval|https?:\/\/(?!127\.0\.0\.1)/);
    await screenshot(page, '01-loaded');
  });

  it('lists the tables by layer and queries one when it is chosen', async () => {
    const groups = await page.$$eval('.schema-group h3', (h) => h.map((x) => (x.textContent ?? '').trim()));
    assert.deepEqual(groups.slice(0, 3), ['bronze', 'silver', 'gold']);
    const runs = Number((await page.getAttribute('body', 'data-runs')) ?? 0);
    await page.click('.schema-table[data-table="orders_clean_quarantine"] .table-name');
    await page.waitForSelector(`body[data-runs="${runs + 1}"]`, { state: 'attached' });
    const expected = await truth.query('SELECT count(*) FROM orders_clean_quarantine');
    assert.match((await page.textContent('.result-info')) ?? '', new RegExp(`^${String(expected.rows[0]?.[0])} rows`));
    assert.match(await editorText(page), /FROM "orders_clean_quarantine"/);
  });

  it('runs a query and shows its rows in the grid', async () => {
    const sql = 'SELECT key, windowStart, revenueCents, orders FROM revenue_per_region_per_minute ORDER BY windowStart, key LIMIT 12';
    await typeSql(page, sql);
    await runAndWait(page);
    const expected = await truth.query(sql);
    assert.deepEqual(await gridColumns(page), ['key', 'windowStart', 'revenueCents', 'orders']);
    const rows = await gridRows(page);
    assert.deepEqual(rows, expected.rows.map((r) => r.map((v) => String(v))));
    assert.match((await page.textContent('.result-info')) ?? '', /^12 rows/);
    await screenshot(page, '02-query');
  });

  it('runs only the selection, keeps a history, moves by keyboard, copies, and shows JSON cells as trees', async () => {
    await typeSql(page, 'SELECT 1 AS first_statement;\nSELECT _key, _headers FROM orders ORDER BY _partition, _offset LIMIT 5');
    // Select line 2 and run it alone.
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Shift+Home');
    await runAndWait(page);
    assert.deepEqual(await gridColumns(page), ['_key', '_headers']);
    const history = await page.$$eval('select.history option', (options) => options.map((o) => o.textContent ?? ''));
    assert.equal(history[1], 'SELECT _key, _headers FROM orders ORDER BY _partition, _offset LIMIT 5');
    // Keyboard: focus the rows, go down twice, copy the cell.
    await page.click('.grid-row[data-index="0"] .grid-cell:first-child');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.getAttribute('.grid-row.selected', 'data-index'), '2');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(inspect.url).origin });
    await page.keyboard.press('Control+C');
    const expected = await truth.query('SELECT _key, _headers FROM orders ORDER BY _partition, _offset LIMIT 5');
    const clipboard = await page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText());
    assert.equal(clipboard, String(expected.rows[2]?.[0]));
    // A JSON cell opens as a tree.
    await page.click('.grid-row[data-index="2"] .grid-cell.nested');
    await page.waitForSelector('.json-popover:not([hidden]) .json-node');
    const keys = await page.$$eval('.json-popover .json-key', (k) => k.map((x) => x.textContent));
    assert.ok(keys.includes('source-file: '), `the header tree shows source-file among ${keys.join(' ')}`);
    await screenshot(page, '02b-json-tree');
    await page.keyboard.press('Escape');
    assert.equal(await page.isHidden('.json-popover'), true);
    // Picking from the history puts the query back in the editor.
    await page.selectOption('select.history', '0');
    // Monaco draws its lines on the next animation frame, which a loaded machine may delay.
    const deadline = Date.now() + 5_000;
    while (!/^SELECT _key, _headers FROM orders/.test(await editorText(page)) && Date.now() < deadline) await page.waitForTimeout(50);
    assert.match(await editorText(page), /^SELECT _key, _headers FROM orders/);
  });

  it('completes a column name of the table the query names', async () => {
    await typeSql(page, 'SELECT r.windowS FROM revenue_per_region_per_minute r');
    // Put the cursor after "r.windowS" and ask for completion.
    await page.keyboard.press('Control+Home');
    for (let i = 0; i < 'SELECT r.windowS'.length; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Control+Space');
    await page.waitForSelector('.suggest-widget.visible .monaco-list-row', { timeout: 10_000 });
    const offered = await page.$$eval('.suggest-widget.visible .monaco-list-row .label-name', (labels) => labels.map((l) => l.textContent));
    assert.ok(offered.includes('windowStart'), `windowStart offered among ${offered.join(', ')}`);
    await screenshot(page, '03-completion');
    // Accept windowStart itself: Enter takes whichever row has the focus, which on a loaded machine
    // may still be another one while the list settles, so move the focus to it first.
    const focused = () => page.$eval('.suggest-widget.visible .monaco-list-row.focused .label-name', (l) => l.textContent).catch(() => null);
    for (let i = 0; i < 30 && (await focused()) !== 'windowStart'; i++) {
      await page.keyboard.press('ArrowDown');
      await page.waitForTimeout(50);
    }
    assert.equal(await focused(), 'windowStart');
    await page.keyboard.press('Enter');
    let text = await editorText(page);
    for (let i = 0; i < 50 && !/SELECT r\.windowStart FROM/.test(text); i++) {
      await page.waitForTimeout(100);
      text = await editorText(page);
    }
    assert.match(text, /SELECT r\.windowStart FROM/);
  });

  it('underlines an error where DuckDB says it is', async () => {
    await typeSql(page, 'SELECT key,\n  no_such_column\nFROM revenue_per_region_per_minute');
    await page.click('.run-button');
    await page.waitForSelector('.status.error', { timeout: 10_000 });
    assert.match((await page.textContent('.status.error')) ?? '', /no_such_column/);
    await page.waitForSelector('.editor-host .squiggly-error', { timeout: 10_000 });
    // The marker sits on line 2, where the bad column is, under the column's name.
    const middle = (box: { y: number; height: number } | null) => (box === null ? -1 : box.y + box.height / 2);
    const markerTop = middle(await page.locator('.editor-host .squiggly-error').first().boundingBox());
    const lineTop = middle(await page.locator('.editor-host .view-line', { hasText: 'no_such_column' }).boundingBox());
    assert.ok(Math.abs(markerTop - lineTop) < 4, `marker at ${markerTop}, line 2 at ${lineTop}`);
    await screenshot(page, '04-error');
  });

  it('pages through a million rows with few row elements, and sorts in DuckDB', async () => {
    await typeSql(page, 'SELECT range AS n, range % 7 AS m FROM range(1000000)');
    await runAndWait(page);
    assert.match((await page.textContent('.result-info')) ?? '', /^1,000,000 rows/);
    // Dragging a column's edge resizes it.
    const header = page.locator('.grid-header .grid-col').first();
    const before = (await header.boundingBox())?.width ?? 0;
    const handle = await page.locator('.grid-header .grid-col:first-child .resize-handle').boundingBox();
    assert.ok(handle !== null);
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(handle.x + 80, handle.y + handle.height / 2, { steps: 4 });
    await page.mouse.up();
    const after = (await header.boundingBox())?.width ?? 0;
    assert.ok(Math.abs(after - before - 78) < 6, `column went from ${before} to ${after} px`);
    assert.equal((await page.locator('.grid-row[data-index="0"] .grid-cell').first().boundingBox())?.width, after);
    const rowElements = await page.$$eval('.grid-row', (rows) => rows.length);
    assert.ok(rowElements < 120, `${rowElements} row elements for a million rows`);
    await page.$eval('.grid-body', (b) => (b.scrollTop = b.scrollHeight));
    await page.waitForSelector('.grid-row:not([hidden]) .grid-cell:first-child:text-is("999999")', { timeout: 10_000 });
    await page.click('.grid-header .grid-col:first-child .col-name');
    await page.waitForSelector('.grid-header [aria-sort="ascending"]');
    await page.click('.grid-header .grid-col:first-child .col-name');
    await page.waitForSelector('.grid-header [aria-sort="descending"]');
    await page.waitForSelector('.grid-row[data-index="0"] .grid-cell:first-child:text-is("999999")', { timeout: 10_000 });
    await page.fill('.grid-filters .grid-col:nth-child(2) input', '3');
    await page.press('.grid-filters .grid-col:nth-child(2) input', 'Enter');
    await page.waitForSelector('.result-info:text-matches("^142,857 rows")', { timeout: 10_000 });
    await screenshot(page, '05-million-rows');
  });

  it('draws a chart of a gold result, one line per key', async () => {
    await typeSql(page, 'SELECT windowStart, key, revenueCents FROM revenue_per_region_per_minute ORDER BY windowStart');
    await runAndWait(page);
    await page.click('.results-bar .tab:has-text("Chart")');
    await page.waitForSelector('[data-testid="chart"] .uplot canvas', { timeout: 10_000 });
    const keys = await truth.query('SELECT DISTINCT key FROM revenue_per_region_per_minute ORDER BY key');
    const legend = await page.$$eval('[data-testid="chart"] .u-legend .u-series .u-label', (labels) => labels.map((l) => l.textContent ?? ''));
    for (const [key] of keys.rows) assert.ok(legend.some((l) => l.startsWith(`${String(key)} ·`)), `a line for ${String(key)} in ${legend.join(', ')}`);
    // Something was drawn: the canvas is not one flat color.
    // Counted in the page; the canvas is typed by hand since this file is checked without the DOM library.
    type Canvas = { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
    const colors = await page.$eval('[data-testid="chart"] .uplot canvas', (c) => {
      const canvas = c as unknown as Canvas;
      const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      const seen = new Set<number>();
      for (let i = 0; i < data.length; i += 4 * 97) seen.add(((data[i] as number) << 16) | ((data[i + 1] as number) << 8) | (data[i + 2] as number));
      return seen.size;
    });
    assert.ok(colors > 3, `${colors} colors on the chart canvas`);
    await screenshot(page, '06-chart');
    await page.selectOption('.chart-controls select[aria-label="chart"]', 'bars');
    await page.waitForSelector('[data-testid="chart"] .uplot canvas');
    await screenshot(page, '06b-chart-bars');
    await page.click('.results-bar .tab:has-text("Grid")');
  });

  it('drills from a gold row to the silver rows and bronze events behind it, with offsets', async () => {
    await typeSql(page, 'SELECT * FROM revenue_per_region_per_minute ORDER BY _offset');
    await runAndWait(page);
    await page.click('.grid-row[data-index="0"] .grid-cell:nth-child(2)');
    await page.click('button[aria-label^="Trace this gold row"]');
    await page.waitForSelector('[data-testid="lineage"]', { timeout: 10_000 });
    const first = await truth.query('SELECT _partition, _offset FROM revenue_per_region_per_minute ORDER BY _offset LIMIT 1');
    const [partition, offset] = first.rows[0] as [number, number];
    const trace = await truth.traceGold('revenue_per_region_per_minute', { partition, offset });
    assert.ok(trace.silver.rows.length > 0 && trace.bronze.rows.length > 0, 'the sample gold row has silver and bronze behind it');
    const sections = await page.$$eval('[data-testid="lineage"] .drill-section', (s) => s.map((x) => x.querySelector('h3')?.textContent ?? ''));
    assert.deepEqual(sections.map((s) => s.trim()), [`Gold row (1)`, `Silver rows (${trace.silver.rows.length})`, `Bronze events (${trace.bronze.rows.length})`]);
    const bronzeShown = await page.$$eval('[data-testid="lineage"] .drill-section:nth-of-type(3) tbody tr', (rows) => rows.map((r) => [...r.children].slice(0, 3).map((c) => c.textContent)));
    const at = (name: string) => trace.bronze.columns.findIndex((c) => c.name === name);
    assert.deepEqual(bronzeShown, trace.bronze.rows.map((r) => [String(r[at('_topic')]), String(r[at('_partition')]), String(r[at('_offset')])]));
    await screenshot(page, '07-lineage');
  });

  it('opens the window debugger: the events in the window, the late ones and the watermark', async () => {
    // A session window of the funnel that records came too late for.
    const late = await truth.query(`SELECT g._offset FROM conversion_funnel g JOIN conversion_funnel_late l
      ON g._key = l._key AND l.eventTime >= g.windowStart AND l.eventTime < g.windowEnd ORDER BY g._offset LIMIT 1`);
    assert.equal(late.rows.length, 1, 'the samples hold a funnel session with a late record');
    await typeSql(page, `SELECT * FROM conversion_funnel WHERE _offset = ${String(late.rows[0]?.[0])}`);
    await runAndWait(page);
    await page.click('.grid-row[data-index="0"] .grid-cell:nth-child(2)');
    await page.click('button[aria-label^="Open the window debugger"]');
    await page.waitForSelector('[data-testid="window-debugger"]', { timeout: 10_000 });
    const text = (await page.textContent('[data-testid="window-debugger"]')) ?? '';
    assert.match(text, /Window \[.*\) of conversion_funnel for key S-/);
    assert.ok((await page.$$('[data-testid="window-debugger"] .timeline .tl-event')).length > 0, 'events drawn on the timeline');
    assert.ok((await page.$$('[data-testid="window-debugger"] .timeline .tl-late')).length > 0, 'late records drawn');
    assert.ok((await page.$$('[data-testid="window-debugger"] .timeline .tl-watermark')).length > 0, 'watermark reports drawn');
    assert.match(text, /Late records \([1-9]\d*\) from conversion_funnel_late/);
    assert.match(text, /session \[\d+, \d+\) would close at watermark/);
    assert.match(text, /Watermark as it advanced \(\d+ reports from t_medallion_watermarks\)/);
    await screenshot(page, '08-window-debugger');
  });

  it('exports the whole result as CSV, JSON and Parquet', async () => {
    await typeSql(page, 'SELECT key, windowStart, revenueCents FROM revenue_per_region_per_minute ORDER BY windowStart, key');
    await runAndWait(page);
    const expected = await truth.query('SELECT key, windowStart, revenueCents FROM revenue_per_region_per_minute ORDER BY windowStart, key', { rowLimit: 100_000 });
    const save = async (button: string) => {
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), page.click(`button[aria-label="Export the whole result as ${button}"]`)]);
      return readFileSync(await download.path());
    };
    const csv = (await save('CSV')).toString('utf8').trim().split('\n');
    assert.equal(csv[0], 'key,windowStart,revenueCents');
    assert.deepEqual(csv.slice(1), expected.rows.map((r) => r.map(String).join(',')));
    const json = JSON.parse((await save('JSON')).toString('utf8')) as { key: string }[];
    assert.equal(json.length, expected.rows.length);
    assert.equal(json[0]?.key, expected.rows[0]?.[0]);
    const parquet = await save('Parquet');
    assert.equal(parquet.subarray(0, 4).toString('latin1'), 'PAR1');
    await screenshot(page, '09-exported');
  });

  it('shows bronze, silver and gold side by side, and the side outputs with their reasons', async () => {
    await page.click('[data-tab="layers"]');
    await page.selectOption('.layer-pane.bronze select', 'orders');
    await page.selectOption('.layer-pane.silver select', 'orders_clean');
    await page.selectOption('.layer-pane.gold select', 'revenue_per_region_per_minute');
    await page.fill('input[aria-label="from"]', '2026-03-02T09:00:00Z');
    await page.fill('input[aria-label="to"]', '2026-03-02T09:10:00Z');
    await page.click('.layers-view button:has-text("Show")');
    await page.waitForSelector('.layer-pane.gold tbody tr', { timeout: 10_000 });
    for (const layer of ['bronze', 'silver', 'gold']) assert.ok((await page.$$(`.layer-pane.${layer} tbody tr`)).length > 0, `${layer} pane has rows`);
    // Selecting a gold row moves the other panes to their record nearest in time.
    await page.click('.layer-pane.gold tbody tr:nth-child(4)');
    const goldTime = await page.textContent('.layer-pane.gold tr.cursor td:first-child');
    const nearest = await truth.query(`SELECT epoch_ms(_timestamp) FROM orders WHERE _timestamp >= '2026-03-02 09:00:00' AND _timestamp < '2026-03-02 09:10:00'
      ORDER BY abs(epoch_ms(_timestamp) - epoch_ms(TIMESTAMP '${(goldTime ?? '').replace('T', ' ').replace('Z', '')}')), _timestamp LIMIT 1`);
    const bronzeTime = await page.textContent('.layer-pane.bronze tr.cursor td:first-child');
    assert.equal(Date.parse(bronzeTime ?? ''), Number(nearest.rows[0]?.[0]));
    await screenshot(page, '10-layers');
    await page.click('[data-tab="side"]');
    await page.click('.side-list button:has-text("orders_clean_quarantine")');
    await page.waitForSelector('.side-body tbody tr', { timeout: 10_000 });
    const headers = await page.$$eval('.side-body thead th', (th) => th.map((t) => t.textContent));
    assert.deepEqual(headers.slice(0, 2), ['reason', 'rule']);
    await screenshot(page, '11-quarantine');
    await page.click('[data-tab="query"]');
  });

  it('runs over postMessage through a relay, as in a VS Code webview, and hands exports to the host', async () => {
    // What the extension does: show the same page with the postmessage transport, and relay every
    // message, unread, between the webview and the server's WebSocket.
    const origin = new URL(inspect.url).origin;
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const webview = await context.newPage();
    const sockets: string[] = [];
    webview.on('websocket', (ws) => sockets.push(ws.url()));
    // The extension derives the socket from the page's address, so the relay connects to `/`.
    const relay = new WebSocket(`${origin.replace(/^http/, 'ws')}/`);
    await new Promise((resolve, reject) => relay.once('open', resolve).once('error', reject));
    const forHost: { kind: string; path?: string; fileName?: string }[] = [];
    try {
      // As src/panels/message-relay.ts does: messages go to the socket as JSON, and come back parsed.
      relay.on('message', (data) => void webview.evaluate((message) => (globalThis as unknown as { postMessage(m: unknown, to: string): void }).postMessage(message, '*'), JSON.parse(String(data)) as unknown));
      await webview.exposeFunction('relayToHost', (message: { kind: string; path?: string; fileName?: string }) => {
        if (message.kind === 'download') forHost.push(message);
        relay.send(JSON.stringify(message));
      });
      // VS Code's API as the webview sees it (a string: tsx would add helpers a function cannot take along).
      await webview.addInitScript(`window.acquireVsCodeApi = () => ({
        postMessage: (m) => window.relayToHost(m),
        getState: () => window.savedState,
        setState: (s) => { window.savedState = s; },
      });`);
      const nonce = randomBytes(18).toString('base64');
      await webview.route(`${origin}/vscode-webview`, (route) => route.fulfill({
        contentType: 'text/html',
        body: inspectorPageHtml({ nonce, cspSource: origin, scriptUri: '/assets/inspector.js', styleUri: '/assets/inspector.css', workerUri: `${origin}/assets/editor.worker.js`, transport: 'postmessage' }),
      }));
      const problems: string[] = [];
      webview.on('pageerror', (e) => problems.push(e.message));
      await webview.goto(`${origin}/vscode-webview`);
      await webview.waitForSelector('body[data-schema-tables]', { timeout: 30_000 });
      await typeSql(webview, 'SELECT key, count(*) AS n FROM revenue_per_region_per_minute GROUP BY key ORDER BY key');
      await runAndWait(webview);
      const expected = await truth.query('SELECT key, count(*) AS n FROM revenue_per_region_per_minute GROUP BY key ORDER BY key');
      assert.deepEqual(await gridRows(webview), expected.rows.map((r) => r.map(String)));
      await webview.click('button[aria-label="Export the whole result as CSV"]');
      await webview.waitForSelector('.status:text-matches("exported")', { timeout: 10_000 });
      assert.equal(forHost.length, 1);
      assert.equal(forHost[0]?.kind, 'download');
      const response = await fetch(`${origin}${forHost[0]?.path ?? ''}`);
      assert.equal((await response.text()).split('\n')[0], 'key,n');
      assert.deepEqual(sockets, [], 'the webview opened no socket of its own');
      assert.deepEqual(problems, []);
      await screenshot(webview, '12-postmessage-webview');
    } finally {
      relay.close();
      await context.close();
    }
  });

  it('updates the layer counts live while records are ingested', async () => {
    // DuckDB lets one process write a file, so this runs the server in this process over a fresh
    // warehouse that the test appends to, as the demo does while a replay runs.
    const live = await Warehouse.open({ path: path.join(temp.path, 'live.duckdb') });
    const server = await startInspectorServer({ warehouse: live, webviewDir: path.join(__dirname, '..', '..', 'dist', 'webview') });
    const context = await browser.newContext();
    try {
      const livePage = await context.newPage();
      await livePage.goto(server.url);
      await livePage.waitForSelector('body[data-schema-tables]');
      for (let batch = 0; batch < 3; batch++) {
        await live.ingest('orders', 0, Array.from({ length: 10 }, (_, i) => record(batch * 10 + i, { n: i })));
        await live.ingest('orders_clean', 0, Array.from({ length: 5 }, (_, i) => record(batch * 5 + i, { n: i }, { 'medallion.layer': 'silver', 'medallion.output': 'orders_clean' })));
        await waitForText(livePage, '.count-chip[data-layer="bronze"]', `bronze ${(batch + 1) * 10}`);
        await waitForText(livePage, '.count-chip[data-layer="silver"]', `silver ${(batch + 1) * 5}`);
      }
      await screenshot(livePage, '13-live-counts');
    } finally {
      await context.close();
      await server.close();
      await live.close();
    }
  });

  it('keeps the SQL across a reload and had no policy violations', async () => {
    await typeSql(page, 'SELECT 42 AS kept');
    await page.reload();
    await page.waitForSelector('body[data-schema-tables]');
    const text = await editorText(page);
    assert.match(text, /SELECT 42 AS kept/);
    assert.deepEqual(problems.filter((p) => /Content Security Policy|pageerror/.test(p)), []);
  });
});
