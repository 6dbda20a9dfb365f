// Test a layer from its CodeLens, and turn the last replayed session into a test file.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { runNode, type PipelineTests } from '../testing/test-controller';
import { parseTap } from '../testing/tap-results';
import { replaySessionTestSource, UPDATE_SNAPSHOTS_ENV } from '../testing/replay-test';
import { pipelineFile } from './pipeline-commands';
import type { CommandTable } from './run-command';

export function testCommands(ctx: Ctx, tests: PipelineTests): CommandTable {
  return {
    'medallion.layer.test': async (file?: vscode.Uri, layer?: string) => {
      ctx.requireTrust('Testing a layer');
      const uri = await pipelineFile(ctx, file);
      if (uri) await tests.runForPipeline(uri, layer);
    },
    'medallion.tests.fromReplay': async () => {
      ctx.requireTrust('Making a test from a replay');
      const session = ctx.lastReplay;
      if (!session) throw new Error('replay a sample first ("Replay a Sample…"), then run the pipeline on it');
      const uri = await pipelineFile(ctx, undefined);
      if (!uri) return;
      await ctx.catalog.ready();
      const layers = ctx.catalog.get(uri)?.outline.layers ?? [];
      const source = await stat(session.source);
      const replayedFiles = source.isDirectory()
        ? (await vscode.workspace.fs.readDirectory(vscode.Uri.file(session.source))).filter(([name]) => /\.(ndjson|jsonl)$/.test(name)).map(([name]) => path.join(session.source, name))
        : [session.source];
      const at = new Date(session.at);
      const stem = path.basename(uri.fsPath).replace(/\.pipeline\.ts$/, '');
      const testFile = path.join(path.dirname(uri.fsPath), `${stem}.replay-${at.toISOString().slice(0, 19).replace(/[-:T]/g, '')}.test.ts`);
      const text = replaySessionTestSource({ pipelineFile: uri.fsPath, replayedFiles, layers, topicRecords: session.topicRecords, at }, testFile);
      await vscode.workspace.fs.writeFile(vscode.Uri.file(testFile), new TextEncoder().encode(text));
      await vscode.window.showTextDocument(vscode.Uri.file(testFile));
      // The snapshot is recorded by running the new test once, in its own process.
      const cwd = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? path.dirname(uri.fsPath);
      const output = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Recording the test snapshot', cancellable: true }, (_p, token) =>
        runNode(['--import', 'tsx', '--test', '--test-reporter=tap', testFile], cwd, token, { [UPDATE_SNAPSHOTS_ENV]: '1' }),
      );
      ctx.output.appendLine(output);
      const recorded = parseTap(output);
      if (recorded.length === 0 || recorded.some((r) => !r.ok)) throw new Error(`the new test did not run cleanly; see the Medallion output. ${recorded.find((r) => !r.ok)?.message ?? ''}`);
      await tests.discoverAll();
      void vscode.window.showInformationMessage(`Medallion: made ${path.basename(testFile)} with its snapshot; it is in the Test Explorer.`);
    },
  };
}
