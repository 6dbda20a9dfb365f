// Start, stop and reset the sandbox broker.
import { rm } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { primaryFolder, sandboxDataDir, sandboxPort } from '../settings';
import type { CommandTable } from './run-command';

export function sandboxCommands(ctx: Ctx): CommandTable {
  const start = async () => {
    ctx.requireTrust('The sandbox');
    const state = await ctx.sandbox.start({ port: sandboxPort(), dataDir: sandboxDataDir(primaryFolder()) });
    if (state.kind === 'failed') throw new Error(state.reason);
    if (state.kind === 'running') void vscode.window.showInformationMessage(`Medallion sandbox running at ${state.bootstrap}`);
    void ctx.topics.refresh();
  };
  return {
    'medallion.sandbox.start': start,
    'medallion.sandbox.stop': async () => {
      for (const run of ctx.runs.all()) ctx.runs.stop(run.file);
      await ctx.sandbox.stop();
      void ctx.topics.refresh();
    },
    'medallion.sandbox.reset': async () => {
      ctx.requireTrust('Resetting the sandbox');
      const dataDir = sandboxDataDir(primaryFolder());
      const answer = await vscode.window.showWarningMessage(`Delete every topic of the sandbox (${dataDir})?`, { modal: true }, 'Delete Topics');
      if (answer !== 'Delete Topics') return;
      const wasRunning = ctx.sandbox.state.kind === 'running';
      for (const run of ctx.runs.all()) ctx.runs.stop(run.file);
      await ctx.sandbox.stop();
      await rm(dataDir, { recursive: true, force: true });
      ctx.output.appendLine(`sandbox reset: removed ${dataDir}`);
      if (wasRunning) await start();
      else void ctx.topics.refresh();
    },
  };
}
