// Activation is wiring only: each feature registers its own commands and views.
import path from 'node:path';
import * as vscode from 'vscode';
import { registerSandboxCommands } from './commands/sandbox-commands';
import { SandboxProcess } from './sandbox/sandbox-process';
import { createSandboxStatusBar } from './views/sandbox-status-bar';

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('Medallion');
  const sandbox = new SandboxProcess(path.join(context.extensionPath, 'dist', 'cli.js'), output);
  context.subscriptions.push(output, sandbox, ...registerSandboxCommands(sandbox), ...createSandboxStatusBar(sandbox));
}

export function deactivate(): void {}
