/**
 * `medallion inspect`: serves the inspector page over a warehouse file. It opens the file itself
 * (read-only, so `medallion query` can read it too); when a materializer is running, the inspector is
 * hosted by that process instead (the demo does), since DuckDB lets one process write a file.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { startInspectorServer } from '../../inspector/index';
import { Warehouse } from '../../warehouse/index';
import { parseIntOption } from '../options';
import { defaultWebviewDir } from '../webview-dir';

export function registerInspectCommands(program: Command): void {
  program
    .command('inspect')
    .description('serve the inspector (SQL editor, grid, charts, lineage, window debugger) over a warehouse file')
    .option('--warehouse <file>', 'the warehouse file', '.medallion/warehouse.duckdb')
    .option('--port <port>', 'the HTTP port; 0 picks a free one', parseIntOption, 4310)
    .option('--host <host>', 'the interface to bind', '127.0.0.1')
    .option('--writable', 'open the file for writing (no other process can open it meanwhile)')
    .option('--webview-dir <dir>', 'the built webview bundle (default: dist/webview)')
    .action(async (opts: { warehouse: string; port: number; host: string; writable?: boolean; webviewDir?: string }) => {
      if (!existsSync(opts.warehouse)) throw new Error(`${opts.warehouse}: no such warehouse file`);
      const webviewDir = opts.webviewDir ?? defaultWebviewDir();
      if (!existsSync(path.join(webviewDir, 'inspector.js'))) throw new Error(`${webviewDir} holds no inspector bundle; run npm run build`);
      const warehouse = await Warehouse.open({ path: opts.warehouse, readOnly: !opts.writable });
      const server = await startInspectorServer({ warehouse, host: opts.host, port: opts.port, webviewDir }).catch(async (error: unknown) => {
        await warehouse.close();
        throw error;
      });
      // Scripts and the VS Code extension read these lines to find the page and the socket.
      console.log(`inspector listening on ${server.url}`);
      console.log(`inspector socket on ${server.wsUrl}`);
      const stop = async () => {
        await server.close();
        await warehouse.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });
}
