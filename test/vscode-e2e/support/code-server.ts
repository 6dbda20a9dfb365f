/**
 * A real VS Code for end-to-end tests: code-server 4.100.3, installed by
 * scripts/setup-code-server.sh into a cache folder, started with the extension installed from its
 * VSIX into a fresh extensions folder, and stopped by its process group id at the end (the
 * extension host and everything it started, such as the sandbox, are in that group).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import path from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3';

export function codeServerEntry(): string {
  const cache = process.env.MEDALLION_CACHE ?? path.join(homedir(), '.cache', 'medallion');
  const entry = path.join(cache, `code-server-${CODE_SERVER_VERSION}`, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!existsSync(entry)) throw new Error(`code-server ${CODE_SERVER_VERSION} is not installed at ${entry}: run bash scripts/setup-code-server.sh`);
  return entry;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Installs a VSIX into an extensions folder with code-server's own installer. */
export function installVsix(vsix: string, extensionsDir: string, userDataDir: string): void {
  const result = spawnSync(process.execPath, [codeServerEntry(), '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix], { encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) throw new Error(`installing ${vsix} failed: ${result.stdout}${result.stderr}`);
}

export interface RunningCodeServer {
  url: string;
  pid: number;
  log: string[];
  stop(): Promise<void>;
}

export interface CodeServerOptions {
  extensionsDir: string;
  userDataDir: string;
  workspace: string;
  settings: Record<string, unknown>;
  /**
   * Ask about workspace trust as a user's VS Code does; otherwise every folder is trusted.
   * @default false
   */
  askForTrust?: boolean;
}

export async function startCodeServer(options: CodeServerOptions): Promise<RunningCodeServer> {
  mkdirSync(path.join(options.userDataDir, 'User'), { recursive: true });
  writeFileSync(path.join(options.userDataDir, 'User', 'settings.json'), JSON.stringify(options.settings, null, 2));
  const port = await freePort();
  const { NODE_TEST_CONTEXT: _ignored, ...env } = process.env;
  const child: ChildProcess = spawn(
    process.execPath,
    [
      codeServerEntry(), '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--user-data-dir', options.userDataDir,
      '--extensions-dir', options.extensionsDir, '--disable-telemetry', '--disable-update-check',
      ...(options.askForTrust ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override', options.workspace,
    ],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env },
  );
  const log: string[] = [];
  const keep = (chunk: Buffer) => {
    log.push(chunk.toString('utf8'));
    if (log.length > 500) log.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const pid = child.pid!;
  const deadline = Date.now() + 60_000;
  while (!log.join('').includes('HTTP server listening')) {
    if (child.exitCode !== null) throw new Error(`code-server exited: ${log.join('')}`);
    if (Date.now() > deadline) throw new Error(`code-server did not start within 60 s: ${log.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    pid,
    log,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      // The whole group we started: code-server, its extension host and the processes it spawned.
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        return;
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }, 5000);
      await exited;
      clearTimeout(timer);
      // Anything of the group still alive after code-server itself exited is killed too.
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // The group is gone.
      }
    },
  };
}
