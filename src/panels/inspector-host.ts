/**
 * The inspector's server side for the extension: a `medallion inspect` child process over the
 * workspace's warehouse, and the panels relaying to it. DuckDB lets one process write a file while
 * nobody else has it open, so filling the warehouse (`warehouse materialize --exit-when-idle`) stops
 * the inspect server first and starts it again, on the same port, with every open panel re-attached.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';
import { CliCommand } from '../cli/cli-process';
import type { Ctx } from '../ctx';
import { cliConnection } from '../kafka/connection';
import { primaryFolder, warehouseFile } from '../settings';
import { inspectorPageHtml } from '../../sandbox/inspector/page-html';
import { INSPECTOR_VIEW_TYPE, InspectorPanel, type InspectorPageSource } from './inspector-panel';

const LISTENING = /inspector listening on (https?:\/\/\S+?)\/?$/;

/** Every topic but Kafka's internal ones. */
const ALL_TOPICS = '^(?!__)';

export function inspectorPageSource(extensionUri: vscode.Uri): InspectorPageSource {
  return {
    root: vscode.Uri.joinPath(extensionUri, 'dist', 'webview'),
    script: 'inspector.js',
    style: 'inspector.css',
    font: 'codicon.ttf',
    worker: 'editor.worker.js',
    html: inspectorPageHtml,
  };
}

export class InspectorHost implements vscode.Disposable {
  private server: CliCommand | undefined;
  private origin: string | undefined;
  private port = 0;
  private readonly panels = new Set<InspectorPanel>();
  private busy: Promise<unknown> = Promise.resolve();

  constructor(private readonly ctx: Ctx) {}

  /** Fills the warehouse from Kafka, then opens an inspector panel on it. */
  async open(token?: vscode.CancellationToken): Promise<void> {
    await this.materialize(undefined, token);
    const origin = await this.ensureServer();
    const panel = await InspectorPanel.create(inspectorPageSource(this.ctx.extension.extensionUri), `${origin.replace(/^http/, 'ws')}/ws`, this.relayOptions());
    this.track(panel);
  }

  /** Hosts a panel VS Code restored after a reload. */
  async restore(panel: vscode.WebviewPanel): Promise<void> {
    const origin = await this.ensureServer();
    this.track(await InspectorPanel.attach(panel, inspectorPageSource(this.ctx.extension.extensionUri), `${origin.replace(/^http/, 'ws')}/ws`, this.relayOptions()));
  }

  /** Materializes topics (all of them by default) into the warehouse, pausing the inspect server meanwhile. */
  materialize(topics: string[] | undefined, token?: vscode.CancellationToken): Promise<void> {
    const step = this.busy.then(async () => {
      const wasServing = this.server !== undefined;
      await this.stopServer();
      try {
        const connection = await this.ctx.connection();
        const db = warehouseFile(primaryFolder());
        const selection = topics ? ['--topics', topics.join(',')] : ['--pattern', ALL_TOPICS];
        const args = ['warehouse', 'materialize', ...cliConnection(connection, 'materialize').args, ...selection, '--db', db, '--exit-when-idle'];
        const result = await this.runToEnd(args, token);
        if (result.code !== 0 && !result.cancelled) throw new Error(`materializing into the warehouse failed: ${result.lines.at(-1) ?? `exit code ${result.code}`}`);
      } finally {
        if (wasServing || this.panels.size > 0) {
          const origin = await this.ensureServerNow();
          for (const panel of this.panels) await panel.reconnect(`${origin.replace(/^http/, 'ws')}/ws`, this.relayOptions());
        }
      }
    });
    this.busy = step.catch(() => undefined);
    return step;
  }

  dispose(): void {
    for (const panel of this.panels) panel.panel.dispose();
    void this.stopServer();
  }

  private track(panel: InspectorPanel): void {
    this.panels.add(panel);
    panel.panel.onDidDispose(() => {
      this.panels.delete(panel);
      if (this.panels.size === 0) void this.stopServer();
    });
  }

  private relayOptions() {
    return {
      onClose: (reason: string) => this.ctx.output.appendLine(`inspector relay: ${reason}`),
      forHost: (message: Record<string, unknown>) => {
        if (message.kind !== 'download' || typeof message.path !== 'string') return false;
        void this.download(message.path, typeof message.fileName === 'string' ? message.fileName : 'export');
        return true;
      },
    };
  }

  private async download(urlPath: string, fileName: string): Promise<void> {
    try {
      if (!this.origin) throw new Error('the inspector server is not running');
      const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.joinPath(primaryFolder(), path.basename(fileName)) });
      if (!target) return;
      const response = await fetch(new URL(urlPath, this.origin));
      if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
      await writeFile(target.fsPath, Buffer.from(await response.arrayBuffer()));
      void vscode.window.showInformationMessage(`Medallion: saved ${path.basename(target.fsPath)}`);
    } catch (error) {
      void vscode.window.showErrorMessage(`Medallion: the export could not be saved: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private ensureServer(): Promise<string> {
    const step = this.busy.then(() => this.ensureServerNow());
    this.busy = step.catch(() => undefined);
    return step;
  }

  private async ensureServerNow(): Promise<string> {
    if (this.server && this.origin) return this.origin;
    const db = warehouseFile(primaryFolder());
    const lines: string[] = [];
    this.ctx.output.appendLine(`$ medallion inspect --warehouse ${db} --port ${this.port}`);
    const origin = await new Promise<string>((resolve, reject) => {
      const server = new CliCommand(this.ctx.cliPath, ['inspect', '--warehouse', db, '--port', String(this.port)], {
        cwd: primaryFolder().fsPath,
        onStdout: (line) => {
          this.ctx.output.appendLine(line);
          const match = LISTENING.exec(line.trim());
          if (match) resolve(match[1]!);
        },
        onStderr: (line) => {
          this.ctx.output.appendLine(line);
          lines.push(line);
        },
      });
      this.server = server;
      void server.done.then((r) => {
        if (this.server === server) {
          this.server = undefined;
          this.origin = undefined;
        }
        reject(new Error(`medallion inspect exited (${r.code ?? r.signal}): ${lines.at(-1) ?? ''}`));
      });
    });
    this.origin = origin;
    // The same port next time, so a restart after materializing keeps the page's origin.
    this.port = Number(new URL(origin).port);
    return origin;
  }

  private async stopServer(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.origin = undefined;
    if (!server) return;
    server.cancel(2000);
    await server.done;
  }

  private async runToEnd(args: string[], token: vscode.CancellationToken | undefined) {
    this.ctx.output.appendLine(`$ medallion ${args.join(' ')}`);
    const lines: string[] = [];
    const command = new CliCommand(this.ctx.cliPath, args, {
      cwd: primaryFolder().fsPath,
      ...(token ? { token } : {}),
      onStdout: (line) => this.ctx.output.appendLine(line),
      onStderr: (line) => {
        this.ctx.output.appendLine(line);
        lines.push(line);
      },
    });
    const result = await command.done;
    return { ...result, lines };
  }
}

export function registerInspectorRestore(ctx: Ctx, host: InspectorHost): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(INSPECTOR_VIEW_TYPE, {
    async deserializeWebviewPanel(panel) {
      if (!vscode.workspace.isTrusted) {
        panel.dispose();
        return;
      }
      await host.restore(panel).catch((error: unknown) => {
        ctx.output.appendLine(`inspector not restored: ${error instanceof Error ? error.message : String(error)}`);
        panel.dispose();
      });
    },
  });
}
