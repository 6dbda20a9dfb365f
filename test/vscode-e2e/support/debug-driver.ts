/**
 * Driving VS Code's debugger as a user does: the cursor put on a line with Ctrl+G and the arrow keys,
 * a launch configuration started from the picker, the Call Stack read for where it paused and which
 * processes paused, and the debug toolbar's Stop. Every process a paused session had is remembered,
 * so a test can make sure none is left running.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { childrenOf, isAlive, waitUntil } from './processes';
import type { Workbench } from './workbench';

/**
 * Whether a line the editor shows holds the code. The editor renders spaces as no-break spaces and
 * puts the stop's inline marker (an icon with no text of its own) inside the line: only the code's
 * own characters are compared.
 */
export function sameCode(shown: string, code: string): boolean {
  const squeezed = (text: string) => text.replace(/[^\w.=(){}'"]/g, '');
  return squeezed(shown).includes(squeezed(code));
}

export class DebugDriver {
  /** Every CLI and worker process a debug session had, seen while it was paused. */
  readonly seenPids = new Set<number>();

  constructor(
    private readonly page: Page,
    private readonly wb: Workbench,
    private readonly workspace: string,
  ) {}

  /** The 1-based line of the workspace file that contains `text`. */
  lineOf(file: string, text: string): number {
    const line = readFileSync(path.join(this.workspace, file), 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1;
    assert.ok(line > 0, `no line with ${text} in ${file}`);
    return line;
  }

  /** Opens a file and puts the cursor on a line, at the start of `at` if given, as a user does with Ctrl+G and the arrow keys. */
  async putCursor(file: string, line: number, at?: string): Promise<void> {
    // Quick open leaves the focus in the editor it opened (a click could land on a CodeLens).
    await this.wb.openFile(path.basename(file));
    await this.page.keyboard.press('Control+G');
    await this.page.keyboard.insertText(String(line));
    // Enter before the widget has read the number would go nowhere.
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: `Go to line ${line}.` }).first().waitFor({ timeout: 10_000 });
    await this.page.keyboard.press('Enter');
    await this.wb.statusBarItem(new RegExp(`^Ln ${line}, Col 1$`)).waitFor({ timeout: 10_000 });
    if (at === undefined) return;
    const column = readFileSync(path.join(this.workspace, file), 'utf8').split('\n')[line - 1]!.indexOf(at) + 1;
    for (let c = 1; c < column; c++) await this.page.keyboard.press('ArrowRight');
    await this.wb.statusBarItem(new RegExp(`^Ln ${line}, Col ${column}$`)).waitFor({ timeout: 10_000 });
  }

  /**
   * Runs a command by clicking its own row in the palette: Enter would run the first row, which may be
   * a recently used command that only resembles the title.
   */
  async runExactCommand(title: string): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('Control+Shift+P');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 10_000 });
    await input.fill(`>${title}`);
    await this.page.locator('.quick-input-list .monaco-list-row', { has: this.page.locator('.label-name', { hasText: new RegExp(`^${title}$`) }) }).first().click({ timeout: 10_000 });
  }

  /** Starts a launch configuration from launch.json, picked by its name as a user picks it. */
  async startDebugging(name: string): Promise<void> {
    await this.wb.runCommand('Debug: Select and Start Debugging');
    // The picker is quick open with the `debug ` prefix, which the filter keeps.
    await this.wb.pick(`debug ${name}`, name);
  }

  /** Waits until the Call Stack shows a frame of `file` at `line` paused on a breakpoint; returns the CLI's and the worker's pids. */
  async waitForPauseAt(file: string, line: number): Promise<{ cli: number; worker: number }> {
    const frame = this.page.locator('.debug-call-stack .monaco-list-row', { hasText: new RegExp(`${path.basename(file).replace('.', '\\.')}\\s*${line}:\\d+`) });
    await frame.first().waitFor({ timeout: 90_000 });
    await this.page.locator('.debug-call-stack .monaco-list-row', { hasText: /Paused on breakpoint/i }).first().waitFor({ timeout: 15_000 });
    // The processes: the CLI the debugger launched, and the worker it spawned, paused in the transform.
    const sessions = (await this.page.locator('.debug-call-stack .monaco-list-row').allInnerTexts()).join('\n');
    const cli = Number(/cli\.js \[(\d+)\]/.exec(sessions)?.[1]);
    assert.ok(cli > 0 && isAlive(cli), `no running cli.js in the Call Stack: ${sessions}`);
    this.seenPids.add(cli);
    const workers = childrenOf(cli).filter((c) => c.args.includes('runner-worker.js')).map((c) => c.pid);
    for (const pid of workers) this.seenPids.add(pid);
    assert.equal(workers.length, 1, `one worker under the CLI: ${JSON.stringify(childrenOf(cli))}`);
    assert.match(sessions, new RegExp(`runner-worker\\.js \\[${workers[0]}\\]`), 'the paused session is that worker');
    return { cli, worker: workers[0]! };
  }

  /** The text of the line the editor marks as where the debugger stopped. */
  async stoppedLineText(): Promise<string> {
    const stopped = this.page.locator('.monaco-editor .view-overlays .debug-top-stack-frame-line').first();
    await stopped.waitFor({ timeout: 15_000 });
    // Monaco places a line's overlay and its text at the same `top`.
    const top = /top:\s*([\d.]+px)/.exec((await stopped.locator('xpath=..').getAttribute('style')) ?? '')?.[1];
    assert.ok(top, 'the stopped-line decoration has a position');
    return this.page.locator(`.monaco-editor .view-lines .view-line[style*="top:${top}"]`).first().innerText();
  }

  /** Stops the session with the debug toolbar's Stop button and waits until its processes and its views are gone. */
  async stopDebugging(processes: { cli: number; worker: number }): Promise<void> {
    // The worker's session, a child of the CLI's, is the focused one; stopping it stops the launch.
    await this.page.locator('.debug-toolbar .codicon-debug-stop').first().click();
    const alive = () => [processes.cli, processes.worker].filter(isAlive);
    await waitUntil('the CLI and its worker have exited', () => alive().length === 0, 30_000).catch((error: Error) => {
      throw new Error(`${error.message}; still running: ${alive().join(', ')} (CLI ${processes.cli}, worker ${processes.worker})`);
    });
    // The workbench no longer shows a debug session: no Call Stack rows and no debug toolbar.
    await this.page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 15_000 });
    await this.page.locator('.debug-call-stack .monaco-list-row').first().waitFor({ state: 'detached', timeout: 15_000 });
  }
}
