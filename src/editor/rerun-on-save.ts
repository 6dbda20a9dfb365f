/**
 * After a pipeline has run, saving its file re-runs the first changed layer and everything
 * downstream (`medallion rerun --from-layer`), and shows how each layer's output differs from the
 * previous run. The text as last run is remembered per file so the changed layer can be found.
 */
import path from 'node:path';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { isPipelineFile } from '../pipelines/pipeline-catalog';
import { firstChangedLayer, outlinePipeline } from '../pipelines/pipeline-file';
import { rerunOnSave } from '../settings';

export function registerRerunOnSave(ctx: Ctx): vscode.Disposable[] {
  const lastRunText = new Map<string, string>();
  let unsupported = false;
  const remember = async (uri: vscode.Uri) => {
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()) ?? (await vscode.workspace.openTextDocument(uri));
    lastRunText.set(uri.toString(), document.getText());
  };
  return [
    ctx.runs.onDidChange((run) => {
      if (run.state.kind === 'running' && !lastRunText.has(run.file.toString())) void remember(run.file);
    }),
    vscode.workspace.onDidSaveTextDocument(async (document) => {
      if (unsupported || !isPipelineFile(document.uri) || !rerunOnSave() || !vscode.workspace.isTrusted) return;
      const before = lastRunText.get(document.uri.toString());
      if (before === undefined) return;
      const after = document.getText();
      const changed = firstChangedLayer(before, after);
      if (!changed) return;
      const layer = changed === '*' ? outlinePipeline(after).layers[0]?.name : changed;
      if (!layer) return;
      lastRunText.set(document.uri.toString(), after);
      if ((await showRerun(ctx, document.uri, layer)) === 'unsupported') unsupported = true;
    }),
  ];
}

/** Shows a re-run's difference; 'unsupported' when the CLI has no `rerun` command. */
export async function showRerun(ctx: Ctx, file: vscode.Uri, layer: string): Promise<'shown' | 'unsupported'> {
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Re-running ${layer} and downstream`, cancellable: true },
    (_progress, token) => ctx.runs.rerun(file, layer, token),
  );
  if (result.code !== 0 && result.text.some((l) => l.includes("unknown command 'rerun'"))) {
    void vscode.window.showInformationMessage('Medallion: re-running a layer needs `medallion rerun`, which this build of the CLI does not have yet.');
    return 'unsupported';
  }
  const lines = [`# Re-run of ${path.basename(file.fsPath)} from ${layer}`, ''];
  if (result.diffs.length > 0) {
    lines.push('| layer | added | removed | changed |', '|---|---:|---:|---:|');
    for (const d of result.diffs) lines.push(`| ${d.layer} | ${d.added} | ${d.removed} | ${d.changed} |`);
    lines.push('');
  }
  if (result.text.length > 0) lines.push('```', ...result.text, '```');
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: lines.join('\n') });
  await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
  if (result.code !== 0) void vscode.window.showWarningMessage(`Medallion: the re-run from ${layer} exited with code ${result.code}; see the output.`);
  return 'shown';
}
