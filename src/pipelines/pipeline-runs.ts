/**
 * Pipeline runs: each is a `medallion run <file> --json` child process whose events update the
 * per-layer metrics shown in the Pipelines view, CodeLens and hovers. The run's problems become
 * diagnostics on the user's lines: worker errors as they happen, and the records of the layers'
 * dead-letter and quarantine topics, read when their counts change (at most every 10 s), when the
 * run catches up and when it ends. The last run's problems stay until the next run of the file.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';
import { CliCommand } from '../cli/cli-process';
import type { Ctx } from '../ctx';
import { cliConnection } from '../kafka/connection';
import { readSideOutputs, type SideOutputTopic } from '../kafka/side-output-reader';
import { pipelineWorkers } from '../settings';
import { outlinePipeline } from './pipeline-file';
import { parseRunLine, withRates, type LayerDiff, type LayerMetrics, type SourceProblem } from './run-output';
import { sideOutputProblems } from './side-output-problems';

export type RunState =
  | { kind: 'idle' }
  | { kind: 'running'; pid: number | undefined; caughtUp: boolean }
  | { kind: 'stopped' }
  | { kind: 'failed'; reason: string };

export interface PipelineRun {
  file: vscode.Uri;
  state: RunState;
  metrics: Map<string, LayerMetrics>;
  metricsAt: number | undefined;
  /** Problems the runner reported (worker errors). */
  problems: SourceProblem[];
  /** Problems read from the side-output topics. */
  sideProblems: SourceProblem[];
  command: CliCommand | undefined;
}

export interface RerunResult {
  layer: string;
  diffs: LayerDiff[];
  text: string[];
  code: number | null;
}

const SIDE_OUTPUT_READ_INTERVAL_MS = 10_000;

export class PipelineRuns implements vscode.Disposable {
  private readonly runs = new Map<string, PipelineRun>();
  private readonly changed = new vscode.EventEmitter<PipelineRun>();
  readonly onDidChange = this.changed.event;
  /** The files each run's diagnostics are on, so a run replaces only its own. */
  private readonly published = new Map<string, Set<string>>();
  private readonly sideReads = new Map<string, { last: number; signature: string; pending: Promise<void> | undefined }>();

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
    const { args: connectionArgs, env } = cliConnection(connection, 'run');
    // Bronze is read from its start when the pipeline has no checkpoint yet: what was replayed counts.
    const args = ['run', file.fsPath, ...connectionArgs, '--workers', String(pipelineWorkers()), '--from-beginning', '--json'];
    if (options.exitWhenCaughtUp) args.push('--exit-when-caught-up');
    const run: PipelineRun = { file, state: { kind: 'idle' }, metrics: new Map(), metricsAt: undefined, problems: [], sideProblems: [], command: undefined };
    this.runs.set(file.toString(), run);
    this.sideReads.delete(file.toString());
    this.publishProblems(run);
    const stderr: string[] = [];
    this.ctx.output.appendLine(`$ medallion ${args.join(' ')}`);
    const command = new CliCommand(this.ctx.cliPath, args, {
      cwd: path.dirname(file.fsPath),
      env,
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
      if (run.state.kind !== 'failed') {
        const clean = result.cancelled || result.code === 0 || result.signal === 'SIGINT' || result.signal === 'SIGTERM';
        run.state = clean ? { kind: 'stopped' } : { kind: 'failed', reason: stderr.at(-1) ?? `exited with ${result.signal ?? `code ${result.code}`}` };
      }
      this.ctx.output.appendLine(`pipeline ${path.basename(file.fsPath)}: ${run.state.kind}`);
      if (run.state.kind === 'failed') void vscode.window.showErrorMessage(`Medallion: ${path.basename(file.fsPath)} failed: ${run.state.reason}`);
      this.changed.fire(run);
      void this.readSideOutputs(run, true);
    });
    return run;
  }

  stop(file: vscode.Uri): void {
    this.get(file)?.command?.cancel(10_000);
  }

  /** Re-runs a layer and its downstream with `medallion rerun` and returns the per-layer difference it prints. */
  async rerun(file: vscode.Uri, layer: string, token?: vscode.CancellationToken): Promise<RerunResult> {
    this.ctx.requireTrust('Re-running a pipeline');
    const connection = await this.ctx.connection();
    const { args: connectionArgs, env } = cliConnection(connection, 'run');
    const args = ['rerun', file.fsPath, '--from-layer', layer, ...connectionArgs, '--json'];
    const result: RerunResult = { layer, diffs: [], text: [], code: null };
    this.ctx.output.appendLine(`$ medallion ${args.join(' ')}`);
    const command = new CliCommand(this.ctx.cliPath, args, {
      cwd: path.dirname(file.fsPath),
      env,
      ...(token ? { token } : {}),
      onStdout: (line) => {
        const event = parseRunLine(line);
        if (event.kind === 'diff') result.diffs.push(event.diff);
        else if (event.kind === 'text') result.text.push(event.text);
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
        for (const m of withRates(run.metrics, run.metricsAt, event)) run.metrics.set(m.layer, m);
        run.metricsAt = event.at;
        this.changed.fire(run);
        void this.readSideOutputs(run, false);
        break;
      case 'problem':
        run.problems.push(event.problem);
        this.publishProblems(run);
        break;
      case 'caught-up':
        if (run.state.kind === 'running') run.state = { ...run.state, caughtUp: true };
        this.changed.fire(run);
        void this.readSideOutputs(run, true);
        break;
      case 'failed':
        run.state = { kind: 'failed', reason: event.error };
        this.ctx.output.appendLine(`run failed: ${event.error}`);
        this.changed.fire(run);
        break;
      case 'diff':
        this.ctx.output.appendLine(line);
        break;
      case 'text':
        this.ctx.output.appendLine(event.text);
        break;
      case 'quiet':
        break;
    }
  }

  /** Reads the side-output topics when their counts changed, at most every 10 s unless forced. */
  private readSideOutputs(run: PipelineRun, force: boolean): Promise<void> {
    const key = run.file.toString();
    const state = this.sideReads.get(key) ?? { last: 0, signature: '', pending: undefined };
    this.sideReads.set(key, state);
    const signature = [...run.metrics.values()].map((m) => `${m.layer}:${m.quarantined}:${m.deadLetters}`).join(',');
    if (state.pending) return state.pending;
    if (!force && (signature === state.signature || Date.now() - state.last < SIDE_OUTPUT_READ_INTERVAL_MS)) return Promise.resolve();
    state.signature = signature;
    state.last = Date.now();
    state.pending = (async () => {
      try {
        const text = await readFile(run.file.fsPath, 'utf8');
        const topics: SideOutputTopic[] = outlinePipeline(text).layers.flatMap((l) => [
          { layer: l.name, kind: 'dead_letter' as const, topic: `${l.topic}.dead_letter` },
          { layer: l.name, kind: 'quarantine' as const, topic: `${l.topic}.quarantine` },
        ]);
        const records = await readSideOutputs(await this.ctx.connection(), topics);
        run.sideProblems = sideOutputProblems(records, run.file.fsPath, text);
        this.publishProblems(run);
      } catch (error) {
        this.ctx.output.appendLine(`side outputs not read: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        state.pending = undefined;
      }
    })();
    return state.pending;
  }

  private publishProblems(run: PipelineRun): void {
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const problem of [...run.problems, ...run.sideProblems]) {
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
    const key = run.file.toString();
    for (const file of this.published.get(key) ?? []) if (!byFile.has(file)) this.ctx.diagnostics.delete(vscode.Uri.file(file));
    for (const [file, diagnostics] of byFile) this.ctx.diagnostics.set(vscode.Uri.file(file), diagnostics);
    this.published.set(key, new Set(byFile.keys()));
  }
}
