// Start and stop the sandbox broker from the command palette.
import * as vscode from 'vscode';
import type { SandboxProcess } from '../sandbox/sandbox-process';
import { registerCommand } from './run-command';

export function registerSandboxCommands(sandbox: SandboxProcess): vscode.Disposable[] {
  return [
    registerCommand('medallion.sandbox.start', async () => {
      if (!vscode.workspace.isTrusted) throw new Error('the sandbox does not start in an untrusted workspace');
      const config = vscode.workspace.getConfiguration('medallion.sandbox');
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      if (!folder) throw new Error('open a folder first: the sandbox keeps its data in the workspace');
      const dataDir = vscode.Uri.joinPath(vscode.Uri.file(folder), config.get<string>('dataDir', '.medallion/kafka')).fsPath;
      const state = await sandbox.start({ port: config.get<number>('port', 9092), dataDir });
      if (state.kind === 'failed') throw new Error(state.reason);
      if (state.kind === 'running') void vscode.window.showInformationMessage(`Medallion sandbox running at ${state.bootstrap}`);
    }),
    registerCommand('medallion.sandbox.stop', () => sandbox.stop()),
  ];
}
