/**
 * Integration tests of the extension's API surface in a desktop VS Code (run by
 * run-vscode-tests.mjs through @vscode/test-electron). VS Code calls run(); each check throws on
 * failure, and every check runs even when an earlier one failed, so one run reports them all.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
// eslint-disable-next-line no-restricted-imports -- these tests run inside VS Code and drive its API.
import * as vscode from 'vscode';

const EXTENSION_ID = 'medallion.medallion-studio';

async function until<T>(read: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const checks: [string, () => Promise<void>][] = [
  ['activates on the samples workspace and registers every command of its manifest', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    await extension.activate();
    const manifest = extension.packageJSON as { contributes: { commands: { command: string }[] } };
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const { command } of manifest.contributes.commands) assert.ok(registered.has(command), `${command} is registered`);
  }],
  ['reports an activation time under 100 ms', async () => {
    const ms = await vscode.commands.executeCommand<number>('medallion.showActivationTime');
    assert.ok(typeof ms === 'number' && ms < 100, `activation took ${ms} ms`);
  }],
  ['offers Run, Replay, Inspect and Test lenses over the layers of shop.pipeline.ts', async () => {
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    const file = vscode.Uri.joinPath(folder, 'shop.pipeline.ts');
    await vscode.window.showTextDocument(file);
    const lenses = await until(async () => {
      const found = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', file);
      return found && found.length > 0 ? found : undefined;
    }, 'CodeLens');
    const titles = new Set(lenses.map((l) => l.command?.title.replace(/^\$\([^)]+\)\s*/, '')));
    for (const title of ['Run', 'Replay', 'Re-run', 'Inspect', 'Test']) assert.ok(titles.has(title), `a ${title} lens`);
    const layerCalls = readFileSync(file.fsPath, 'utf8').match(/\bp\.(bronze|silver|gold)\(/g)!.length;
    assert.equal(lenses.filter((l) => l.command?.title.endsWith('Inspect')).length, layerCalls);
  }],
  ['starts the sandbox, replays the samples and stops the sandbox', async () => {
    const settings = vscode.workspace.getConfiguration('medallion.sandbox');
    await settings.update('port', 0, vscode.ConfigurationTarget.Workspace);
    await settings.update('dataDir', path.join(tmpdir(), `medallion-vscode-test-${process.pid}`), vscode.ConfigurationTarget.Workspace);
    try {
      await vscode.commands.executeCommand('medallion.sandbox.start');
      const folder = vscode.workspace.workspaceFolders![0]!.uri;
      await vscode.commands.executeCommand('medallion.replay.sample', vscode.Uri.joinPath(folder, 'data', 'orders.ndjson'));
    } finally {
      await vscode.commands.executeCommand('medallion.sandbox.stop');
      await settings.update('port', undefined, vscode.ConfigurationTarget.Workspace);
      await settings.update('dataDir', undefined, vscode.ConfigurationTarget.Workspace);
    }
  }],
];

export async function run(): Promise<void> {
  const failures: string[] = [];
  for (const [name, check] of checks) {
    try {
      await check();
      console.log(`ok - ${name}`);
    } catch (error) {
      failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      console.log(`not ok - ${name}\n  ${failures.at(-1)}`);
    }
  }
  console.log(`${checks.length - failures.length} passed, ${failures.length} failed`);
  if (failures.length > 0) throw new Error(failures.join('\n'));
}
