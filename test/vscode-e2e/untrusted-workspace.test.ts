/**
 * In an untrusted workspace the extension shows the pipelines but runs no workspace code: the
 * sandbox does not start, and the Sandbox view says why. code-server asks about trust as VS Code
 * does, and the test answers "No" like a careful user.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { ROOT, startSession, type E2eSession } from './support/session';
import type { Workbench } from './support/workbench';

const SAMPLES = path.join(ROOT, 'samples');

let session: E2eSession | undefined;
let page: Page;
let wb: Workbench;

before(async () => {
  session = await startSession({ prefix: 'medallion-vscode-untrusted-', workspace: () => SAMPLES, askForTrust: true });
  ({ page, wb } = session);
});

after(async () => {
  await session?.close();
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
  await session!.screenshot('07-untrusted-workspace');
});
