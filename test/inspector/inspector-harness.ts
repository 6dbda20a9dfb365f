/**
 * What the inspector's browser tests and bench share: the webview built, a warehouse file built
 * from the samples, `medallion inspect` started as a real child process of the CLI, and Debian's
 * Chromium driven by playwright-core.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';

export const ROOT = path.join(__dirname, '..', '..');
export const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'inspector');
const run = promisify(execFile);

/** Builds dist/webview so the test never runs a stale page; the other bundles are left alone. */
export async function buildBundles(): Promise<void> {
  await run(process.execPath, ['esbuild.mjs', '--only=webview'], { cwd: ROOT, maxBuffer: 16 << 20 });
}

export async function buildShopWarehouseFile(file: string): Promise<{ tables: number; records: number }> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(__dirname, 'build-shop-warehouse.ts'), file], {
    cwd: ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: path.join(ROOT, 'samples', 'tsconfig.json') },
    maxBuffer: 16 << 20,
  });
  return JSON.parse(stdout) as { tables: number; records: number };
}

export interface InspectProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `medallion inspect` from the sources (the CLI's main, through tsx) on a free port. */
export async function startInspect(warehouseFile: string, extraArgs: string[] = []): Promise<InspectProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'sandbox', 'cli', 'main.ts'), 'inspect', '--warehouse', warehouseFile, '--port', '0', ...extraArgs], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`medallion inspect did not start within 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /inspector listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`medallion inspect exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Opens the inspector and waits for the schema to arrive; collects policy violations and errors. */
export async function openInspector(browser: Browser, url: string): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(url);
  await page.waitForSelector('body[data-schema-tables]', { timeout: 30_000 });
  return { page, problems };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}

/** Replaces the editor's text the way a user would: select all, then type. */
export async function typeSql(page: Page, sql: string): Promise<void> {
  await page.click('.editor-host .view-lines');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  // Monaco auto-closes brackets and quotes as one types; inserting the text avoids that.
  await page.keyboard.insertText(sql);
}

/** Runs the editor's SQL and waits until the grid has painted the new result. */
export async function runAndWait(page: Page): Promise<void> {
  const before = Number((await page.getAttribute('body', 'data-runs')) ?? 0);
  await page.click('.run-button');
  // Polled from here: a predicate function would need eval in the page, which its policy forbids,
  // and an exact-count selector could miss a count that moved on past it.
  const deadline = Date.now() + 30_000;
  while (Number((await page.getAttribute('body', 'data-runs')) ?? 0) <= before) {
    if (Date.now() > deadline) throw new Error('the grid painted no new result within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The cells of the rows the grid shows, top to bottom, as text. */
export function gridRows(page: Page): Promise<string[][]> {
  return page.$$eval('.grid-row:not([hidden])', (rows) =>
    rows
      .map((r) => ({ index: Number(r.getAttribute('data-index')), cells: [...r.children].map((c) => c.textContent ?? '') }))
      .sort((a, b) => a.index - b.index)
      .map((r) => r.cells),
  );
}

export async function gridColumns(page: Page): Promise<string[]> {
  return page.$$eval('.grid-header .col-name', (cols) => cols.map((c) => c.textContent ?? ''));
}

/** The editor's text as shown, lines joined by newlines. */
export async function editorText(page: Page): Promise<string> {
  const lines = await page.$$eval('.editor-host .view-line', (ls) => ls.map((l) => ({ top: l.getBoundingClientRect().top, text: l.textContent ?? '' })));
  return lines.sort((a, b) => a.top - b.top).map((l) => l.text.replace(/\u00a0/g, ' ')).join('\n');
}
