/**
 * The workspace's pipeline files (`*.pipeline.ts`) and their outlines, kept current as files are
 * created, saved, edited in an editor or deleted. Reading is text-only: no user code is loaded.
 */
import * as vscode from 'vscode';
import { outlinePipeline, type PipelineOutline, type Tier } from './pipeline-file';

export const PIPELINE_GLOB = '**/*.pipeline.ts';
const EXCLUDE = '{**/node_modules/**,**/.medallion/**,**/dist/**}';

export interface PipelineEntry {
  uri: vscode.Uri;
  outline: PipelineOutline;
}

export class PipelineCatalog implements vscode.Disposable {
  private readonly entries = new Map<string, PipelineEntry>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private loaded: Promise<void> | undefined;

  /** Scans the workspace on first use, not on activation, so activation stays fast. */
  ready(): Promise<void> {
    if (!this.loaded) {
      this.loaded = this.scan();
      const watcher = vscode.workspace.createFileSystemWatcher(PIPELINE_GLOB);
      this.disposables.push(
        watcher,
        watcher.onDidCreate((uri) => void this.load(uri)),
        watcher.onDidChange((uri) => void this.load(uri)),
        watcher.onDidDelete((uri) => {
          this.entries.delete(uri.toString());
          this.changed.fire();
        }),
        vscode.workspace.onDidChangeTextDocument((e) => {
          if (isPipelineFile(e.document.uri)) this.update(e.document.uri, e.document.getText());
        }),
      );
    }
    return this.loaded;
  }

  all(): PipelineEntry[] {
    return [...this.entries.values()].sort((a, b) => a.uri.fsPath.localeCompare(b.uri.fsPath));
  }

  get(uri: vscode.Uri): PipelineEntry | undefined {
    return this.entries.get(uri.toString());
  }

  /** The outline of an open document, read from its current text. */
  outlineOf(document: vscode.TextDocument): PipelineOutline {
    return this.entries.get(document.uri.toString())?.outline ?? outlinePipeline(document.getText());
  }

  /** Which tier each known topic belongs to, over every pipeline in the workspace. */
  tierOfTopic(): Map<string, Tier> {
    const tiers = new Map<string, Tier>();
    for (const entry of this.entries.values()) for (const layer of entry.outline.layers) tiers.set(layer.topic, layer.tier);
    return tiers;
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private async scan(): Promise<void> {
    const files = await vscode.workspace.findFiles(PIPELINE_GLOB, EXCLUDE, 500);
    await Promise.all(files.map((uri) => this.load(uri, false)));
    this.changed.fire();
  }

  private async load(uri: vscode.Uri, notify = true): Promise<void> {
    try {
      const bytes = await vscode.workspace.fs.readFile(uri);
      this.update(uri, new TextDecoder().decode(bytes), notify);
    } catch {
      this.entries.delete(uri.toString());
    }
  }

  private update(uri: vscode.Uri, text: string, notify = true): void {
    this.entries.set(uri.toString(), { uri, outline: outlinePipeline(text) });
    if (notify) this.changed.fire();
  }
}

export function isPipelineFile(uri: vscode.Uri): boolean {
  return uri.path.endsWith('.pipeline.ts');
}
