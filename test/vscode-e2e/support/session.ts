/**
 * One end-to-end session: the extension packaged as a VSIX and installed into a fresh code-server
 * in a temporary folder, a workspace opened in it, and Chromium showing the workbench. Every file
 * of the e2e tests starts one in `before` and closes it in `after`.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { installVsix, startCodeServer, type RunningCodeServer } from './code-server';
import { buildVsix } from './vsix';
import { CHROMIUM_ARGS, Workbench } from './workbench';

export const ROOT = path.join(__dirname, '..', '..', '..');
/** Where screenshots go; CI keeps the folder as an artifact. */
export const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'vscode');

export interface SessionOptions {
  /** The temporary folder's name starts with this. */
  prefix: string;
  /** The folder to open, given the session's temporary folder (which it may create inside). */
  workspace(tmp: string): string;
  /** User settings, given the temporary folder, besides the ones every session has (a free sandbox port, data in the temporary folder). */
  settings?(tmp: string): Record<string, unknown>;
  /** Ask about workspace trust as a user's VS Code does. */
  askForTrust?: boolean;
}

export interface E2eSession {
  tmp: string;
  workspace: string;
  server: RunningCodeServer;
  page: Page;
  wb: Workbench;
  screenshot(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function startSession(options: SessionOptions): Promise<E2eSession> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const tmp = mkdtempSync(path.join(tmpdir(), options.prefix));
  let server: RunningCodeServer | undefined;
  let browser: Browser | undefined;
  const close = async (): Promise<void> => {
    await browser?.close();
    await server?.stop();
    rmSync(tmp, { recursive: true, force: true });
  };
  try {
    const workspace = options.workspace(tmp);
    const vsix = path.join(tmp, 'medallion-studio.vsix');
    buildVsix(ROOT, vsix, path.join(tmp, 'staging'));
    installVsix(vsix, path.join(tmp, 'extensions'), path.join(tmp, 'user'));
    server = await startCodeServer({
      extensionsDir: path.join(tmp, 'extensions'),
      userDataDir: path.join(tmp, 'user'),
      workspace,
      askForTrust: options.askForTrust ?? false,
      settings: {
        // A free port and data outside the repository, so runs never collide or leave topics behind.
        'medallion.sandbox.port': 0,
        'medallion.sandbox.dataDir': path.join(tmp, 'kafka'),
        'workbench.startupEditor': 'none',
        ...options.settings?.(tmp),
      },
    });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
    const wb = new Workbench(page);
    await wb.waitUntilReady();
    return {
      tmp, workspace, server, page, wb, close,
      screenshot: async (name) => {
        await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
      },
    };
  } catch (error) {
    // Nothing started for a session that failed to start is left behind.
    await close();
    throw error;
  }
}
