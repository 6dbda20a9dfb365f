/**
 * Runs one `medallion` CLI command as a child process of the extension host and streams its output
 * by lines. Heavy work (the engine, DuckDB, producing) happens in that process, never on the
 * extension host's thread. The child is killed by its pid when cancelled or disposed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type * as vscode from 'vscode';
import { createLineSplitter } from './line-splitter';

export interface CliRunOptions {
  cwd: string;
  /** Called with every whole line the command prints on stdout. */
  onStdout?: (line: string) => void;
  /** Called with every whole line the command prints on stderr. */
  onStderr?: (line: string) => void;
  /** Kills the command when cancellation is requested. */
  token?: vscode.CancellationToken;
  /** Extra node flags, such as --inspect for the debugger or --enable-source-maps. */
  nodeArgs?: string[];
  /** Extra environment, such as the external cluster's SASL settings. */
  env?: Record<string, string>;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  cancelled: boolean;
}

export class CliCommand {
  readonly child: ChildProcess;
  readonly done: Promise<CliResult>;
  private cancelled = false;

  constructor(cliPath: string, args: string[], options: CliRunOptions) {
    this.child = spawn(process.execPath, [...(options.nodeArgs ?? ['--enable-source-maps']), cliPath, ...args], {
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      // VS Code's desktop extension host is Electron; this makes it run the CLI as plain Node.
      env: { ...process.env, ...options.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    const out = createLineSplitter((line) => options.onStdout?.(line));
    const err = createLineSplitter((line) => options.onStderr?.(line));
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => out.push(chunk));
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => err.push(chunk));
    const cancellation = options.token?.onCancellationRequested(() => this.cancel());
    this.done = new Promise((resolve) => {
      this.child.on('error', (error) => {
        options.onStderr?.(`could not start the medallion CLI: ${error.message}`);
      });
      this.child.on('close', (code, signal) => {
        out.end();
        err.end();
        cancellation?.dispose();
        resolve({ code, signal, cancelled: this.cancelled });
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Asks the command to stop (SIGINT lets replay finish its batch in flight), then kills it. */
  cancel(graceMs = 3000): void {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.cancelled = true;
    this.child.kill('SIGINT');
    const timer = setTimeout(() => {
      if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    }, graceMs);
    timer.unref();
  }
}
