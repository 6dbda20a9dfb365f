// The Sandbox view: which Kafka the extension talks to, whether the sandbox runs and where, and the
// quarantine, late and dead-letter totals over every topic.
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { externalKafka } from '../settings';
import { sideOutputTotals } from '../kafka/topic-groups';

export function createSandboxTree(ctx: Ctx): vscode.Disposable[] {
  const changed = new vscode.EventEmitter<void>();
  const provider: vscode.TreeDataProvider<vscode.TreeItem> = {
    onDidChangeTreeData: changed.event,
    getTreeItem: (item) => item,
    getChildren: () => sandboxItems(ctx),
  };
  const view = vscode.window.createTreeView('medallion.sandbox', { treeDataProvider: provider });
  const refresh = () => changed.fire();
  return [
    changed,
    view,
    ctx.sandbox.onDidChange(refresh),
    ctx.topics.onDidChange(refresh),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('medallion') && refresh()),
    vscode.workspace.onDidGrantWorkspaceTrust(refresh),
  ];
}

function sandboxItems(ctx: Ctx): vscode.TreeItem[] {
  const items: vscode.TreeItem[] = [];
  if (!vscode.workspace.isTrusted) {
    items.push(leaf('Untrusted workspace: no user code runs', 'shield', 'Trust the workspace to start the sandbox and run pipelines.'));
  }
  const external = externalKafka();
  if (external.bootstrapServers.length > 0) {
    const item = leaf(`External cluster ${external.bootstrapServers.join(', ')}`, 'cloud', `TLS ${external.ssl ? 'on' : 'off'}, SASL ${external.saslMechanism}`);
    item.command = { command: 'medallion.connection.useSandbox', title: 'Use the Local Sandbox' };
    items.push(item);
  }
  const state = ctx.sandbox.state;
  switch (state.kind) {
    case 'stopped':
      items.push(withCommand(leaf('Sandbox stopped', 'debug-stop', 'Click to start'), 'medallion.sandbox.start'));
      break;
    case 'starting':
      items.push(leaf('Sandbox starting…', 'sync~spin'));
      break;
    case 'running':
      items.push(leaf(`Sandbox running at ${state.bootstrap}`, 'broadcast', `pid ${state.pid}`));
      break;
    case 'failed':
      items.push(withCommand(leaf(`Sandbox failed: ${state.reason}`, 'error'), 'medallion.sandbox.start'));
      break;
  }
  const snapshot = ctx.topics.snapshot;
  if (snapshot.kind === 'counts') {
    const totals = sideOutputTotals(snapshot.groups);
    items.push(leaf(`Quarantined: ${totals.quarantine}`, 'warning'));
    items.push(leaf(`Late: ${totals.late}`, 'watch'));
    items.push(leaf(`Dead letters: ${totals.dead_letter}`, 'bug'));
  }
  return items;
}

function leaf(label: string, icon: string, tooltip?: string): vscode.TreeItem {
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
  item.iconPath = new vscode.ThemeIcon(icon);
  if (tooltip) item.tooltip = tooltip;
  return item;
}

function withCommand(item: vscode.TreeItem, command: string): vscode.TreeItem {
  item.command = { command, title: String(item.label) };
  return item;
}
