/**
 * The Ethiopic web font in a real browser (Debian's Chromium via playwright-core, which has no
 * Ethiopic font of its own): not downloaded for a Danish page, not even with the picker showing
 * Tigrinya's own name, and downloaded once the page is in Tigrinya, whose bot texts then use it.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { App } from '../../src/app';
import { startApp } from '../support/botServer';
import { waitUntil } from '../support/pageWait';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('Web chat page in Chromium: the Ethiopic font only for Tigrinya', function () {
  this.timeout(90_000);
  let app: App;
  let url: string;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const fonts: string[] = [];

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      console.log(`      (skipped: ${CHROMIUM} is not installed)`);
      this.skip();
    }
    ({ app, url } = await startApp({ ENABLED_LOCALES: 'da,en,ti' }));
    profile = mkdtempSync(join(tmpdir(), 'tib-chromium-font-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 360, height: 740 } });
    context.on('request', (r) => {
      if (r.resourceType() === 'font' || r.url().endsWith('.woff2')) fonts.push(r.url());
    });
    page = context.pages()[0] ?? (await context.newPage());
  });

  after(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await app?.stop();
  });

  it('loads no font for the picker (which shows ትግርኛ) nor for a Danish chat', async () => {
    await page.goto(url);
    await page.locator('#languages button[data-locale="ti"]').waitFor();
    await page.click('#languages button[data-locale="da"]');
    await page.locator('#webchat .webchat__suggested-action').first().waitFor({ timeout: 20_000 });
    await page.evaluate('document.fonts.ready');
    expect(fonts).to.deep.equal([]);
  });

  it('loads the Ethiopic font once the page is in Tigrinya, and Web Chat uses it', async () => {
    await page.click('#change-language');
    await page.click('#languages button[data-locale="ti"]');
    await waitUntil(page, `document.documentElement.lang === 'ti'`);
    await waitUntil(page, `[...document.fonts].some((f) => f.family.includes('Ethiopic') && f.status === 'loaded')`, 20_000);
    expect(fonts).to.have.length(1);
    expect(fonts[0]).to.match(/\/assets\/noto-sans-ethiopic-ethiopic\.[0-9a-f]{12}\.woff2$/);
    // cut down to the characters of the Tigrinya texts (the package's whole Ethiopic file is 199 KB)
    expect((await (await fetch(fonts[0])).arrayBuffer()).byteLength).to.be.below(40_000);
    const family = (await page.evaluate(`getComputedStyle(document.querySelector('#webchat .webchat__bubble') || document.body).fontFamily`)) as string;
    expect(family).to.contain('Noto Sans Ethiopic Variable');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'webchat-ti-font.png') });
  });
});
