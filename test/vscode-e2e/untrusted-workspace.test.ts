/**
 * In an untrusted workspace the extension shows the pipelines but runs no workspace code: the
 * sandbox does not start, and the Sandbox view says why. code-server asks about trust as VS Code
 * does, and the test answers "No" like a careful user.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { installVsix, startCodeServer, type RunningCodeServer } from './support/code-server';
import { buildVsix } from './support/vsix';
import { CHROMIUM_ARGS, Workbench } from './support/workbench';

const ROOT = path.join(__dirname, '..', '..');
const SAMPLES = path.join(ROOT, 'samples');
const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'vscode');

let tmp: string;
let server: RunningCodeServer | undefined;
let browser: Browser | undefined;
let page: Page;
let wb: Workbench;

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  tmp = mkdtempSync(path.join(tmpdir(), 'medallion-vscode-untrusted-'));
  const vsix = path.join(tmp, 'medallion-studio.vsix');
  buildVsix(ROOT, vsix, path.join(tmp, 'staging'));
  installVsix(vsix, path.join(tmp, 'extensions'), path.join(tmp, 'user'));
  server = await startCodeServer({
    extensionsDir: path.join(tmp, 'extensions'),
    userDataDir: path.join(tmp, 'user'),
    workspace: SAMPLES,
    askForTrust: true,
    settings: { 'medallion.sandbox.port': 0, 'medallion.sandbox.dataDir': path.join(tmp, 'kafka'), 'workbench.startupEditor': 'none' },
  });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${server.url}/?folder=${encodeURIComponent(SAMPLES)}`);
  wb = new Workbench(page);
  await wb.waitUntilReady();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

test('an untrusted workspace shows its pipelines, starts no sandbox and says why', async () => {
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: 30_000 });
  await dialog.locator('.monaco-button', { hasText: /No, I don.t trust the authors/ }).click();
  await wb.statusBarItem('Sandbox stopped').waitFor({ timeout: 60_000 });
  await wb.openMedallionViews();
  await wb.treeRow('Untrusted workspace: no user code runs').waitFor({ timeout: 15_000 });
  // Reading pipeline files is not running them: the layers are listed all the same.
  await wb.treeRow(/^orders_cleansilver/).waitFor({ timeout: 15_000 });
  // Commands that run workspace code are disabled (their enablement needs trust): the palette does
  // not offer them, while commands that run nothing are still there.
  assert.deepEqual(await wb.paletteOffers('Medallion: Start Sandbox'), []);
  assert.deepEqual(await wb.paletteOffers('Medallion: Replay a Sample'), []);
  assert.deepEqual(await wb.paletteOffers('Medallion: Show Activation Time'), ['Medallion: Show Activation Time']);
  await page.keyboard.press('Escape');
  assert.match(await wb.statusBarItem(/Sandbox/).first().innerText(), /Sandbox stopped/);
  await page.screenshot({ path: path.join(ARTIFACTS, '07-untrusted-workspace.png') });
});
