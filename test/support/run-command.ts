/**
 * Runs an external program (kcat, Python clients) with a hard time limit and collects its output.
 * The child is killed when the limit passes, so a client that waits forever on a broken broker
 * cannot hang the suite; the result says so instead.
 */
import { spawn } from 'node:child_process';

export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  stdoutBytes: Buffer;
  timedOut: boolean;
  elapsedMs: number;
}

export interface RunOptions {
  timeoutMs: number;
  /** Bytes written to the child's stdin, which is then closed. */
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Send stdout to /dev/null, for benchmarks whose output would cost more to collect than to make. */
  discardStdout?: boolean;
}

export function runCommand(command: string, args: string[], options: RunOptions): Promise<CommandResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', options.discardStdout ? 'ignore' : 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.stdout?.on('data', (c: Buffer) => out.push(c));
    child.stderr!.on('data', (c: Buffer) => err.push(c));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdoutBytes = Buffer.concat(out);
      resolve({
        code,
        signal,
        stdout: stdoutBytes.toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        stdoutBytes,
        timedOut,
        elapsedMs: Date.now() - started,
      });
    });
    // A child that exits before reading all its input would otherwise raise EPIPE here.
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(options.input ?? '');
  });
}

/** A one-line summary for assertion messages: exit status and the tail of stderr. */
export function describeResult(result: CommandResult): string {
  const status = result.timedOut ? 'timed out' : `exit ${result.code ?? result.signal}`;
  return `${status}; stderr: ${result.stderr.slice(-2000)}`;
}
