// CodeLens over each layer of a pipeline file: Run, Replay, Inspect and Test, with the layer's
// live record count when the pipeline runs.
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { layerRecords } from '../views/pipelines-tree';

const SELECTOR: vscode.DocumentSelector = { language: 'typescript', pattern: '**/*.pipeline.ts' };

export function registerLayerCodeLens(ctx: Ctx): vscode.Disposable[] {
  const changed = new vscode.EventEmitter<void>();
  const provider: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: changed.event,
    provideCodeLenses(document) {
      const outline = ctx.catalog.outlineOf(document);
      const running = ctx.runs.isRunning(document.uri);
      return outline.layers.flatMap((layer) => {
        const range = new vscode.Range(layer.line, 0, layer.line, 0);
        const count = layerRecords(layer.tier, ctx.runs.get(document.uri)?.metrics.get(layer.name), ctx.topics.count(layer.topic));
        const lens = (title: string, command: string, args: unknown[]) => new vscode.CodeLens(range, { title, command, arguments: args });
        const lenses = [
          running
            ? lens('$(debug-stop) Stop', 'medallion.pipeline.stop', [document.uri])
            : lens('$(play) Run', 'medallion.pipeline.run', [document.uri]),
          layer.tier === 'bronze'
            ? lens('$(debug-rerun) Replay', 'medallion.replay.sample', [layer.topic])
            : lens('$(debug-rerun) Re-run', 'medallion.pipeline.rerunLayer', [document.uri, layer.name]),
          lens('$(graph) Inspect', 'medallion.layer.inspect', [layer.topic]),
          lens('$(beaker) Test', 'medallion.layer.test', [document.uri, layer.name]),
        ];
        if (count !== undefined) lenses.push(lens(`${count} records`, 'medallion.query.layer', [layer.topic]));
        return lenses;
      });
    },
  };
  return [
    changed,
    vscode.languages.registerCodeLensProvider(SELECTOR, provider),
    ctx.runs.onDidChange(() => changed.fire()),
    ctx.topics.onDidChange(() => changed.fire()),
  ];
}
