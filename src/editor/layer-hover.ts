// Hovers over a layer's call in a pipeline file: its topic, live record count, throughput and
// side-output counts, read from the running pipeline and from Kafka.
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { layerDescription } from '../views/pipelines-tree';

export function registerLayerHover(ctx: Ctx): vscode.Disposable[] {
  return [
    vscode.languages.registerHoverProvider({ language: 'typescript', pattern: '**/*.pipeline.ts' }, {
      provideHover(document, position) {
        const layer = ctx.catalog.outlineOf(document).layers.find((l) => l.line === position.line);
        if (!layer) return undefined;
        const metrics = ctx.runs.get(document.uri)?.metrics.get(layer.name);
        const topicCount = ctx.topics.count(layer.topic);
        const md = new vscode.MarkdownString(undefined, true);
        md.appendMarkdown(`**${layer.tier} layer \`${layer.name}\`** → topic \`${layer.topic}\`\n\n`);
        md.appendMarkdown(layerDescription(layer.tier, metrics, topicCount));
        const snapshot = ctx.topics.snapshot;
        if (snapshot.kind === 'counts') {
          for (const side of ['quarantine', 'late', 'dead_letter']) {
            const count = ctx.topics.count(`${layer.topic}.${side}`);
            if (count !== undefined) md.appendMarkdown(`\n\n${side.replace('_', ' ')}: ${count}`);
          }
        } else {
          md.appendMarkdown(`\n\n_No live counts: ${snapshot.reason}_`);
        }
        return new vscode.Hover(md);
      },
    }),
  ];
}
