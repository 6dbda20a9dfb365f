/**
 * Breakpoints in transform code, in a real VS Code: code-server 4.100.3 with the extension's VSIX
 * and its built-in Node debugger (js-debug). The samples workspace gets a launch.json with the
 * `medallion` configuration the extension contributes; a breakpoint set with F9 in `toOrder`, the
 * transform shop.pipeline.ts maps every order with, must pause the worker process that runs it, at
 * that line of the .ts file, with the order in the Variables view. Stopping the session must leave
 * no worker behind. The picture of the pause is test-artifacts/vscode/debugger-paused.png.
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

/** The line of the transform the breakpoint is set on: a statement that runs once per order. */
const BREAKPOINT_TEXT = 'if (raw.schema_version === 2) {';

let session: E2eSession | undefined;
let page: Page;
let wb: Workbench;
/** The CLI process the debugger launched and the worker processes it spawned, seen at the pause. */
let cliPid: number | undefined;
let workerPids: number[] = [];

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
  // Whatever a failed test left running is stopped with code-server's process group; a worker the
  // test saw is killed by its pid in case it had left that group.
  for (const pid of [...workerPids, ...(cliPid ? [cliPid] : [])]) {
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
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

test('a breakpoint set with F9 in a transform pauses the worker at that line of the .ts file', async () => {
  const file = path.join(session!.workspace, 'lib', 'normalize.ts');
  const line = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(BREAKPOINT_TEXT)) + 1;
  assert.ok(line > 0, `no line with ${BREAKPOINT_TEXT} in ${file}`);
  await wb.openFile('normalize.ts');
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+G');
  await page.keyboard.insertText(String(line));
  await page.keyboard.press('Enter');
  await wb.statusBarItem(new RegExp(`^Ln ${line}, Col`)).waitFor({ timeout: 10_000 });
  await page.keyboard.press('F9');
  await page.locator('.monaco-editor .codicon-debug-breakpoint').first().waitFor({ timeout: 10_000 });

  // The launch configuration from launch.json, picked by its name as a user picks it.
  await wb.runCommand('Debug: Select and Start Debugging');
  // The picker is quick open with the `debug ` prefix, which the filter keeps.
  await wb.pick('debug Debug the shop', 'Debug the shop pipeline');
  // The Call Stack shows the worker paused in the transform, in the user's .ts file and line.
  const frame = page.locator('.debug-call-stack .monaco-list-row', { hasText: 'toOrder' }).filter({ hasText: 'normalize.ts' });
  await frame.first().waitFor({ timeout: 90_000 });
  assert.match(await frame.first().innerText(), new RegExp(`normalize\\.ts\\s*${line}:\\d+`));
  await page.locator('.debug-call-stack .monaco-list-row', { hasText: /Paused on breakpoint/i }).first().waitFor({ timeout: 15_000 });
  // The editor shows the stopped line: the top-frame decoration sits on the breakpoint's line.
  const stopped = page.locator('.monaco-editor .view-overlays .debug-top-stack-frame-line').first();
  await stopped.waitFor({ timeout: 15_000 });
  // Monaco places a line's overlay and its text at the same `top`.
  const top = /top:\s*([\d.]+px)/.exec((await stopped.locator('xpath=..').getAttribute('style')) ?? '')?.[1];
  assert.ok(top, 'the stopped-line decoration has a position');
  const stoppedText = await page.locator(`.monaco-editor .view-lines .view-line[style*="top:${top}"]`).first().innerText();
  // The editor renders spaces as no-break spaces and puts the stop's inline marker (an icon with
  // no text of its own) inside the line: only the code's own characters are compared.
  const squeezed = (text: string) => text.replace(/[^\w.=(){}]/g, '');
  assert.ok(squeezed(stoppedText).includes(squeezed(BREAKPOINT_TEXT)), `the stopped line shows "${stoppedText}"`);
  await wb.statusBarItem(new RegExp(`^Ln ${line}, Col`)).waitFor({ timeout: 10_000 });
  // The Variables view shows the transform's locals: the raw order and the common fields made from it.
  const variables = page.locator('.debug-variables .monaco-list-row');
  await variables.filter({ hasText: /^raw\s*=/ }).first().waitFor({ timeout: 15_000 });
  await variables.filter({ hasText: /^common\s*=/ }).first().waitFor({ timeout: 15_000 });
  assert.match(await variables.filter({ hasText: /^raw\s*=/ }).first().innerText(), /order_id/);
  await session!.screenshot('debugger-paused');

  // The processes: the CLI the debugger launched, and the worker it spawned, paused in the transform.
  const sessions = (await page.locator('.debug-call-stack .monaco-list-row').allInnerTexts()).join('\n');
  cliPid = Number(/cli\.js \[(\d+)\]/.exec(sessions)?.[1]);
  assert.ok(cliPid > 0 && isAlive(cliPid), `no running cli.js in the Call Stack: ${sessions}`);
  workerPids = childrenOf(cliPid).filter((c) => c.args.includes('runner-worker.js')).map((c) => c.pid);
  assert.equal(workerPids.length, 1, `one worker (workers: 1 in launch.json) under the CLI: ${JSON.stringify(childrenOf(cliPid))}`);
  assert.match(sessions, new RegExp(`runner-worker\\.js \\[${workerPids[0]}\\]`), 'the paused session is that worker');
});

test('stopping the session ends it and leaves no worker running', async () => {
  assert.ok(cliPid, 'the previous test saw the debugged CLI');
  // The Stop button of the debug toolbar, with the worker's session (a child of the CLI's) focused.
  await page.locator('.debug-toolbar .codicon-debug-stop').first().click();
  const alive = () => [cliPid!, ...workerPids].filter(isAlive);
  await waitUntil('the CLI and its workers have exited', () => alive().length === 0, 30_000).catch((error: Error) => {
    throw new Error(`${error.message}; still running: ${alive().join(', ')} (CLI ${cliPid}, workers ${workerPids.join(', ')})`);
  });
  // The workbench no longer shows a debug session: no Call Stack rows and no debug toolbar.
  await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 15_000 });
  await page.locator('.debug-call-stack .monaco-list-row').first().waitFor({ state: 'detached', timeout: 15_000 });
  await wb.runCommand('Medallion: Stop Sandbox');
  await wb.statusBarItem('Sandbox stopped').waitFor({ timeout: 30_000 });
});
