/**
 * Test Explorer for the user's pipeline tests: `*.test.ts` files in the workspace, written with
 * node:test and the engine's test driver. A run is `node --import tsx --test --test-reporter=tap`
 * in a child process per file; its TAP output marks each test passed, failed (with the message at
 * its location) or skipped.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { findTests } from './test-source';
import { parseTap, type TapResult } from './tap-results';

const TEST_GLOB = '**/*.test.ts';
const EXCLUDE = '{**/node_modules/**,**/.medallion/**,**/dist/**}';

export class PipelineTests implements vscode.Disposable {
  readonly controller = vscode.tests.createTestController('medallion.tests', 'Medallion pipeline tests');
  private readonly disposables: vscode.Disposable[] = [this.controller];

  constructor(private readonly ctx: Ctx) {
    this.controller.resolveHandler = async (item) => {
      if (!item) await this.discoverAll();
      else await this.loadFile(item);
    };
    this.controller.refreshHandler = () => this.discoverAll();
    this.controller.createRunProfile('Run', vscode.TestRunProfileKind.Run, (request, token) => this.run(request, token), true);
    const watcher = vscode.workspace.createFileSystemWatcher(TEST_GLOB);
    this.disposables.push(
      watcher,
      watcher.onDidCreate((uri) => void this.loadFile(this.fileItem(uri))),
      watcher.onDidChange((uri) => void this.loadFile(this.fileItem(uri))),
      watcher.onDidDelete((uri) => this.controller.items.delete(uri.toString())),
    );
  }

  async discoverAll(): Promise<void> {
    const files = await vscode.workspace.findFiles(TEST_GLOB, EXCLUDE, 1000);
    await Promise.all(files.map((uri) => this.loadFile(this.fileItem(uri))));
  }

  /** Runs the tests of the files whose names start like the pipeline's, optionally only those naming a layer. */
  async runForPipeline(pipeline: vscode.Uri, layer: string | undefined): Promise<void> {
    await this.discoverAll();
    const stem = path.basename(pipeline.fsPath).replace(/\.pipeline\.ts$/, '');
    const files: vscode.TestItem[] = [];
    this.controller.items.forEach((item) => {
      if (path.basename(item.uri?.fsPath ?? '').startsWith(stem)) files.push(item);
    });
    if (files.length === 0) throw new Error(`no test file named ${stem}*.test.ts; "Turn the Last Replay into a Test" makes one`);
    const include: vscode.TestItem[] = [];
    if (layer) {
      for (const file of files) file.children.forEach((child) => child.label.includes(layer) && include.push(child));
    }
    await this.run(new vscode.TestRunRequest(include.length > 0 ? include : files), new vscode.CancellationTokenSource().token);
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private fileItem(uri: vscode.Uri): vscode.TestItem {
    const existing = this.controller.items.get(uri.toString());
    if (existing) return existing;
    const item = this.controller.createTestItem(uri.toString(), vscode.workspace.asRelativePath(uri), uri);
    item.canResolveChildren = true;
    this.controller.items.add(item);
    return item;
  }

  private async loadFile(file: vscode.TestItem): Promise<void> {
    if (!file.uri) return;
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(file.uri));
    const children: vscode.TestItem[] = [];
    const byPath = new Map<string, vscode.TestItem>();
    for (const test of findTests(text)) {
      const key = [...test.parents, test.name].join(' › ');
      const item = this.controller.createTestItem(`${file.id}#${key}`, test.name, file.uri);
      item.range = new vscode.Range(test.line, 0, test.line, 0);
      const parent = byPath.get(test.parents.join(' › '));
      if (parent) parent.children.add(item);
      else children.push(item);
      byPath.set(key, item);
    }
    file.children.replace(children);
  }

  private async run(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showErrorMessage('Medallion: tests run code from this workspace, so they do not run until you trust it.');
      return;
    }
    const run = this.controller.createTestRun(request);
    const queue = new Map<string, { file: vscode.TestItem; only: Set<vscode.TestItem> | undefined }>();
    const add = (item: vscode.TestItem) => {
      const file = this.controller.items.get(item.uri!.toString());
      if (!file) return;
      const entry = queue.get(file.id) ?? { file, only: file === item ? undefined : new Set() };
      if (file === item) entry.only = undefined;
      else entry.only?.add(item);
      queue.set(file.id, entry);
    };
    if (request.include) request.include.forEach(add);
    else this.controller.items.forEach(add);
    for (const { file, only } of queue.values()) {
      if (token.isCancellationRequested) break;
      await this.runFile(run, file, only, token);
    }
    run.end();
  }

  private async runFile(run: vscode.TestRun, file: vscode.TestItem, only: Set<vscode.TestItem> | undefined, token: vscode.CancellationToken): Promise<void> {
    await this.loadFile(file);
    const items = new Map<string, vscode.TestItem>();
    const walk = (item: vscode.TestItem, parents: string[]) => {
      const key = [...parents, item.label].join(' › ');
      items.set(key, item);
      run.started(item);
      item.children.forEach((child) => walk(child, [...parents, item.label]));
    };
    file.children.forEach((child) => walk(child, []));
    const args = ['--import', 'tsx', '--test', '--test-reporter=tap'];
    if (only && only.size > 0) args.push('--test-name-pattern', [...only].map((i) => escapeRegExp(i.label)).join('|'));
    args.push(file.uri!.fsPath);
    const cwd = vscode.workspace.getWorkspaceFolder(file.uri!)?.uri.fsPath ?? path.dirname(file.uri!.fsPath);
    this.ctx.output.appendLine(`$ node ${args.join(' ')}`);
    const output = await runNode(args, cwd, token);
    run.appendOutput(output.replace(/\n/g, '\r\n'));
    const results = parseTap(output);
    const seen = new Set<vscode.TestItem>();
    for (const result of results) {
      const item = items.get(result.path.join(' › '));
      if (!item) continue;
      seen.add(item);
      report(run, item, result);
    }
    for (const item of items.values()) {
      if (!seen.has(item)) run.skipped(item);
    }
    if (results.length === 0) {
      const message = new vscode.TestMessage(`the test file did not run:\n${output.slice(-2000)}`);
      run.errored(file, message);
    }
  }
}

function report(run: vscode.TestRun, item: vscode.TestItem, result: TapResult): void {
  if (result.skipped) run.skipped(item);
  else if (result.ok) run.passed(item, result.durationMs);
  else {
    const message = new vscode.TestMessage(result.message ?? 'failed');
    if (result.location) {
      const file = result.location.file.startsWith('file://') ? vscode.Uri.parse(result.location.file) : vscode.Uri.file(result.location.file);
      message.location = new vscode.Location(file, new vscode.Position(result.location.line - 1, result.location.column - 1));
    }
    run.failed(item, message, result.durationMs);
  }
}

export function runNode(args: string[], cwd: string, token: vscode.CancellationToken, extraEnv: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve) => {
    // NODE_TEST_CONTEXT would make the child report to a parent runner instead of printing TAP.
    const { NODE_TEST_CONTEXT: _ignored, ...env } = process.env;
    const child = spawn(process.execPath, args, { cwd, env: { ...env, ...extraEnv, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: string[] = [];
    let size = 0;
    const keep = (chunk: Buffer) => {
      // Output is kept up to 4 MiB: a runaway test must not fill the extension host's memory.
      if (size < 4 << 20) chunks.push(chunk.toString('utf8'));
      size += chunk.length;
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const cancel = token.onCancellationRequested(() => child.kill('SIGTERM'));
    child.on('error', (error) => chunks.push(`could not start node: ${error.message}\n`));
    child.on('close', () => {
      cancel.dispose();
      resolve(chunks.join(''));
    });
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
