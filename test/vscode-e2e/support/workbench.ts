/**
 * Driving the VS Code workbench in Chromium the way a user does: the command palette, quick picks,
 * notifications, the status bar, views and editors. Every wait is bounded and names what it waited for.
 */
import type { Locator, Page } from 'playwright-core';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export class Workbench {
  constructor(readonly page: Page) {}

  async waitUntilReady(): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await this.page.locator('.statusbar').waitFor({ timeout: 30_000 });
  }

  /** Runs a command by its title through the command palette. */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('Control+Shift+P');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 10_000 });
    await input.fill(`>${title}`);
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    await row.waitFor({ timeout: 10_000 });
    await input.press('Enter');
  }

  /** The titles the command palette offers for a typed title, after its list settles. */
  async paletteOffers(title: string): Promise<string[]> {
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('Control+Shift+P');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 10_000 });
    await input.fill(`>${title}`);
    await this.page.waitForTimeout(1000);
    const labels = await this.page.locator('.quick-input-list .monaco-list-row .label-name').allInnerTexts();
    return labels.map((l) => l.replace(/\s+/g, ' ').trim()).filter((l) => l.startsWith(title));
  }

  /** Picks the quick-pick row that shows the given text, after typing a filter. */
  async pick(filter: string, rowText: string | RegExp = filter): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 15_000 });
    await input.fill(filter);
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: rowText }).first();
    await row.waitFor({ timeout: 15_000 });
    await row.click();
  }

  /** Answers an input box: replaces its value and presses Enter. */
  async answer(value: string | undefined): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 15_000 });
    if (value !== undefined) await input.fill(value);
    await input.press('Enter');
  }

  statusBarItem(text: string | RegExp): Locator {
    return this.page.locator('.statusbar-item', { hasText: text });
  }

  notification(text: string | RegExp): Locator {
    return this.page.locator('.notification-toast', { hasText: text });
  }

  async openFile(name: string): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 10_000 });
    await input.fill(name);
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 15_000 });
    await input.press('Enter');
    // Each editor group has an active tab, and another tab's title may contain the name.
    await this.page.locator('.tab.active', { hasText: name }).first().waitFor({ timeout: 15_000 });
  }

  /** Opens the Medallion view container in the activity bar. */
  async openMedallionViews(): Promise<void> {
    const topics = this.page.locator('.pane-header', { hasText: 'Topics' });
    // Clicking the activity bar item of the container already shown would hide the side bar.
    if (await topics.isVisible()) return;
    await this.page.locator('.activitybar .action-item a[aria-label^="Medallion"]').first().click();
    await topics.waitFor({ timeout: 15_000 });
  }

  /** A view's pane in the side bar, expanded if it was collapsed. */
  async expandedPane(title: string): Promise<Locator> {
    const header = this.page.locator('.pane-header', { hasText: title }).first();
    await header.waitFor({ timeout: 15_000 });
    if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
    return this.page.locator('.pane', { has: header });
  }

  /** The page inside a webview panel: VS Code nests it in two iframes. */
  webview(title: string) {
    return this.page.frameLocator(`iframe.webview.ready[title="${title}"], iframe.webview.ready`).first().frameLocator('iframe#active-frame');
  }

  async openTestExplorer(): Promise<void> {
    await this.page.locator('.activitybar .action-item a[aria-label^="Testing"]').first().click();
    await this.page.locator('.test-explorer').waitFor({ timeout: 15_000 });
  }

  treeRow(text: string | RegExp): Locator {
    return this.page.locator('.monaco-list-row', { hasText: text });
  }
}
