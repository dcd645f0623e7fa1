/**
 * Headless Chromium driving the Agents Playground's web UI the way a person would: pick a chat or
 * channel in the left rail, type into the compose box, press the card's buttons. Selectors are by
 * role, label and visible text only (the Playground's class names are generated).
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { ARTIFACTS } from './stack.js';

/** Debian's Chromium (CI installs it when missing); CHROMIUM_PATH overrides. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The longest any single wait may take (a card arriving through the outbox, a sweep, a render). */
export const WAIT_MS = 30_000;

// Without the background-networking flags Chromium keeps trying Google services on a closed network.
// (--headless is added by Playwright for `headless: true`.)
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** One browser, one page on the Playground, and the folder of its screenshots. */
export class PlaygroundUi {
  private shots = 0;
  private constructor(
    private readonly context: BrowserContext,
    readonly page: Page,
    private readonly profile: string,
  ) {}

  /**
   * Launches Chromium with a fresh profile, blocks every request that leaves this machine (the
   * Playground asks a CDN for fonts and animations) and opens the Playground with its log panel closed.
   */
  static async open(url: string): Promise<PlaygroundUi> {
    // A fresh folder: no screenshot of an earlier run can pass for this one's.
    rmSync(path.join(ARTIFACTS, 'screenshots'), { recursive: true, force: true });
    mkdirSync(path.join(ARTIFACTS, 'screenshots'), { recursive: true });
    const profile = mkdtempSync(path.join(os.tmpdir(), 'hcc-e2e-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1400, height: 2200 },
      timeout: WAIT_MS,
    });
    context.setDefaultTimeout(WAIT_MS);
    await context.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.abort());
    const page = context.pages()[0] ?? (await context.newPage());
    const ui = new PlaygroundUi(context, page, profile);
    try {
      await page.goto(url, { timeout: WAIT_MS });
      await page.getByTitle('Toggle Log Panel').click();
      await page.getByText('Log Panel').waitFor({ state: 'hidden' });
    } catch (e) {
      await ui.close();
      throw e;
    }
    return ui;
  }

  /** Opens a chat or channel from the left rail by its visible name ("Personal Chat", "General"). */
  async openConversation(name: string): Promise<void> {
    await this.page
      .getByRole('treeitem', { name })
      .or(this.page.getByText(name, { exact: true }))
      .first()
      .click();
  }

  /**
   * Every message on screen: in a chat, the element holding a "Message header" (bot or user); in a
   * channel, each post with its replies (a Fluent card, role "group").
   */
  messages(): Locator {
    return this.page.locator('div:has(> [aria-label="Message header"])').or(this.page.getByRole('group'));
  }

  /** The message (or channel post) whose text matches; waits for it to appear. Outermost first. */
  async message(text: string | RegExp): Promise<Locator> {
    const m = this.messages().filter({ hasText: text }).first();
    await m.waitFor({ timeout: WAIT_MS });
    return m;
  }

  /** Types a message in a personal or group chat and sends it with Enter. */
  async say(text: string): Promise<void> {
    const box = this.page.getByRole('textbox').last();
    await box.click();
    await this.page.keyboard.type(text);
    await this.page.keyboard.press('Enter');
  }

  /** Starts a new post in a channel that @mentions the bot (picked from the mention menu), then posts it. */
  async postMentioningBot(botName: string, text: string): Promise<void> {
    // The placeholder lies under the (empty) editor: a click on it lands in the editor, as a person's would.
    await this.page.getByText('Start a new post').click({ force: true });
    await this.page.keyboard.type('@');
    await this.page.getByRole('menuitem', { name: botName }).click();
    await this.page.keyboard.type(` ${text}`);
    await this.page.getByRole('button', { name: 'Post', exact: true }).click();
  }

  /** Picks an option of a Fluent combobox (an Adaptive Card ChoiceSet rendered compact or filtered). */
  async choose(combo: Locator, option: string | RegExp): Promise<void> {
    await combo.click();
    await this.page.getByRole('option', { name: option }).click();
    await this.page.getByRole('listbox').waitFor({ state: 'hidden' });
  }

  /** Saves a numbered screenshot of the page to test/e2e/artifacts/screenshots; returns its path. */
  async screenshot(name: string, scrollTo?: Locator): Promise<string> {
    if (scrollTo) await scrollTo.scrollIntoViewIfNeeded();
    const file = path.join(ARTIFACTS, 'screenshots', `${String(++this.shots).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** Saves the page's HTML beside the screenshots (for a failed step). */
  async saveHtml(name: string): Promise<void> {
    writeFileSync(path.join(ARTIFACTS, 'screenshots', `${name}.html`), await this.page.content());
  }

  /** Closes the browser and removes its profile. */
  async close(): Promise<void> {
    await this.context.close().catch(() => undefined);
    rmSync(this.profile, { recursive: true, force: true });
  }
}
