// Typed reads of the extension's settings, so no other file spells a setting's name or default.
import * as vscode from 'vscode';

export interface ReplayDefaults {
  /** Pace by event time at N times real time; undefined replays as fast as possible. */
  speed: number | undefined;
  loop: boolean;
  topicPrefix: string;
}

export interface ExternalKafkaSettings {
  bootstrapServers: string[];
  ssl: boolean;
  saslMechanism: 'none' | 'plain' | 'scram-sha-256' | 'scram-sha-512';
  username: string;
}

export function sandboxPort(): number {
  return vscode.workspace.getConfiguration('medallion.sandbox').get<number>('port', 9092);
}

export function sandboxDataDir(folder: vscode.Uri): string {
  return resolveInFolder(folder, vscode.workspace.getConfiguration('medallion.sandbox').get<string>('dataDir', '.medallion/kafka'));
}

export function warehouseFile(folder: vscode.Uri): string {
  return resolveInFolder(folder, vscode.workspace.getConfiguration('medallion.warehouse').get<string>('file', '.medallion/warehouse.duckdb'));
}

export function replayDefaults(): ReplayDefaults {
  const config = vscode.workspace.getConfiguration('medallion.replay');
  const speed = config.get<number | null>('speed', null);
  return { speed: typeof speed === 'number' && speed > 0 ? speed : undefined, loop: config.get<boolean>('loop', false), topicPrefix: config.get<string>('topicPrefix', '') };
}

export function pipelineWorkers(): number {
  return Math.max(1, vscode.workspace.getConfiguration('medallion.pipeline').get<number>('workers', 1));
}

export function rerunOnSave(): boolean {
  return vscode.workspace.getConfiguration('medallion.pipeline').get<boolean>('rerunOnSave', true);
}

export function topicsRefreshMs(): number {
  return Math.max(500, vscode.workspace.getConfiguration('medallion.topics').get<number>('refreshSeconds', 2) * 1000);
}

export function externalKafka(): ExternalKafkaSettings {
  const config = vscode.workspace.getConfiguration('medallion.kafka');
  const servers = config.get<string>('bootstrapServers', '').split(',').map((s) => s.trim()).filter(Boolean);
  return {
    bootstrapServers: servers,
    ssl: config.get<boolean>('ssl', false),
    saslMechanism: config.get<ExternalKafkaSettings['saslMechanism']>('sasl.mechanism', 'none'),
    username: config.get<string>('sasl.username', ''),
  };
}

/** The first workspace folder: where the sandbox keeps its data and where pipelines are found. */
export function primaryFolder(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!folder) throw new Error('open a folder first: Medallion Studio keeps its data in the workspace');
  return folder;
}

function resolveInFolder(folder: vscode.Uri, relativeOrAbsolute: string): string {
  if (relativeOrAbsolute.startsWith('/') || /^[A-Za-z]:[\\/]/.test(relativeOrAbsolute)) return relativeOrAbsolute;
  return vscode.Uri.joinPath(folder, relativeOrAbsolute).fsPath;
}
