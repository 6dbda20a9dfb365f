// The status-bar item that shows whether the sandbox runs, and where.
import * as vscode from 'vscode';
import type { SandboxProcess, SandboxState } from '../sandbox/sandbox-process';

export function createSandboxStatusBar(sandbox: SandboxProcess): vscode.Disposable[] {
  const item = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 50);
  const render = (state: SandboxState) => {
    switch (state.kind) {
      case 'stopped':
        item.text = '$(debug-stop) Sandbox stopped';
        item.command = 'medallion.sandbox.start';
        break;
      case 'starting':
        item.text = '$(sync~spin) Sandbox starting';
        item.command = undefined;
        break;
      case 'running':
        item.text = `$(broadcast) Sandbox ${state.bootstrap}`;
        item.command = 'medallion.sandbox.stop';
        break;
      case 'failed':
        item.text = '$(error) Sandbox failed';
        item.tooltip = state.reason;
        item.command = 'medallion.sandbox.start';
        break;
    }
  };
  render(sandbox.state);
  item.show();
  return [item, sandbox.onDidChange(render)];
}
