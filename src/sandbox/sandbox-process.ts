/**
 * The sandbox broker as a child process of the extension host. Heavy work never runs on the
 * extension host's thread: the broker lives in its own Node process started from the bundled CLI.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as vscode from 'vscode';

export type SandboxState =
  | { kind: 'stopped' }
  | { kind: 'starting' }
  | { kind: 'running'; bootstrap: string; pid: number }
  | { kind: 'failed'; reason: string };

export interface SandboxSettings {
  port: number;
  dataDir: string;
}

const BOOTSTRAP_LINE = /bootstrap (\S+:\d+)/;

export class SandboxProcess implements vscode.Disposable {
  private child: ChildProcess | undefined;
  private current: SandboxState = { kind: 'stopped' };
  private readonly changed = new vscode.EventEmitter<SandboxState>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly cliPath: string,
    private readonly output: vscode.OutputChannel,
  ) {}

  get state(): SandboxState {
    return this.current;
  }

  start(settings: SandboxSettings): Promise<SandboxState> {
    if (this.current.kind === 'running' || this.current.kind === 'starting') return Promise.resolve(this.current);
    this.set({ kind: 'starting' });
    const child = spawn(process.execPath, [this.cliPath, 'sandbox', 'start', '--port', String(settings.port), '--data-dir', settings.dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    this.child = child;
    return new Promise((resolve) => {
      child.stdout?.setEncoding('utf8').on('data', (text: string) => {
        this.output.append(text);
        const match = BOOTSTRAP_LINE.exec(text);
        if (match && this.current.kind === 'starting') {
          this.set({ kind: 'running', bootstrap: match[1]!, pid: child.pid ?? -1 });
          resolve(this.current);
        }
      });
      let lastError = '';
      child.stderr?.setEncoding('utf8').on('data', (text: string) => {
        this.output.append(text);
        lastError = text.trim().split('\n').at(-1) ?? lastError;
      });
      child.on('exit', (code, signal) => {
        this.child = undefined;
        const wasStopping = this.current.kind === 'stopped';
        this.set(wasStopping || signal === 'SIGTERM' ? { kind: 'stopped' } : { kind: 'failed', reason: `sandbox exited with ${signal ?? `code ${code}`}${lastError ? `: ${lastError}` : ''}` });
        resolve(this.current);
      });
    });
  }

  /** Stops the broker; resolves once its process has exited, so its data folder can be removed. */
  stop(): Promise<void> {
    const child = this.child;
    this.set({ kind: 'stopped' });
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(killer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  dispose(): void {
    void this.stop();
    this.changed.dispose();
  }

  private set(state: SandboxState): void {
    this.current = state;
    this.changed.fire(state);
  }
}
