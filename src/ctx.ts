/**
 * Everything a feature may reach, built once on activation (rust-analyzer's editor client keeps
 * a Ctx the same way). Features take the Ctx, register what they need and return their
 * disposables; nothing else is global.
 */
import path from 'node:path';
import * as vscode from 'vscode';
import { currentConnection, type Connection } from './kafka/connection';
import { SandboxProcess } from './sandbox/sandbox-process';
import { PipelineCatalog } from './pipelines/pipeline-catalog';
import { PipelineRuns } from './pipelines/pipeline-runs';
import { TopicStore } from './kafka/topic-store';

export interface ReplayRecord {
  /** The files or folder replayed. */
  source: string;
  /** Records per topic right after the replay, read from Kafka. */
  topicRecords: Record<string, number>;
  at: number;
}

export class Ctx implements vscode.Disposable {
  readonly output: vscode.OutputChannel;
  readonly cliPath: string;
  readonly sandbox: SandboxProcess;
  readonly catalog: PipelineCatalog;
  readonly runs: PipelineRuns;
  readonly topics: TopicStore;
  readonly diagnostics: vscode.DiagnosticCollection;
  /** The extension's own activation time in ms, measured in activate(). */
  activationMs = 0;
  lastReplay: ReplayRecord | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(readonly extension: vscode.ExtensionContext) {
    this.output = this.track(vscode.window.createOutputChannel('Medallion'));
    this.cliPath = path.join(extension.extensionPath, 'dist', 'cli.js');
    this.sandbox = this.track(new SandboxProcess(this.cliPath, this.output));
    this.diagnostics = this.track(vscode.languages.createDiagnosticCollection('medallion'));
    this.catalog = this.track(new PipelineCatalog());
    this.topics = this.track(new TopicStore(this));
    this.runs = this.track(new PipelineRuns(this));
  }

  get secrets(): vscode.SecretStorage {
    return this.extension.secrets;
  }

  connection(): Promise<Connection> {
    return currentConnection(this.sandbox.state, this.secrets);
  }

  /** Refuses to go on in an untrusted workspace, saying why: running user code needs trust. */
  requireTrust(what: string): void {
    if (!vscode.workspace.isTrusted) throw new Error(`${what} runs code from this workspace, so it is disabled until you trust the workspace`);
  }

  track<T extends vscode.Disposable>(disposable: T): T {
    this.disposables.push(disposable);
    return disposable;
  }

  dispose(): void {
    for (const d of this.disposables.splice(0).reverse()) d.dispose();
  }
}
