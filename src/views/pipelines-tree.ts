// The Pipelines view: the workspace's pipeline files, each with its layers, the run's state and,
// per layer, records, throughput and side-output counts from the running pipeline's metrics.
import path from 'node:path';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import type { PipelineEntry } from '../pipelines/pipeline-catalog';
import type { LayerLocation } from '../pipelines/pipeline-file';
import type { PipelineRun } from '../pipelines/pipeline-runs';
import type { LayerMetrics } from '../pipelines/run-output';

type Node = { kind: 'pipeline'; entry: PipelineEntry } | { kind: 'layer'; entry: PipelineEntry; layer: LayerLocation };

export function createPipelinesTree(ctx: Ctx): vscode.Disposable[] {
  const changed = new vscode.EventEmitter<void>();
  const provider: vscode.TreeDataProvider<Node> = {
    onDidChangeTreeData: changed.event,
    getTreeItem: (node) => treeItem(ctx, node),
    getChildren: async (node) => {
      if (!node) {
        await ctx.catalog.ready();
        return ctx.catalog.all().map((entry) => ({ kind: 'pipeline' as const, entry }));
      }
      if (node.kind === 'pipeline') return node.entry.outline.layers.map((layer) => ({ kind: 'layer' as const, entry: node.entry, layer }));
      return [];
    },
  };
  const view = vscode.window.createTreeView('medallion.pipelines', { treeDataProvider: provider });
  const refresh = () => changed.fire();
  return [changed, view, ctx.catalog.onDidChange(refresh), ctx.runs.onDidChange(refresh), ctx.topics.onDidChange(refresh)];
}

function treeItem(ctx: Ctx, node: Node): vscode.TreeItem {
  const run = ctx.runs.get(node.entry.uri);
  if (node.kind === 'pipeline') {
    const name = node.entry.outline.name ?? path.basename(node.entry.uri.fsPath, '.pipeline.ts');
    const item = new vscode.TreeItem(name, vscode.TreeItemCollapsibleState.Expanded);
    item.id = `pipeline:${node.entry.uri.toString()}`;
    item.resourceUri = node.entry.uri;
    item.description = runDescription(run);
    item.contextValue = run?.state.kind === 'running' ? 'pipeline-running' : 'pipeline-stopped';
    item.iconPath = new vscode.ThemeIcon(run?.state.kind === 'running' ? 'sync~spin' : run?.state.kind === 'failed' ? 'error' : 'symbol-event');
    item.command = { command: 'vscode.open', title: 'Open', arguments: [node.entry.uri] };
    return item;
  }
  const item = new vscode.TreeItem(node.layer.name);
  item.id = `layer:${node.entry.uri.toString()}:${node.layer.name}`;
  item.description = layerDescription(node.layer.tier, run?.metrics.get(node.layer.name), ctx.topics.count(node.layer.topic));
  item.tooltip = `${node.layer.tier} layer, topic ${node.layer.topic}`;
  item.iconPath = new vscode.ThemeIcon(node.layer.tier === 'gold' ? 'star-full' : node.layer.tier === 'silver' ? 'circle-large' : 'circle-large-outline');
  item.command = { command: 'vscode.open', title: 'Go to layer', arguments: [node.entry.uri, { selection: new vscode.Range(node.layer.line, 0, node.layer.line, 0) }] };
  return item;
}

function runDescription(run: PipelineRun | undefined): string {
  switch (run?.state.kind) {
    case undefined:
    case 'idle':
      return 'not run';
    case 'running':
      return run.state.caughtUp ? 'running, caught up' : 'running';
    case 'stopped':
      return 'stopped';
    case 'failed':
      return `failed: ${run.state.reason}`;
  }
}

/** A layer's records: what a bronze source read, what another layer wrote; else its topic's count. */
export function layerRecords(tier: string, metrics: LayerMetrics | undefined, topicRecords: number | undefined): number | undefined {
  if (!metrics) return topicRecords;
  return tier === 'bronze' ? metrics.recordsIn : metrics.recordsOut;
}

/** One line per layer: its tier, records, throughput and side outputs. */
export function layerDescription(tier: string, metrics: LayerMetrics | undefined, topicRecords: number | undefined): string {
  const parts = [tier];
  const records = layerRecords(tier, metrics, topicRecords);
  if (records !== undefined) parts.push(`${records} records`);
  if (metrics?.ratePerSec !== undefined) parts.push(`${Math.round(metrics.ratePerSec)}/s`);
  if (metrics?.quarantined) parts.push(`${metrics.quarantined} quarantined`);
  if (metrics?.late) parts.push(`${metrics.late} late`);
  if (metrics?.deadLetters) parts.push(`${metrics.deadLetters} dead letters`);
  return parts.join(' · ');
}
