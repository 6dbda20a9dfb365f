/**
 * The `medallion` launch configuration: runs a pipeline under VS Code's Node debugger, so
 * breakpoints in transform code are hit. It resolves to a `node` configuration (node-launch.ts)
 * that starts the bundled CLI's `run` command; js-debug follows it into the worker processes and
 * binds breakpoints through the source map of the runner's bundle of the user's pipeline.
 */
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { cliConnection } from '../kafka/connection-kind';
import { pipelineWorkers } from '../settings';
import { nodeLaunchOf } from './node-launch';

const INITIAL_CONFIGURATION = { type: 'medallion', request: 'launch', name: 'Run pipeline under the debugger', pipeline: '${file}' };

export function registerPipelineDebugging(ctx: Ctx): vscode.Disposable[] {
  // Two providers, because VS Code asks every provider of a type to resolve a configuration of that
  // type, in turn, each given what the previous one returned: one provider that both offered the
  // dynamic configurations and resolved would resolve its own `node` result a second time, with no
  // `pipeline` in it, and run the active editor's file instead.
  const resolver: vscode.DebugConfigurationProvider = {
    provideDebugConfigurations: () => [INITIAL_CONFIGURATION],
    resolveDebugConfiguration: (folder, config) => resolvePipelineLaunch(ctx, folder, config),
  };
  const dynamic: vscode.DebugConfigurationProvider = {
    provideDebugConfigurations: () => [INITIAL_CONFIGURATION],
  };
  return [
    vscode.debug.registerDebugConfigurationProvider('medallion', resolver),
    vscode.debug.registerDebugConfigurationProvider('medallion', dynamic, vscode.DebugConfigurationProviderTriggerKind.Dynamic),
  ];
}

async function resolvePipelineLaunch(ctx: Ctx, folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration | undefined> {
  // Already resolved (by a provider before this one): nothing of ours to do.
  if (config.type !== 'medallion') return config;
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showErrorMessage('Medallion: debugging runs code from this workspace, so it is disabled until you trust the workspace.');
    return undefined;
  }
  const pipeline = typeof config.pipeline === 'string' && config.pipeline !== '' ? config.pipeline : vscode.window.activeTextEditor?.document.uri.fsPath;
  if (!pipeline || !pipeline.endsWith('.ts')) {
    void vscode.window.showErrorMessage('Medallion: set "pipeline" in the launch configuration, or open a *.pipeline.ts file.');
    return undefined;
  }
  let connection: { args: string[]; env: Record<string, string> };
  try {
    connection = typeof config.bootstrap === 'string' && config.bootstrap !== '' ? { args: ['--bootstrap', config.bootstrap], env: {} } : cliConnection(await ctx.connection(), 'run');
  } catch (error) {
    void vscode.window.showErrorMessage(`Medallion: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
  return nodeLaunchOf({
    name: typeof config.name === 'string' ? config.name : undefined,
    cliPath: ctx.cliPath,
    pipeline,
    connectionArgs: connection.args,
    connectionEnv: connection.env,
    workers: typeof config.workers === 'number' ? config.workers : pipelineWorkers(),
    folder: folder?.uri.fsPath,
    trace: config.trace,
  }) as vscode.DebugConfiguration;
}
