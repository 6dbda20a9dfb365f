/**
 * Breakpoints in transform code, in a real VS Code: code-server 4.100.3 with the extension's VSIX
 * and its built-in Node debugger (js-debug). The samples workspace gets a launch.json with the
 * `medallion` configuration the extension contributes. An inline breakpoint in a one-line transform
 * of shop.pipeline.ts (debugged from launch.json), and a line breakpoint set with F9 in `toOrder`
 * (the transform the pipeline maps every order with, in lib/normalize.ts; debugged with the
 * extension's Debug Pipeline command), must each pause the worker process that runs the transform,
 * at that line of the .ts file, with the record in the Variables view. Stopping the
 * session must leave no process behind. The picture of the pause is
 * test-artifacts/vscode/debugger-paused.png.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { DebugDriver, sameCode } from './support/debug-driver';
import { isAlive } from './support/processes';
import { ROOT, startSession, type E2eSession } from './support/session';
import { userWorkspace } from './support/workspace';
import type { Workbench } from './support/workbench';

/** The line of `toOrder` the line breakpoint is set on: a statement that runs once per order. */
const LINE_BREAKPOINT = { file: path.join('lib', 'normalize.ts'), text: 'if (raw.schema_version === 2) {' };
/** A one-line transform in the pipeline file, and where in it the inline breakpoint goes. */
const INLINE_BREAKPOINT = { file: 'shop.pipeline.ts', text: "payments.filter((x) => x.status === 'succeeded')", at: "x.status === 'succeeded'" };

const LAUNCH_CONFIGURATION = 'Debug the shop pipeline';

let session: E2eSession | undefined;
let page: Page;
let wb: Workbench;
let debug: DebugDriver;

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
      const launch = { version: '0.2.0', configurations: [{ type: 'medallion', request: 'launch', name: LAUNCH_CONFIGURATION, pipeline: '${workspaceFolder}/shop.pipeline.ts', workers: 1 }] };
      writeFileSync(path.join(workspace, '.vscode', 'launch.json'), JSON.stringify(launch, null, 2));
      return workspace;
    },
    settings: (tmp) => ({ 'medallion.warehouse.file': path.join(tmp, 'warehouse.duckdb'), 'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false }),
  });
  ({ page, wb } = session);
  debug = new DebugDriver(page, wb, session.workspace);
});

after(async () => {
  // Whatever a failed test left running goes with code-server's process group; a process the test
  // saw is killed by its pid too, in case it had left that group.
  for (const pid of debug?.seenPids ?? []) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
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
  const line = debug.lineOf(file, text);
  await debug.putCursor(file, line, at);
  await page.keyboard.press('Shift+F9');
  await page.locator('.monaco-editor .codicon-debug-breakpoint').first().waitFor({ timeout: 10_000 });
  await debug.startDebugging(LAUNCH_CONFIGURATION);
  const processes = await debug.waitForPauseAt(file, line);
  assert.ok(sameCode(await debug.stoppedLineText(), text), 'the editor marks the transform\'s line as the stopped one');
  const variables = page.locator('.debug-variables .monaco-list-row');
  await variables.filter({ hasText: /^x\s*=.*paymentId/ }).first().waitFor({ timeout: 15_000 });
  await debug.stopDebugging(processes);
  // Removed again, so the next session stops only where the next test says.
  await debug.runExactCommand('Remove All Breakpoints');
  await page.locator('.monaco-editor .codicon-debug-breakpoint').first().waitFor({ state: 'detached', timeout: 10_000 });
});

test('a breakpoint set with F9 in a transform the pipeline imports pauses the worker started by Debug Pipeline at that line, with its locals', async () => {
  const { file, text } = LINE_BREAKPOINT;
  const line = debug.lineOf(file, text);
  await debug.putCursor(file, line);
  await page.keyboard.press('F9');
  await page.locator('.monaco-editor .codicon-debug-breakpoint').first().waitFor({ timeout: 10_000 });
  // This time without launch.json: the extension's command, which picks the workspace's only
  // pipeline when the active editor holds none.
  await debug.runExactCommand('Medallion: Debug Pipeline');
  // The Call Stack shows the worker paused in the transform, in the user's .ts file and line.
  const processes = await debug.waitForPauseAt(file, line);
  await page.locator('.debug-call-stack .monaco-list-row', { hasText: 'toOrder' }).first().waitFor({ timeout: 15_000 });
  // The editor shows the stopped line and puts the cursor on it.
  const shown = await debug.stoppedLineText();
  assert.ok(sameCode(shown, text), `the stopped line shows "${shown}"`);
  await wb.statusBarItem(new RegExp(`^Ln ${line}, Col`)).waitFor({ timeout: 10_000 });
  // The Variables view shows the transform's locals: the raw order and the common fields made from it.
  const variables = page.locator('.debug-variables .monaco-list-row');
  await variables.filter({ hasText: /^raw\s*=.*order_id/ }).first().waitFor({ timeout: 15_000 });
  await variables.filter({ hasText: /^common\s*=.*orderId/ }).first().waitFor({ timeout: 15_000 });
  await session!.screenshot('debugger-paused');
  await debug.stopDebugging(processes);
  await wb.runCommand('Medallion: Stop Sandbox');
  await wb.statusBarItem('Sandbox stopped').waitFor({ timeout: 30_000 });
});
