// Activation is wiring only: each feature registers its own commands, views and providers. It does
// no I/O and starts no process; the workspace is scanned when a view or command first needs it.
import * as vscode from 'vscode';
import { connectionCommands } from './commands/connection-commands';
import { inspectorCommands } from './commands/inspector-commands';
import { miscCommands } from './commands/misc-commands';
import { pipelineCommands } from './commands/pipeline-commands';
import { replayCommands } from './commands/replay-commands';
import { registerCommandTables } from './commands/run-command';
import { sandboxCommands } from './commands/sandbox-commands';
import { testCommands } from './commands/test-commands';
import { Ctx } from './ctx';
import { registerPipelineDebugging } from './debug/pipeline-debug';
import { registerLayerCodeLens } from './editor/layer-codelens';
import { registerLayerHover } from './editor/layer-hover';
import { registerRerunOnSave } from './editor/rerun-on-save';
import { InspectorHost, registerInspectorRestore } from './panels/inspector-host';
import { PipelineTests } from './testing/test-controller';
import { createPipelinesTree } from './views/pipelines-tree';
import { createSandboxStatusBar } from './views/sandbox-status-bar';
import { createSandboxTree } from './views/sandbox-tree';
import { createTopicsTree } from './views/topics-tree';

/**
 * Set by the bundle's first and last lines (esbuild.mjs), so the activation time counts loading the
 * bundle too. What VS Code does between loading it and calling activate() is not the extension's.
 */
declare const __medallionLoadStart: number | undefined;
declare let __medallionLoadEnd: number | undefined;

export function activate(context: vscode.ExtensionContext): Ctx {
  const loadMs = typeof __medallionLoadStart === 'number' && typeof __medallionLoadEnd === 'number' ? __medallionLoadEnd - __medallionLoadStart : 0;
  const started = performance.now();
  const ctx = new Ctx(context);
  context.subscriptions.push(ctx);
  const tests = ctx.track(new PipelineTests(ctx));
  const inspector = ctx.track(new InspectorHost(ctx));
  const features: vscode.Disposable[] = [
    ...registerCommandTables(
      [sandboxCommands(ctx), connectionCommands(ctx), replayCommands(ctx), pipelineCommands(ctx), inspectorCommands(ctx, inspector), testCommands(ctx, tests), miscCommands(ctx)],
      ctx.output,
    ),
    ...createSandboxStatusBar(ctx.sandbox),
    ...createSandboxTree(ctx),
    ...createTopicsTree(ctx),
    ...createPipelinesTree(ctx),
    ...registerLayerCodeLens(ctx),
    ...registerLayerHover(ctx),
    ...registerRerunOnSave(ctx),
    ...registerPipelineDebugging(ctx),
    registerInspectorRestore(ctx, inspector),
  ];
  for (const feature of features) ctx.track(feature);
  ctx.activationMs = loadMs + (performance.now() - started);
  ctx.output.appendLine(`Medallion activated in ${ctx.activationMs.toFixed(1)} ms${vscode.workspace.isTrusted ? '' : ' (untrusted workspace: no user code runs)'}`);
  return ctx;
}

export function deactivate(): void {}
