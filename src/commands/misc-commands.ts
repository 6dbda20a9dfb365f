// Small commands: refresh the Topics view, and report the extension's own activation time.
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import type { CommandTable } from './run-command';

export function miscCommands(ctx: Ctx): CommandTable {
  return {
    'medallion.topics.refresh': async () => {
      await ctx.topics.refresh();
    },
    'medallion.showActivationTime': () => {
      const text = `Medallion activated in ${ctx.activationMs.toFixed(1)} ms`;
      void vscode.window.showInformationMessage(text);
      return ctx.activationMs;
    },
  };
}
