// Replay sample files into Kafka topics, with a picker and a progress notification whose Cancel
// stops the replay after the batch in flight (the CLI's SIGINT handling).
import path from 'node:path';
import * as vscode from 'vscode';
import { CliCommand } from '../cli/cli-process';
import type { Ctx } from '../ctx';
import { cliConnection } from '../kafka/connection';
import { primaryFolder, replayDefaults } from '../settings';
import type { CommandTable } from './run-command';

const SAMPLE_FILES = '**/*.{ndjson,jsonl,csv}';
const EXCLUDE = '{**/node_modules/**,**/.medallion/**,**/expected/**,**/test-artifacts/**}';

interface SamplePick extends vscode.QuickPickItem {
  source: vscode.Uri;
}

export function replayCommands(ctx: Ctx): CommandTable {
  return {
    'medallion.replay.sample': async (topicOrUri?: string | vscode.Uri) => {
      ctx.requireTrust('Replaying samples');
      const source = topicOrUri instanceof vscode.Uri ? topicOrUri : await pickSample(typeof topicOrUri === 'string' ? topicOrUri : undefined);
      if (!source) return;
      await replay(ctx, source);
    },
  };
}

async function pickSample(topic: string | undefined): Promise<vscode.Uri | undefined> {
  const files = await vscode.workspace.findFiles(SAMPLE_FILES, EXCLUDE, 500);
  if (topic) {
    const match = files.find((f) => path.basename(f.fsPath).replace(/\.(ndjson|jsonl|csv)$/, '') === topic);
    if (match) return match;
  }
  const folders = [...new Set(files.map((f) => path.dirname(f.fsPath)))].sort();
  const root = primaryFolder().fsPath;
  const picks: SamplePick[] = [
    ...folders.map((folder) => ({ label: `$(folder) ${path.relative(root, folder) || '.'}`, description: 'every stream in the folder', source: vscode.Uri.file(folder) })),
    ...files.map((file) => ({ label: `$(file) ${path.basename(file.fsPath)}`, description: path.relative(root, path.dirname(file.fsPath)), source: file })),
  ];
  if (picks.length === 0) throw new Error('no sample files (.ndjson, .jsonl, .csv) in this workspace; `medallion samples generate` makes some');
  const picked = await vscode.window.showQuickPick(picks, { title: 'Replay a sample', placeHolder: topic ? `no file is named ${topic}; pick one` : 'Pick a folder of streams or one file', matchOnDescription: true });
  return picked?.source;
}

async function replay(ctx: Ctx, source: vscode.Uri): Promise<void> {
  const connection = await ctx.connection();
  const defaults = replayDefaults();
  const { args: connectionArgs, env } = cliConnection(connection, 'replay');
  const args = ['replay', source.fsPath, ...connectionArgs];
  if (defaults.speed) args.push('--speed', String(defaults.speed));
  if (defaults.loop) args.push('--loop');
  if (defaults.topicPrefix) args.push('--topic-prefix', defaults.topicPrefix);
  ctx.output.appendLine(`$ medallion ${args.join(' ')}`);
  const lines: string[] = [];
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Replaying ${path.basename(source.fsPath)}`, cancellable: true },
    async (progress, token) => {
      const command = new CliCommand(ctx.cliPath, args, {
        cwd: primaryFolder().fsPath,
        token,
        env,
        onStdout: (line) => {
          ctx.output.appendLine(line);
          lines.push(line);
          progress.report({ message: line.slice(0, 120) });
        },
        onStderr: (line) => {
          ctx.output.appendLine(line);
          lines.push(line);
        },
      });
      const watching = ctx.topics.watch();
      try {
        return await command.done;
      } finally {
        watching.dispose();
      }
    },
  );
  const snapshot = await ctx.topics.refresh();
  if (snapshot.kind === 'counts') {
    ctx.lastReplay = { source: source.fsPath, topicRecords: Object.fromEntries(snapshot.topics.map((t) => [t.topic, t.records])), at: Date.now() };
  }
  const summary = lines.filter((l) => /records/.test(l)).at(-1) ?? lines.at(-1) ?? '';
  if (result.cancelled) void vscode.window.showWarningMessage(`Medallion: replay cancelled. ${summary}`);
  else if (result.code !== 0) throw new Error(`replay failed: ${lines.at(-1) ?? `exit code ${result.code}`}`);
  else void vscode.window.showInformationMessage(`Medallion: replayed ${summary}`);
}
