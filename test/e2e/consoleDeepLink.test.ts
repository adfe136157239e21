/**
 * The Teams card's "Open in console" link, /console#conversation=<id>, in headless Chromium: after
 * sign-in the console opens that conversation (its details and transcript), not only the queue.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { chromium, type BrowserContext } from 'playwright-core';
import type { App } from '../../src/app';
import { consoleLink } from '../../src/channels/teams/caseworker/handoffCard';
import { startApp } from '../support/botServer';
import { DirectLineUser } from '../support/handoffClients';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const PASSWORD = 'correct horse battery staple';
const node = (a: { channelData?: unknown }) => (a.channelData as { node?: string } | undefined)?.node;

describe('console deep link (the Teams card\'s "Open in console") in Chromium', function () {
  this.timeout(90_000);
  let app: App;
  let url: string;
  let context: BrowserContext;
  let profile: string;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      console.log(`      (skipped: ${CHROMIUM} is not installed; CI installs it with apt-get install -y chromium)`);
      this.skip();
    }
    ({ app, url } = await startApp());
    await app.handoff.accounts.add('anna', PASSWORD);
    profile = mkdtempSync(join(tmpdir(), 'tib-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1280, height: 800 } });
  });
  after(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await app?.stop();
  });

  it('opens the linked conversation after sign-in', async () => {
    const user = new DirectLineUser(url);
    await user.start();
    await user.say('English');
    await user.until((x) => node(x) === 'welcome.group', 'welcome');
    await user.say('talk to a person');
    await user.until((x) => node(x) === 'handoff.queued', 'queued');

    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(consoleLink(url, user.conversationId));
    await page.fill('#user', 'anna');
    await page.fill('#password', PASSWORD);
    await page.click('#signin-form button[type=submit]');
    await page.locator('#transcript .bubble.from-user', { hasText: 'talk to a person' }).waitFor({ timeout: 20_000 });
    expect(await page.locator('#conversation').isHidden()).to.equal(false);
    expect(await page.locator('#details').innerText()).to.contain('English (en)');
  });
});
