// Open the inspector, and query a layer: materialize its topic into the DuckDB warehouse, then run
// SQL on it. DuckDB runs in `medallion` child processes, never in the extension host.
import * as vscode from 'vscode';
import { CliCommand } from '../cli/cli-process';
import type { Ctx } from '../ctx';
import type { InspectorHost } from '../panels/inspector-host';
import { primaryFolder, warehouseFile } from '../settings';
import { tableBaseName } from '../../sandbox/warehouse/sql-names';
import type { CommandTable } from './run-command';

export function inspectorCommands(ctx: Ctx, inspector: InspectorHost): CommandTable {
  const openInspector = async () => {
    ctx.requireTrust('The inspector');
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Opening the inspector', cancellable: true }, async (progress, token) => {
      progress.report({ message: 'materializing the topics into the warehouse' });
      await inspector.open(token);
    });
  };
  return {
    'medallion.inspector.open': openInspector,
    'medallion.layer.inspect': async () => openInspector(),
    'medallion.query.layer': async (topicArg?: string) => {
      ctx.requireTrust('Querying a layer');
      const topic = topicArg ?? (await pickTopic(ctx));
      if (!topic) return;
      const sql = await vscode.window.showInputBox({ title: `Query ${topic}`, prompt: 'SQL (DuckDB)', value: `SELECT * FROM ${tableBaseName(topic)} LIMIT 100` });
      if (!sql) return;
      const output = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Querying ${topic}`, cancellable: true }, async (progress, token) => {
        progress.report({ message: 'materializing the topic into the warehouse' });
        await inspector.materialize([topic], token);
        progress.report({ message: 'running the query' });
        const query = await runQuery(ctx, sql, token);
        if (query.code !== 0) throw new Error(query.lines.join('\n') || `query exited with ${query.code}`);
        return query.stdout.join('\n');
      });
      const document = await vscode.workspace.openTextDocument({ language: 'json', content: output });
      await vscode.window.showTextDocument(document, { preview: true });
    },
  };
}

async function pickTopic(ctx: Ctx): Promise<string | undefined> {
  await ctx.catalog.ready();
  const snapshot = await ctx.topics.refresh();
  const layers = ctx.catalog.all().flatMap((e) => e.outline.layers.map((l) => ({ label: l.topic, description: `${l.tier} layer of ${e.outline.name ?? ''}` })));
  const topics = snapshot.kind === 'counts' ? snapshot.topics.map((t) => ({ label: t.topic, description: `${t.records} records` })) : [];
  const seen = new Set<string>();
  const items = [...topics, ...layers].filter((i) => !seen.has(i.label) && seen.add(i.label));
  return (await vscode.window.showQuickPick(items, { placeHolder: 'Which layer or topic?' }))?.label;
}

async function runQuery(ctx: Ctx, sql: string, token: vscode.CancellationToken): Promise<{ code: number | null; stdout: string[]; lines: string[] }> {
  const args = ['query', sql, '--db', warehouseFile(primaryFolder()), '--format', 'json'];
  ctx.output.appendLine(`$ medallion ${args.join(' ')}`);
  const stdout: string[] = [];
  const lines: string[] = [];
  const command = new CliCommand(ctx.cliPath, args, {
    cwd: primaryFolder().fsPath,
    token,
    onStdout: (line) => stdout.push(line),
    onStderr: (line) => {
      ctx.output.appendLine(line);
      lines.push(line);
    },
  });
  const result = await command.done;
  return { code: result.code, stdout, lines };
}
