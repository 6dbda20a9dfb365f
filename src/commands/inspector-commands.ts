// Open the inspector, and query a layer: materialize its topic into the DuckDB warehouse, then run
// SQL on it. DuckDB runs in `medallion` child processes, never in the extension host.
import * as vscode from 'vscode';
import { CliCommand } from '../cli/cli-process';
import type { Ctx } from '../ctx';
import { bootstrapOf, connectionEnv } from '../kafka/connection';
import { InspectorPanel, type InspectorPageSource } from '../panels/inspector-panel';
import { primaryFolder, warehouseFile } from '../settings';
import { tableBaseName } from '../../sandbox/warehouse/sql-names';
import type { CommandTable } from './run-command';

/**
 * The inspector page and bundle. `inspectorPageHtml` (sandbox/inspector/page-html.ts) and the
 * bundle in dist/webview/ are built by the inspector's own work; until they are part of this build
 * the command says so instead of showing an empty panel.
 */
export let inspectorPage: ((extensionUri: vscode.Uri) => InspectorPageSource) | undefined;

export function setInspectorPage(source: typeof inspectorPage): void {
  inspectorPage = source;
}

const URL_IN_LINE = /\b(wss?|https?):\/\/(127\.0\.0\.1|localhost|\[::1\]|[\w.-]+):(\d+)(\/\S*)?/;

export function inspectorCommands(ctx: Ctx): CommandTable {
  let server: CliCommand | undefined;
  let wsUrl: string | undefined;
  const ensureServer = async (): Promise<string> => {
    if (server && wsUrl && server.child.exitCode === null) return wsUrl;
    const db = warehouseFile(primaryFolder());
    const lines: string[] = [];
    const found = new Promise<string>((resolve, reject) => {
      server = new CliCommand(ctx.cliPath, ['inspect', '--warehouse', db, '--port', '0'], {
        cwd: primaryFolder().fsPath,
        onStdout: (line) => {
          ctx.output.appendLine(line);
          const match = URL_IN_LINE.exec(line);
          if (match) resolve(match[1]!.startsWith('ws') ? match[0] : `ws://${match[2]}:${match[3]}${match[4] ?? '/'}`);
        },
        onStderr: (line) => {
          ctx.output.appendLine(line);
          lines.push(line);
        },
      });
      void server.done.then((r) => reject(new Error(`medallion inspect exited (${r.code ?? r.signal}): ${lines.at(-1) ?? ''}`)));
    });
    wsUrl = await found;
    return wsUrl;
  };
  ctx.track(new vscode.Disposable(() => server?.cancel(500)));

  const openInspector = async () => {
    ctx.requireTrust('The inspector');
    if (!inspectorPage) throw new Error('the inspector page is not part of this build yet (sandbox/inspector and dist/webview/)');
    const url = await ensureServer();
    await InspectorPanel.create(inspectorPage(ctx.extension.extensionUri), url, (reason) => ctx.output.appendLine(`inspector relay closed: ${reason}`));
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
      const connection = await ctx.connection();
      const db = warehouseFile(primaryFolder());
      const output = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Querying ${topic}`, cancellable: true }, async (progress, token) => {
        progress.report({ message: 'materializing the topic into the warehouse' });
        const materialize = await runCli(ctx, ['warehouse', 'materialize', '--bootstrap', bootstrapOf(connection), '--topics', topic, '--db', db, '--exit-when-idle'], token, connectionEnv(connection));
        if (materialize.code !== 0) throw new Error(`materializing ${topic} failed: ${materialize.lines.at(-1) ?? ''}`);
        progress.report({ message: 'running the query' });
        const query = await runCli(ctx, ['query', sql, '--db', db, '--format', 'json'], token);
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

async function runCli(ctx: Ctx, args: string[], token: vscode.CancellationToken, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string[]; lines: string[] }> {
  ctx.output.appendLine(`$ medallion ${args.join(' ')}`);
  const stdout: string[] = [];
  const lines: string[] = [];
  const command = new CliCommand(ctx.cliPath, args, {
    cwd: primaryFolder().fsPath,
    token,
    env,
    onStdout: (line) => stdout.push(line),
    onStderr: (line) => {
      ctx.output.appendLine(line);
      lines.push(line);
    },
  });
  const result = await command.done;
  return { code: result.code, stdout, lines };
}
