import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { chromiumAvailable, launchChromium, type ChromiumPage } from '../../../client/dist/test-support/browser.js';

export { chromiumAvailable };

/** Where test runs save their screenshots (git-ignored; CI may keep them as artifacts). */
export const ARTIFACTS = fileURLToPath(new URL('../../.artifacts/', import.meta.url));

/**
 * The console in real headless Chromium, driven the way a person would: through its labelled
 * controls (so a missing label fails the test), waiting on what the page shows.
 */
export class ConsolePage {
  /** Messages the page logged as errors (a CSP violation shows up here): must stay empty. */
  readonly consoleErrors: string[] = [];

  private constructor(readonly browser: ChromiumPage) {
    browser.page.on('console', (m) => {
      if (m.type() === 'error') this.consoleErrors.push(m.text());
    });
  }

  get page(): Page {
    return this.browser.page;
  }

  /** Uncaught exceptions in the page: must stay empty. */
  get pageErrors(): string[] {
    return this.browser.pageErrors;
  }

  /** Launches the browser, and loads the console when `url` is given. */
  static async open(url: string | undefined, viewport = { width: 1280, height: 900 }): Promise<ConsolePage> {
    const browser = await launchChromium({ viewport });
    const page = new ConsolePage(browser);
    try {
      if (url !== undefined) await page.goto(url);
      return page;
    } catch (err) {
      await browser.close();
      throw err;
    }
  }

  /** Loads the console page afresh (signed out). */
  async goto(url: string): Promise<void> {
    await this.page.goto(url);
    await this.page.getByRole('heading', { name: 'Switchboard console' }).waitFor();
  }

  /** Types the API key, connects, and waits for the page to say Connected. */
  async connect(key: string): Promise<void> {
    await this.page.getByLabel('Auth mode').selectOption('API_KEY');
    await this.page.getByLabel('API key', { exact: true }).fill(key);
    await this.page.getByRole('button', { name: 'Connect' }).click();
    await this.page.getByRole('status').filter({ hasText: /^Connected$/ }).waitFor();
  }

  /** Subscribes and waits for the subscription to be active. */
  async subscribe(channel: string): Promise<void> {
    await this.page.getByLabel('Channel or wildcard').first().fill(channel);
    await this.page.getByRole('button', { name: 'Subscribe', exact: true }).click();
    await this.page.getByRole('list', { name: 'Subscriptions' }).getByRole('listitem').filter({ hasText: channel }).filter({ hasText: 'active' }).waitFor();
  }

  /** Publishes `text` from the form and returns what the page then says (result or refusal). */
  async publish(channel: string, text: string, transport: 'WebSocket' | 'HTTP (POST /event)' = 'WebSocket'): Promise<string> {
    await this.page.getByLabel('Channel', { exact: true }).fill(channel);
    await this.page.getByLabel('Events (a JSON array)').fill(text);
    await this.page.getByLabel(transport).check();
    await this.page.getByRole('button', { name: 'Publish' }).click();
    const result = this.page.locator('#publish-result');
    await result.waitFor();
    return (await result.innerText()).trim();
  }

  /** The rows of the received events table: time, channel, size, event. */
  async receivedEvents(): Promise<string[][]> {
    return this.page.locator('table.events tbody tr').evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('td')].map((td) => td.textContent ?? '')));
  }

  /**
   * Presses Tab until the focused control is the one named `name` (its label, its `aria-label`
   * or its text), as a keyboard user would reach it; fails when Tab never gets there.
   */
  async tabTo(name: string, most = 60): Promise<void> {
    for (let i = 0; i < most; i++) {
      await this.page.keyboard.press('Tab');
      const focused = await this.page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        if (el === null) return '';
        const labelled = (el as HTMLInputElement).labels?.[0]?.textContent ?? el.getAttribute('aria-label') ?? el.textContent ?? '';
        return labelled.trim();
      });
      if (focused === name) return;
    }
    throw new Error(`Tab never reached "${name}"`);
  }

  /** The focused element's outline: what shows a keyboard user where the focus is. */
  focusOutline(): Promise<string> {
    return this.page.evaluate(() => {
      const style = getComputedStyle(document.activeElement!);
      return `${style.outlineStyle} ${style.outlineWidth}`;
    });
  }

  /** Saves a full-page screenshot under ARTIFACTS (or at `path`). */
  async screenshot(name: string, path = `${ARTIFACTS}${name}.png`): Promise<string> {
    mkdirSync(ARTIFACTS, { recursive: true });
    await this.page.screenshot({ path, fullPage: true });
    return path;
  }

  close(): Promise<void> {
    return this.browser.close();
  }
}
