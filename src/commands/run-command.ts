/**
 * Registers commands from tables, through one wrapper, so every failure reaches the user the same
 * way and every command id carries the extension's prefix (rust-analyzer's editor client does the
 * same). Each feature exports a table; extension.ts registers them all.
 */
import * as vscode from 'vscode';

export const COMMAND_PREFIX = 'medallion.';

export type CommandTable = Record<string, (...args: never[]) => unknown>;

export function registerCommand(id: string, run: (...args: never[]) => unknown, output?: vscode.OutputChannel): vscode.Disposable {
  if (!id.startsWith(COMMAND_PREFIX)) throw new Error(`command id ${id} must start with ${COMMAND_PREFIX}`);
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await (run as (...a: unknown[]) => unknown)(...args);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      output?.appendLine(`${id} failed: ${message}`);
      void vscode.window.showErrorMessage(`Medallion: ${message}`);
      return undefined;
    }
  });
}

export function registerCommandTables(tables: CommandTable[], output?: vscode.OutputChannel): vscode.Disposable[] {
  const seen = new Set<string>();
  return tables.flatMap((table) =>
    Object.entries(table).map(([id, run]) => {
      if (seen.has(id)) throw new Error(`command ${id} is registered twice`);
      seen.add(id);
      return registerCommand(id, run, output);
    }),
  );
}
