/**
 * Pipeline runs: each is a `medallion run <file> --json` child process whose JSON lines update the
 * per-layer metrics shown in the Pipelines view and hovers, and whose transform errors and
 * expectation failures become diagnostics on the user's lines. The last run's problems stay until
 * the next run of the same file.
 */
import path from 'node:path';
import * as vscode from 'vscode';
import { CliCommand } from '../cli/cli-process';
import type { Ctx } from '../ctx';
import { bootstrapOf, connectionEnv } from '../kafka/connection';
import { pipelineWorkers } from '../settings';
import { mergeMetrics, parseRunLine, type LayerDiff, type LayerMetrics, type SourceProblem } from './run-output';

export type RunState =
  | { kind: 'idle' }
  | { kind: 'running'; pid: number | undefined; caughtUp: boolean }
  | { kind: 'stopped' }
  | { kind: 'failed'; reason: string };

export interface PipelineRun {
  file: vscode.Uri;
  state: RunState;
  metrics: Map<string, LayerMetrics>;
  problems: SourceProblem[];
  command: CliCommand | undefined;
}

export interface RerunResult {
  layer: string;
  diffs: LayerDiff[];
  text: string[];
  code: number | null;
}

export class PipelineRuns implements vscode.Disposable {
  private readonly runs = new Map<string, PipelineRun>();
  private readonly changed = new vscode.EventEmitter<PipelineRun>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly ctx: Ctx) {}

  get(file: vscode.Uri): PipelineRun | undefined {
    return this.runs.get(file.toString());
  }

  all(): PipelineRun[] {
    return [...this.runs.values()];
  }

  isRunning(file: vscode.Uri): boolean {
    return this.get(file)?.state.kind === 'running';
  }

  async start(file: vscode.Uri, options: { exitWhenCaughtUp?: boolean } = {}): Promise<PipelineRun> {
    this.ctx.requireTrust('Running a pipeline');
    const existing = this.get(file);
    if (existing?.state.kind === 'running') return existing;
    const connection = await this.ctx.connection();
    const args = ['run', file.fsPath, '--bootstrap', bootstrapOf(connection), '--workers', String(pipelineWorkers()), '--json'];
    if (options.exitWhenCaughtUp) args.push('--exit-when-caught-up');
    const run: PipelineRun = { file, state: { kind: 'idle' }, metrics: new Map(), problems: [], command: undefined };
    this.runs.set(file.toString(), run);
    this.ctx.diagnostics.clear();
    const stderr: string[] = [];
    this.ctx.output.appendLine(`$ medallion ${args.join(' ')}`);
    const command = new CliCommand(this.ctx.cliPath, args, {
      cwd: path.dirname(file.fsPath),
      env: connectionEnv(connection),
      onStdout: (line) => this.onLine(run, line),
      onStderr: (line) => {
        this.ctx.output.appendLine(line);
        stderr.push(line);
        if (stderr.length > 20) stderr.shift();
      },
    });
    run.command = command;
    run.state = { kind: 'running', pid: command.pid, caughtUp: false };
    this.changed.fire(run);
    void command.done.then((result) => {
      run.command = undefined;
      if (result.cancelled || result.signal === 'SIGINT' || result.signal === 'SIGTERM' || result.code === 0) run.state = { kind: 'stopped' };
      else run.state = { kind: 'failed', reason: stderr.at(-1) ?? `exited with ${result.signal ?? `code ${result.code}`}` };
      this.ctx.output.appendLine(`pipeline ${path.basename(file.fsPath)}: ${run.state.kind}`);
      this.changed.fire(run);
    });
    return run;
  }

  stop(file: vscode.Uri): void {
    this.get(file)?.command?.cancel();
  }

  /** Re-runs a layer and its downstream with `medallion rerun` and returns the per-layer difference it prints. */
  async rerun(file: vscode.Uri, layer: string, token?: vscode.CancellationToken): Promise<RerunResult> {
    this.ctx.requireTrust('Re-running a pipeline');
    const connection = await this.ctx.connection();
    const args = ['rerun', file.fsPath, '--from-layer', layer, '--bootstrap', bootstrapOf(connection), '--json'];
    const result: RerunResult = { layer, diffs: [], text: [], code: null };
    const run = this.get(file) ?? { file, state: { kind: 'idle' } as RunState, metrics: new Map(), problems: [], command: undefined };
    this.runs.set(file.toString(), run);
    run.problems = [];
    this.ctx.output.appendLine(`$ medallion ${args.join(' ')}`);
    const command = new CliCommand(this.ctx.cliPath, args, {
      cwd: path.dirname(file.fsPath),
      env: connectionEnv(connection),
      ...(token ? { token } : {}),
      onStdout: (line) => {
        const event = parseRunLine(line);
        if (event.kind === 'diff') result.diffs.push(event.diff);
        else if (event.kind === 'text') result.text.push(line);
        this.onLine(run, line);
      },
      onStderr: (line) => {
        this.ctx.output.appendLine(line);
        result.text.push(line);
      },
    });
    result.code = (await command.done).code;
    return result;
  }

  dispose(): void {
    for (const run of this.runs.values()) run.command?.cancel(500);
    this.changed.dispose();
  }

  private onLine(run: PipelineRun, line: string): void {
    const event = parseRunLine(line);
    switch (event.kind) {
      case 'metrics':
        run.metrics.set(event.metrics.layer, mergeMetrics(run.metrics.get(event.metrics.layer), event.metrics));
        this.changed.fire(run);
        break;
      case 'problem':
        run.problems.push(event.problem);
        this.publishProblems(run);
        break;
      case 'caught-up':
        if (run.state.kind === 'running') run.state = { ...run.state, caughtUp: true };
        this.changed.fire(run);
        break;
      case 'diff':
      case 'text':
        this.ctx.output.appendLine(line);
        break;
    }
  }

  private publishProblems(run: PipelineRun): void {
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const problem of run.problems) {
      const file = path.isAbsolute(problem.file) ? problem.file : path.resolve(path.dirname(run.file.fsPath), problem.file);
      const position = new vscode.Position(Math.max(0, problem.line - 1), Math.max(0, problem.column - 1));
      const diagnostic = new vscode.Diagnostic(
        new vscode.Range(position, new vscode.Position(position.line, 10_000)),
        problem.count > 1 ? `${problem.message} (${problem.count} records)` : problem.message,
        problem.kind === 'transform-error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
      );
      diagnostic.source = problem.layer ? `medallion ${problem.layer}` : 'medallion';
      diagnostic.code = problem.kind;
      byFile.set(file, [...(byFile.get(file) ?? []), diagnostic]);
    }
    for (const [file, diagnostics] of byFile) this.ctx.diagnostics.set(vscode.Uri.file(file), diagnostics);
  }
}
