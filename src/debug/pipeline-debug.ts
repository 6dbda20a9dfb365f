/**
 * The `medallion` launch configuration: runs a pipeline under VS Code's Node debugger, so
 * breakpoints in transform code are hit. It resolves to a `node` configuration that starts the
 * bundled CLI's `run` command with source maps on; the runner loads the user's TypeScript with
 * source maps, so breakpoints set in the .ts file bind.
 */
import path from 'node:path';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { bootstrapOf } from '../kafka/connection';
import { pipelineWorkers } from '../settings';

export function registerPipelineDebugging(ctx: Ctx): vscode.Disposable[] {
  const provider: vscode.DebugConfigurationProvider = {
    provideDebugConfigurations: () => [{ type: 'medallion', request: 'launch', name: 'Run pipeline under the debugger', pipeline: '${file}' }],
    async resolveDebugConfiguration(folder, config) {
      if (!vscode.workspace.isTrusted) {
        void vscode.window.showErrorMessage('Medallion: debugging runs code from this workspace, so it is disabled until you trust the workspace.');
        return undefined;
      }
      const pipeline = typeof config.pipeline === 'string' && config.pipeline !== '' ? config.pipeline : vscode.window.activeTextEditor?.document.uri.fsPath;
      if (!pipeline || !pipeline.endsWith('.ts')) {
        void vscode.window.showErrorMessage('Medallion: set "pipeline" in the launch configuration, or open a *.pipeline.ts file.');
        return undefined;
      }
      let bootstrap = typeof config.bootstrap === 'string' ? config.bootstrap : undefined;
      if (!bootstrap) {
        try {
          bootstrap = bootstrapOf(await ctx.connection());
        } catch (error) {
          void vscode.window.showErrorMessage(`Medallion: ${error instanceof Error ? error.message : String(error)}`);
          return undefined;
        }
      }
      const workers = typeof config.workers === 'number' ? config.workers : pipelineWorkers();
      return {
        type: 'node',
        request: 'launch',
        name: config.name ?? `Debug ${path.basename(pipeline)}`,
        program: ctx.cliPath,
        // A worker paused at a breakpoint sends no heartbeats; it must not be killed as a hung one.
        args: ['run', pipeline, '--bootstrap', bootstrap, '--workers', String(workers), '--hang-timeout-ms', '0'],
        cwd: folder?.uri.fsPath ?? path.dirname(pipeline),
        runtimeArgs: ['--enable-source-maps'],
        sourceMaps: true,
        resolveSourceMapLocations: ['**', '!**/node_modules/**'],
        skipFiles: ['<node_internals>/**'],
        console: 'internalConsole',
        outputCapture: 'std',
      };
    },
  };
  return [
    vscode.debug.registerDebugConfigurationProvider('medallion', provider),
    vscode.debug.registerDebugConfigurationProvider('medallion', provider, vscode.DebugConfigurationProviderTriggerKind.Dynamic),
  ];
}
