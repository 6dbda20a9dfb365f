// The Topics view: topics grouped by layer (bronze, silver, gold, other) with record counts that
// update while the view is visible, and each layer topic's side outputs beneath it.
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { SIDE_OUTPUTS, type GroupedTopic, type SideOutput } from '../kafka/topic-groups';
import type { Tier } from '../pipelines/pipeline-file';

type Node =
  | { kind: 'message'; text: string }
  | { kind: 'group'; tier: Tier | 'other'; topics: GroupedTopic[] }
  | { kind: 'topic'; topic: GroupedTopic }
  | { kind: 'side'; side: SideOutput; topic: string; records: number };

const TIER_ICONS: Record<Tier | 'other', string> = { bronze: 'circle-large-outline', silver: 'circle-large', gold: 'star-full', other: 'list-unordered' };
const SIDE_LABELS: Record<SideOutput, string> = { late: 'late', quarantine: 'quarantine', dead_letter: 'dead letters' };

export function createTopicsTree(ctx: Ctx): vscode.Disposable[] {
  const changed = new vscode.EventEmitter<void>();
  const provider: vscode.TreeDataProvider<Node> = {
    onDidChangeTreeData: changed.event,
    getTreeItem: treeItem,
    getChildren: (node) => children(ctx, node),
  };
  const view = vscode.window.createTreeView('medallion.topics', { treeDataProvider: provider });
  let watching: vscode.Disposable | undefined;
  const follow = () => {
    if (view.visible && !watching) watching = ctx.topics.watch();
    if (!view.visible && watching) {
      watching.dispose();
      watching = undefined;
    }
  };
  follow();
  return [
    changed,
    view,
    view.onDidChangeVisibility(follow),
    ctx.topics.onDidChange(() => changed.fire()),
    ctx.sandbox.onDidChange(() => void ctx.topics.refresh()),
    new vscode.Disposable(() => watching?.dispose()),
  ];
}

function children(ctx: Ctx, node: Node | undefined): Node[] {
  if (!node) {
    const snapshot = ctx.topics.snapshot;
    if (snapshot.kind === 'unavailable') return [{ kind: 'message', text: `No topics: ${snapshot.reason}` }];
    const tiers: (Tier | 'other')[] = ['bronze', 'silver', 'gold', 'other'];
    return tiers.filter((tier) => snapshot.groups[tier].length > 0).map((tier) => ({ kind: 'group', tier, topics: snapshot.groups[tier] }));
  }
  if (node.kind === 'group') return node.topics.map((topic) => ({ kind: 'topic', topic }));
  if (node.kind === 'topic') {
    return SIDE_OUTPUTS.flatMap((side) => {
      const t = node.topic.sideOutputs[side];
      return t ? [{ kind: 'side' as const, side, topic: t.topic, records: t.records }] : [];
    });
  }
  return [];
}

function treeItem(node: Node): vscode.TreeItem {
  switch (node.kind) {
    case 'message':
      return new vscode.TreeItem(node.text);
    case 'group': {
      const total = node.topics.reduce((s, t) => s + t.records, 0);
      const item = new vscode.TreeItem(node.tier, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `group:${node.tier}`;
      item.description = `${node.topics.length} topics, ${total} records`;
      item.iconPath = new vscode.ThemeIcon(TIER_ICONS[node.tier]);
      return item;
    }
    case 'topic': {
      const hasSides = Object.keys(node.topic.sideOutputs).length > 0;
      const item = new vscode.TreeItem(node.topic.topic, hasSides ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
      item.id = `topic:${node.topic.topic}`;
      item.description = `${node.topic.records} records`;
      item.tooltip = `${node.topic.topic}: ${node.topic.records} records in ${node.topic.partitions} partitions`;
      item.contextValue = 'topic';
      item.command = { command: 'medallion.query.layer', title: 'Query', arguments: [node.topic.topic] };
      return item;
    }
    case 'side': {
      const item = new vscode.TreeItem(SIDE_LABELS[node.side]);
      item.id = `side:${node.topic}`;
      item.description = `${node.records} records`;
      item.tooltip = node.topic;
      item.iconPath = new vscode.ThemeIcon(node.side === 'dead_letter' ? 'bug' : node.side === 'late' ? 'watch' : 'warning');
      return item;
    }
  }
}
