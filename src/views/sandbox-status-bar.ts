// The status-bar item that shows whether the sandbox runs, and where, or which external cluster is used.
import * as vscode from 'vscode';
import type { SandboxProcess, SandboxState } from '../sandbox/sandbox-process';
import { externalKafka } from '../settings';

export function createSandboxStatusBar(sandbox: SandboxProcess): vscode.Disposable[] {
  const item = vscode.window.createStatusBarItem('medallion.sandbox', vscode.StatusBarAlignment.Left, 50);
  item.name = 'Medallion Sandbox';
  const render = (state: SandboxState) => {
    void vscode.commands.executeCommand('setContext', 'medallion.sandboxRunning', state.kind === 'running');
    const external = externalKafka().bootstrapServers;
    item.tooltip = undefined;
    if (external.length > 0) {
      item.text = `$(cloud) Kafka ${external[0]}${external.length > 1 ? ` +${external.length - 1}` : ''}`;
      item.tooltip = 'Medallion uses an external Kafka cluster. Click to go back to the local sandbox.';
      item.command = 'medallion.connection.useSandbox';
      return;
    }
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
  return [
    item,
    sandbox.onDidChange(render),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('medallion.kafka') && render(sandbox.state)),
  ];
}
