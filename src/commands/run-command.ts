/**
 * Registers commands through one wrapper, so every failure reaches the user the same way and every
 * command id carries the extension's prefix (rust-analyzer's editor client does the same).
 */
import * as vscode from 'vscode';

export const COMMAND_PREFIX = 'medallion.';

export function registerCommand(id: string, run: (...args: unknown[]) => unknown): vscode.Disposable {
  if (!id.startsWith(COMMAND_PREFIX)) throw new Error(`command id ${id} must start with ${COMMAND_PREFIX}`);
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await run(...args);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      void vscode.window.showErrorMessage(`Medallion: ${message}`);
      return undefined;
    }
  });
}
