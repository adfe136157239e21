/**
 * Caseworkers take over, end to end with real clients: a web chat user (Microsoft's Direct Line
 * client, botframework-directlinejs) asks for a person in Arabic by free text on one service
 * process; a caseworker signs in to the console in headless Chromium on a second process (one
 * Redis), sees the request in the queue with language, topic and waiting time, claims it, reads
 * the transcript, replies; the user receives the reply; the caseworker hands back; the bot answers
 * again. User text with HTML shows as text and runs nothing.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import Redis from 'ioredis';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { Activity as BotActivity } from 'botbuilder';
import { Accounts } from '../../src/handoff/console/accounts';
import { RedisConsoleStore } from '../../src/handoff/console/consoleStore';
import { spawnServer, type ServerProcess } from '../support/botServer';
import { testRedisUrl } from '../support/hooks';
import { uniquePrefix } from '../support/testKeys';

const g = globalThis as Record<string, unknown>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
g.XMLHttpRequest ??= require('xhr2');
// The library looks the WebSocket class up even when told to poll.
// eslint-disable-next-line @typescript-eslint/no-require-imports
g.WebSocket ??= require('ws');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DirectLine } = require('botframework-directlinejs') as typeof import('botframework-directlinejs');

type Activity = Partial<BotActivity>;
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');
const SECRET = 'e2e-handoff-direct-line-secret-0123456789';
const PASSWORD = 'correct horse battery staple';
const ASK = 'أريد التحدث مع موظف';
const XSS = '<img src=x onerror=alert(1)>';
const node = (a: Activity) => (a.channelData as { node?: string } | undefined)?.node;

describe('handoff end to end: web chat user on one process, caseworker console in Chromium on another', function () {
  this.timeout(150_000);
  let a: ServerProcess;
  let b: ServerProcess;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  let dl: InstanceType<typeof DirectLine>;
  const received: Activity[] = [];
  const dialogs: string[] = [];
  const pageErrors: string[] = [];

  async function until(predicate: (x: Activity) => boolean, what: string, ms = 20_000): Promise<Activity> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = received.find((x) => x.from?.role === 'bot' && predicate(x));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms; got ${JSON.stringify(received.map((x) => node(x) ?? x.name ?? x.text))}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  const post = (text: string) =>
    new Promise<string>((resolve, reject) => dl.postActivity({ type: 'message', from: { id: 'e2e-handoff-user' }, text } as never).subscribe({ next: resolve, error: reject }));

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      console.log(`      (skipped: ${CHROMIUM} is not installed; CI installs it with apt-get install -y chromium)`);
      this.skip();
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    const prefix = uniquePrefix('e2ehandoff');
    const env = { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix, DIRECTLINE_TOKEN_SECRET: SECRET, ENABLED_LOCALES: 'da,en,ar', LOG_LEVEL: 'warn' };
    [a, b] = await Promise.all([spawnServer(env), spawnServer(env)]);
    const client = new Redis(testRedisUrl());
    try {
      await new Accounts(new RedisConsoleStore(client, prefix)).add('anna', PASSWORD);
    } finally {
      await client.quit();
    }
    profile = mkdtempSync(join(tmpdir(), 'tib-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1280, height: 800 } });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  after(async () => {
    dl?.end();
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('asks in Arabic, is claimed, answered and handed back across two processes; HTML in user text stays text', async () => {
    // The user, on process A.
    const token = (await (await fetch(`${a.url}/api/directline/token`, { method: 'POST' })).json()) as { token: string };
    dl = new DirectLine({ domain: `${a.url}/v3/directline`, token: token.token, webSocket: false, pollingInterval: 200, timeout: 10_000 });
    dl.activity$.subscribe({ next: (x) => received.push(x as Activity), error: () => undefined });
    await post('العربية');
    await until((x) => node(x) === 'welcome.group', 'the welcome in Arabic');
    await post(ASK);
    const queued = await until((x) => node(x) === 'handoff.queued', 'the user is told a person will answer');
    expect(queued.locale).to.equal('ar');
    const conversationId = queued.conversation!.id;
    await post(XSS);
    await until((x) => node(x) === 'handoff.saved', 'the message is saved for the caseworker');

    // The caseworker, on process B.
    await page.goto(`${b.url}/console`);
    expect(await page.getAttribute('html', 'lang')).to.equal('da');
    await page.fill('#user', 'anna');
    await page.fill('#password', PASSWORD);
    await page.click('#signin-form button[type=submit]');
    const item = page.locator(`#queue .queue-item[data-id="${conversationId}"]`);
    await item.waitFor({ timeout: 20_000 });
    const itemText = await item.innerText();
    expect(itemText).to.contain('العربية (ar)').and.contain('other').and.match(/Venter \d+:\d\d/);
    await item.click();
    await page.locator('#transcript .bubble', { hasText: ASK }).waitFor({ timeout: 20_000 });
    const bubble = page.locator('#transcript .bubble.from-user', { hasText: XSS });
    await bubble.waitFor({ timeout: 10_000 });
    expect(await page.locator('#transcript img').count(), 'user text is never HTML').to.equal(0);
    expect(await bubble.locator('.text').getAttribute('dir')).to.equal('auto');
    expect(await page.locator('#details').innerText()).to.contain('العربية (ar)');

    await page.click('#claim');
    await until((x) => node(x) === 'handoff.claimed', 'the user is told a person has it');
    await page.locator('#reply:not([disabled])').waitFor({ timeout: 10_000 });
    await page.fill('#reply', 'مرحبا، أنا آنا من البلدية.');
    await page.click('#reply-form button[type=submit]');
    const reply = await until((x) => node(x) === 'handoff.caseworker', 'the caseworker\'s reply on the user\'s screen');
    expect(reply.text).to.contain('مرحبا، أنا آنا من البلدية.').and.contain('anna');
    await page.screenshot({ path: join(ARTIFACTS, 'console-conversation.png') });

    await page.click('#release');
    await until((x) => node(x) === 'handoff.released', 'the user is told the bot is back');
    await until((x) => node(x) === 'menu.start', 'the bot resumes at the main menu');
    await post('مساعدة');
    await until((x) => node(x) === 'command.help', 'the bot answers again');

    // A function, not a string: the console's CSP forbids eval. (No DOM types in the project's TypeScript.)
    const scrollWidth = () => page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);
    const width = await scrollWidth();
    expect(width, 'no sideways scrolling at 1280 px').to.be.at.most(1280);
    await page.setViewportSize({ width: 768, height: 1024 });
    expect(await scrollWidth(), 'tablet').to.be.at.most(768);
    expect(dialogs, 'nothing ran in the browser').to.deep.equal([]);
    expect(pageErrors).to.deep.equal([]);
  });
});
