/**
 * Breakpoints in transform code, in a real VS Code: code-server 4.100.3 with the extension's VSIX
 * and its built-in Node debugger (js-debug). The samples workspace gets a launch.json with the
 * `medallion` configuration the extension contributes. An inline breakpoint in a one-line transform
 * of shop.pipeline.ts, and a line breakpoint set with F9 in `toOrder` (the transform the pipeline
 * maps every order with, in lib/normalize.ts), must each pause the worker process that runs the
 * transform, at that line of the .ts file, with the record in the Variables view. Stopping the
 * session must leave no process behind. The picture of the pause is
 * test-artifacts/vscode/debugger-paused.png.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { ROOT, startSession, type E2eSession } from './support/session';
import { userWorkspace } from './support/workspace';
import type { Workbench } from './support/workbench';

/** The line of `toOrder` the line breakpoint is set on: a statement that runs once per order. */
const LINE_BREAKPOINT = { file: path.join('lib', 'normalize.ts'), text: 'if (raw.schema_version === 2) {' };
/** A one-line transform in the pipeline file, and where in it the inline breakpoint goes. */
const INLINE_BREAKPOINT = { file: 'shop.pipeline.ts', text: "payments.filter((x) => x.status === 'succeeded')", at: "x.status === 'succeeded'" };

let session: E2eSession | undefined;
let page: Page;
let wb: Workbench;
/** Every CLI and worker process a debug session had, seen while it was paused. */
const seenPids = new Set<number>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The processes whose parent is `pid`, with their command lines. */
function childrenOf(pid: number): { pid: number; args: string }[] {
  let out = '';
  try {
    out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' });
  } catch {
    // ps exits 1 when no process matches.
  }
  return out.split('\n').filter((l) => l.trim() !== '').map((l) => {
    const [, child, args] = /^\s*(\d+)\s+(.*)$/.exec(l)!;
    return { pid: Number(child), args: args! };
  });
}

async function waitUntil(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The 1-based line of the workspace file that contains `text`. */
function lineOf(file: string, text: string): number {
  const line = readFileSync(path.join(session!.workspace, file), 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1;
  assert.ok(line > 0, `no line with ${text} in ${file}`);
  return line;
}

/** Opens a file and puts the cursor on a line, at the start of `at` if given, as a user does with Ctrl+G and the arrow keys. */
async function putCursor(file: string, line: number, at?: string): Promise<void> {
  // Quick open leaves the focus in the editor it opened (a click could land on a CodeLens).
  await wb.openFile(path.basename(file));
  await page.keyboard.press('Control+G');
  await page.keyboard.insertText(String(line));
  // Enter before the widget has read the number would go nowhere.
  await page.locator('.quick-input-list .monaco-list-row', { hasText: `Go to line ${line}.` }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  await wb.statusBarItem(new RegExp(`^Ln ${line}, Col 1$`)).waitFor({ timeout: 10_000 });
  if (at === undefined) return;
  const column = readFileSync(path.join(session!.workspace, file), 'utf8').split('\n')[line - 1]!.indexOf(at) + 1;
  for (let c = 1; c < column; c++) await page.keyboard.press('ArrowRight');
  await wb.statusBarItem(new RegExp(`^Ln ${line}, Col ${column}$`)).waitFor({ timeout: 10_000 });
}

/**
 * Runs a command by clicking its own row in the palette: Enter would run the first row, which may be
 * a recently used command that only resembles the title.
 */
async function runExactCommand(title: string): Promise<void> {
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+Shift+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10_000 });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${title}$`) }) }).first().click({ timeout: 10_000 });
}

/** Starts the launch configuration from launch.json, picked by its name as a user picks it. */
async function startDebugging(): Promise<void> {
  await wb.runCommand('Debug: Select and Start Debugging');
  // The picker is quick open with the `debug ` prefix, which the filter keeps.
  await wb.pick('debug Debug the shop', 'Debug the shop pipeline');
}

/** Waits until the Call Stack shows a frame of `file` at `line` paused on a breakpoint; returns the CLI's and the worker's pids. */
async function waitForPauseAt(file: string, line: number): Promise<{ cli: number; worker: number }> {
  const frame = page.locator('.debug-call-stack .monaco-list-row', { hasText: new RegExp(`${path.basename(file).replace('.', '\\.')}\\s*${line}:\\d+`) });
  await frame.first().waitFor({ timeout: 90_000 });
  await page.locator('.debug-call-stack .monaco-list-row', { hasText: /Paused on breakpoint/i }).first().waitFor({ timeout: 15_000 });
  // The processes: the CLI the debugger launched, and the worker it spawned, paused in the transform.
  const sessions = (await page.locator('.debug-call-stack .monaco-list-row').allInnerTexts()).join('\n');
  const cli = Number(/cli\.js \[(\d+)\]/.exec(sessions)?.[1]);
  assert.ok(cli > 0 && isAlive(cli), `no running cli.js in the Call Stack: ${sessions}`);
  seenPids.add(cli);
  const workers = childrenOf(cli).filter((c) => c.args.includes('runner-worker.js')).map((c) => c.pid);
  for (const pid of workers) seenPids.add(pid);
  assert.equal(workers.length, 1, `one worker (workers: 1 in launch.json) under the CLI: ${JSON.stringify(childrenOf(cli))}`);
  assert.match(sessions, new RegExp(`runner-worker\\.js \\[${workers[0]}\\]`), 'the paused session is that worker');
  return { cli, worker: workers[0]! };
}

/** The text of the line the editor marks as where the debugger stopped. */
async function stoppedLineText(): Promise<string> {
  const stopped = page.locator('.monaco-editor .view-overlays .debug-top-stack-frame-line').first();
  await stopped.waitFor({ timeout: 15_000 });
  // Monaco places a line's overlay and its text at the same `top`.
  const top = /top:\s*([\d.]+px)/.exec((await stopped.locator('xpath=..').getAttribute('style')) ?? '')?.[1];
  assert.ok(top, 'the stopped-line decoration has a position');
  return page.locator(`.monaco-editor .view-lines .view-line[style*="top:${top}"]`).first().innerText();
}

/** The editor renders spaces as no-break spaces and puts the stop's inline marker (an icon with no text of its own) inside the line: only the code's own characters are compared. */
function sameCode(shown: string, code: string): boolean {
  const squeezed = (text: string) => text.replace(/[^\w.=(){}'"]/g, '');
  return squeezed(shown).includes(squeezed(code));
}

/** Stops the session with the debug toolbar's Stop button and waits until its processes and its views are gone. */
async function stopDebugging(processes: { cli: number; worker: number }): Promise<void> {
  // The worker's session, a child of the CLI's, is the focused one; stopping it stops the launch.
  await page.locator('.debug-toolbar .codicon-debug-stop').first().click();
  const alive = () => [processes.cli, processes.worker].filter(isAlive);
  await waitUntil('the CLI and its worker have exited', () => alive().length === 0, 30_000).catch((error: Error) => {
    throw new Error(`${error.message}; still running: ${alive().join(', ')} (CLI ${processes.cli}, worker ${processes.worker})`);
  });
  // The workbench no longer shows a debug session: no Call Stack rows and no debug toolbar.
  await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 15_000 });
  await page.locator('.debug-call-stack .monaco-list-row').first().waitFor({ state: 'detached', timeout: 15_000 });
}

afterEach(async (t) => {
  if (page) await session?.screenshot(`last-debugger-${t.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 50)}`).catch(() => undefined);
});

before(async () => {
  session = await startSession({
    prefix: 'medallion-vscode-debug-',
    workspace: (tmp) => {
      const workspace = userWorkspace(ROOT, path.join(tmp, 'shop'));
      // What a user adds from the configuration snippet "Medallion: Debug Pipeline".
      mkdirSync(path.join(workspace, '.vscode'));
      const launch = { version: '0.2.0', configurations: [{ type: 'medallion', request: 'launch', name: 'Debug the shop pipeline', pipeline: '${workspaceFolder}/shop.pipeline.ts', workers: 1 }] };
      writeFileSync(path.join(workspace, '.vscode', 'launch.json'), JSON.stringify(launch, null, 2));
      return workspace;
    },
    settings: (tmp) => ({ 'medallion.warehouse.file': path.join(tmp, 'warehouse.duckdb'), 'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false }),
  });
  ({ page, wb } = session);
});

after(async () => {
  // Whatever a failed test left running goes with code-server's process group; a process the test
  // saw is killed by its pid too, in case it had left that group.
  for (const pid of seenPids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  await session?.close();
});

test('the sandbox runs and holds the replayed samples', async () => {
  await wb.statusBarItem('Sandbox stopped').waitFor({ timeout: 60_000 });
  await wb.runCommand('Medallion: Start Sandbox');
  await wb.statusBarItem(/Sandbox 127\.0\.0\.1:\d+/).waitFor({ timeout: 30_000 });
  // The shop pipeline reads four bronze topics; the folder replays them all (about 3,000 records).
  await wb.runCommand('Medallion: Replay a Sample');
  await wb.pick('data', /every stream in the folder/);
  await wb.notification(/Medallion: replayed/).waitFor({ timeout: 120_000 });
});

test('an inline breakpoint in a one-line transform of the pipeline file pauses there with the record, and Stop ends every process', async () => {
  // A line breakpoint on this line would be the call that builds the plan, which runs once at load;
  // the transform is the arrow function inside it, so the breakpoint goes there (Shift+F9).
  const { file, text, at } = INLINE_BREAKPOINT;
  const line = lineOf(file, text);
  await putCursor(file, line, at);
  await page.keyboard.press('Shift+F9');
  await page.locator('.monaco-editor .codicon-debug-breakpoint').first().waitFor({ timeout: 10_000 });
  await startDebugging();
  const processes = await waitForPauseAt(file, line);
  assert.ok(sameCode(await stoppedLineText(), text), 'the editor marks the transform\'s line as the stopped one');
  const variables = page.locator('.debug-variables .monaco-list-row');
  await variables.filter({ hasText: /^x\s*=.*paymentId/ }).first().waitFor({ timeout: 15_000 });
  await stopDebugging(processes);
  // Removed again, so the next session stops only where the next test says.
  await runExactCommand('Remove All Breakpoints');
  await page.locator('.monaco-editor .codicon-debug-breakpoint').first().waitFor({ state: 'detached', timeout: 10_000 });
});

test('a breakpoint set with F9 in a transform the pipeline imports pauses the worker at that line, with its locals', async () => {
  const { file, text } = LINE_BREAKPOINT;
  const line = lineOf(file, text);
  await putCursor(file, line);
  await page.keyboard.press('F9');
  await page.locator('.monaco-editor .codicon-debug-breakpoint').first().waitFor({ timeout: 10_000 });
  await startDebugging();
  // The Call Stack shows the worker paused in the transform, in the user's .ts file and line.
  const processes = await waitForPauseAt(file, line);
  await page.locator('.debug-call-stack .monaco-list-row', { hasText: 'toOrder' }).first().waitFor({ timeout: 15_000 });
  // The editor shows the stopped line and puts the cursor on it.
  const shown = await stoppedLineText();
  assert.ok(sameCode(shown, text), `the stopped line shows "${shown}"`);
  await wb.statusBarItem(new RegExp(`^Ln ${line}, Col`)).waitFor({ timeout: 10_000 });
  // The Variables view shows the transform's locals: the raw order and the common fields made from it.
  const variables = page.locator('.debug-variables .monaco-list-row');
  await variables.filter({ hasText: /^raw\s*=.*order_id/ }).first().waitFor({ timeout: 15_000 });
  await variables.filter({ hasText: /^common\s*=.*orderId/ }).first().waitFor({ timeout: 15_000 });
  await session!.screenshot('debugger-paused');
  await stopDebugging(processes);
  await wb.runCommand('Medallion: Stop Sandbox');
  await wb.statusBarItem('Sandbox stopped').waitFor({ timeout: 30_000 });
});
