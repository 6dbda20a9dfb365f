// Run, stop, debug and re-run pipelines, and create new ones from a template.
import path from 'node:path';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { showRerun } from '../editor/rerun-on-save';
import { isPipelineFile } from '../pipelines/pipeline-catalog';
import { PIPELINE_TEMPLATES, validPipelineName } from '../templates/pipeline-template';
import { primaryFolder } from '../settings';
import type { CommandTable } from './run-command';

export function pipelineCommands(ctx: Ctx): CommandTable {
  return {
    'medallion.pipeline.run': async (file?: vscode.Uri) => {
      const uri = await pipelineFile(ctx, file);
      if (!uri) return;
      await saveIfDirty(uri);
      await ctx.runs.start(uri);
      void ctx.topics.refresh();
    },
    'medallion.pipeline.stop': async (file?: vscode.Uri | { entry?: { uri: vscode.Uri } }) => {
      const uri = file instanceof vscode.Uri ? file : file?.entry?.uri ?? (await pipelineFile(ctx, undefined));
      if (uri) ctx.runs.stop(uri);
    },
    'medallion.pipeline.debug': async (file?: vscode.Uri) => {
      ctx.requireTrust('Debugging a pipeline');
      const uri = await pipelineFile(ctx, file);
      if (!uri) return;
      const folder = vscode.workspace.getWorkspaceFolder(uri);
      await vscode.debug.startDebugging(folder, { type: 'medallion', request: 'launch', name: `Debug ${path.basename(uri.fsPath)}`, pipeline: uri.fsPath });
    },
    'medallion.pipeline.rerunLayer': async (file?: vscode.Uri, layer?: string) => {
      const uri = await pipelineFile(ctx, file);
      if (!uri) return;
      const name = layer ?? (await vscode.window.showQuickPick(ctx.catalog.get(uri)?.outline.layers.map((l) => l.name) ?? [], { placeHolder: 'Re-run from which layer?' }));
      if (!name) return;
      await saveIfDirty(uri);
      await showRerun(ctx, uri, name);
    },
    'medallion.pipeline.new': async () => {
      const template = await vscode.window.showQuickPick(PIPELINE_TEMPLATES.map((t) => ({ label: t.label, detail: t.detail, template: t })), { title: 'New pipeline' });
      if (!template) return;
      const name = await vscode.window.showInputBox({ title: 'New pipeline', prompt: 'Pipeline name', value: 'my_pipeline', validateInput: validPipelineName });
      if (!name) return;
      const source = await vscode.window.showInputBox({ title: 'New pipeline', prompt: 'The bronze topic it reads', value: 'events', validateInput: validPipelineName });
      if (!source) return;
      const uri = vscode.Uri.joinPath(primaryFolder(), `${name}.pipeline.ts`);
      const exists = await vscode.workspace.fs.stat(uri).then(() => true, () => false);
      if (exists) throw new Error(`${path.basename(uri.fsPath)} exists already; pick another name`);
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(template.template.render(name, source)));
      await vscode.window.showTextDocument(uri);
    },
  };
}

/** The pipeline a command acts on: its argument, the active editor's file, or the user's pick. */
export async function pipelineFile(ctx: Ctx, file: vscode.Uri | undefined): Promise<vscode.Uri | undefined> {
  if (file instanceof vscode.Uri) return file;
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && isPipelineFile(active)) return active;
  await ctx.catalog.ready();
  const all = ctx.catalog.all();
  if (all.length === 0) throw new Error('no *.pipeline.ts file in this workspace; create one with "New Pipeline from Template"');
  if (all.length === 1) return all[0]!.uri;
  const pick = await vscode.window.showQuickPick(all.map((e) => ({ label: path.basename(e.uri.fsPath), description: vscode.workspace.asRelativePath(e.uri), uri: e.uri })), { placeHolder: 'Which pipeline?' });
  return pick?.uri;
}

async function saveIfDirty(uri: vscode.Uri): Promise<void> {
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (document?.isDirty) await document.save();
}
