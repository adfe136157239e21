/**
 * The chat page in a real browser: Debian's Chromium driven by playwright-core. Opens `/`, picks
 * Danish, answers by clicking a suggested action, reloads and finds the history, switches language
 * (right-to-left for ar/fa/ps), checks accessibility with axe-core and that the page makes no
 * request to any other host. Screenshots per language go to test-artifacts/.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { App } from '../../src/app';
import { startApp } from '../support/botServer';
import { waitUntil } from '../support/pageWait';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = join(__dirname, '..', '..');
const ARTIFACTS = join(ROOT, 'test-artifacts');
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A right-to-left language the project has (meta.json and bot texts), if any yet. */
function rtlLocale(): string | undefined {
  return ['ar', 'fa', 'ps'].find((lng) => {
    const meta = join(ROOT, 'locales', lng, 'meta.json');
    if (!existsSync(meta) || !existsSync(join(ROOT, 'locales', lng, 'bot.json'))) return false;
    return (JSON.parse(readFileSync(meta, 'utf8')) as { dir?: string }).dir === 'rtl';
  });
}

/** A language Web Chat has no UI strings for (so the page overrides them), if the project has one yet. */
function overriddenLocale(): string | undefined {
  return ['fa', 'ps', 'ti', 'so'].find((lng) => ['meta.json', 'bot.json'].every((f) => existsSync(join(ROOT, 'locales', lng, f))));
}

const webchat = (page: Page) => page.locator('#webchat');
const suggested = (page: Page) => page.locator('#webchat .webchat__suggested-action');
const transcriptText = (page: Page) => page.locator('#webchat .webchat__basic-transcript').innerText();

async function axeProblems(page: Page): Promise<string[]> {
  const source = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  // a string: this runs in the page, where the DOM is (the project's TypeScript has no DOM types)
  const violations = (await page.evaluate(`(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  })()`)) as { id: string; impact: string; help: string; targets: string[] }[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.help} (${v.targets.join('; ')})`);
}

describe('Web chat page in Chromium', function () {
  this.timeout(120_000);
  let app: App;
  let url: string;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const requests: string[] = [];
  const pageErrors: string[] = [];
  const rtl = rtlLocale();
  const overridden = overriddenLocale();

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      console.log(`      (skipped: ${CHROMIUM} is not installed; CI installs it with apt-get install -y chromium)`);
      this.skip();
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    ({ app, url } = await startApp({ ENABLED_LOCALES: [...new Set(['da', 'en', ...(rtl ? [rtl] : []), ...(overridden ? [overridden] : [])])].join(',') }));
    profile = mkdtempSync(join(tmpdir(), 'tib-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 360, height: 740 },
      deviceScaleFactor: 1,
    });
    context.on('request', (r) => requests.push(r.url()));
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  after(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await app?.stop();
  });

  /** The suggested action the first test clicked (the first answer of the welcome's first question). */
  let answered = '';

  it('shows each language by its own name, then chats in Danish by clicking a suggested action', async () => {
    await page.goto(url);
    const languages = await page.locator('#languages button').evaluateAll((buttons) => buttons.map((b) => [b.getAttribute('data-locale'), b.textContent, b.getAttribute('lang')]));
    expect(languages.slice(0, 2)).to.deep.equal([['da', 'Dansk', 'da'], ['en', 'English', 'en']]);

    await page.click('#languages button[data-locale="da"]');
    expect(await page.getAttribute('html', 'lang')).to.equal('da');
    // the page's language is the person's choice: the bot welcomes in Danish without asking again and asks its first question
    await suggested(page).first().waitFor({ timeout: 20_000 });
    expect(await page.locator('#webchat .webchat__suggested-action', { hasText: 'Dansk' }).count(), 'no language prompt').to.equal(0);
    // Web Chat's own UI strings in Danish (the page fetches them for the language chosen; the bundle has English only)
    expect(await webchat(page).locator('input[placeholder], textarea[placeholder]').first().getAttribute('placeholder')).to.equal('Skriv din meddelelse');
    const botBefore = await page.locator('#webchat .webchat__bubble:not(.webchat__bubble--from-user)').count();
    expect(botBefore).to.be.greaterThan(1);
    answered = ((await suggested(page).first().textContent()) ?? '').trim();
    await suggested(page).first().click();
    // our answer appears, then the bot's reply to it
    await page.locator('#webchat .webchat__bubble--from-user', { hasText: answered }).waitFor({ timeout: 20_000 });
    await waitUntil(page, `document.querySelectorAll('#webchat .webchat__bubble:not(.webchat__bubble--from-user)').length > ${botBefore}`, 20_000);
    const width = (await page.evaluate('document.documentElement.scrollWidth')) as number;
    expect(width, 'no sideways scrolling at 360 px').to.be.at.most(360);
    expect(await page.locator('#privacy-link').getAttribute('href')).to.match(/^\/privacy\.html/);
    await page.screenshot({ path: join(ARTIFACTS, 'webchat-da.png') });
  });

  it('has no serious or critical accessibility violations (axe-core)', async () => {
    const problems = await axeProblems(page);
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  it('finds the conversation again after a reload', async () => {
    const before = await transcriptText(page);
    expect(before).to.contain(answered);
    await page.reload();
    await page.locator('#webchat .webchat__bubble--from-user', { hasText: answered }).waitFor({ timeout: 20_000 });
    expect(await page.locator('#picker').isHidden(), 'the language is remembered').to.equal(true);
    const after = await transcriptText(page);
    const firstBot = before.split('\n').find((l) => l.trim().length > 20) ?? '';
    expect(after).to.contain(firstBot.trim());
    await page.screenshot({ path: join(ARTIFACTS, 'webchat-da-reloaded.png') });
  });

  it('switches to English: the page and Web Chat follow', async () => {
    await page.click('#change-language');
    await page.click('#languages button[data-locale="en"]');
    expect(await page.getAttribute('html', 'lang')).to.equal('en');
    expect(await page.locator('#privacy-link').innerText()).to.equal('What we store');
    // The bot follows the page's language button: it says so in English and asks its question again.
    await page.locator('#webchat .webchat__bubble:not(.webchat__bubble--from-user)', { hasText: 'Now I write in English' }).waitFor({ timeout: 20_000 });
    await webchat(page).locator('[placeholder]').first().waitFor();
    expect(await webchat(page).locator('input[placeholder], textarea[placeholder]').first().getAttribute('placeholder')).to.match(/message/i);
    await page.screenshot({ path: join(ARTIFACTS, 'webchat-en.png') });
  });

  it(`shows a right-to-left language right to left (${rtl ?? 'ar, added to /api/locales by the test: no rtl locale in locales/ yet'})`, async () => {
    const code = rtl ?? 'ar';
    if (!rtl) {
      // Until locales/ar (fa, ps) has meta.json and bot.json, the test adds the entry /api/locales
      // would give for it (test/unit/webPage.test.ts checks that meta.json's "dir" gets there).
      await page.route('**/api/locales', async (route) => {
        const real = (await (await route.fetch()).json()) as { locales: { code: string; page: Record<string, string> }[] };
        const english = real.locales.find((l) => l.code === 'en')!;
        real.locales.push({ code, name: 'العربية', dir: 'rtl', webchatLocale: 'ar-SA', page: english.page, ui: {} } as never);
        await route.fulfill({ json: real });
      });
      await page.reload();
      await page.locator('#webchat .webchat__bubble--from-user').first().waitFor({ timeout: 20_000 });
    }
    await page.click('#change-language');
    await page.click(`#languages button[data-locale="${code}"]`);
    expect(await page.getAttribute('html', 'dir')).to.equal('rtl');
    await waitUntil(page, `document.querySelector('#webchat [dir]')?.getAttribute('dir') === 'rtl'`);
    const direction = await page.evaluate(`getComputedStyle(document.querySelector('#webchat .webchat__basic-transcript')).direction`);
    expect(direction).to.equal('rtl');
    await page.screenshot({ path: join(ARTIFACTS, `webchat-${code}.png`) });
    const problems = await axeProblems(page);
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  it('gives Web Chat the page\'s own UI strings for a language it has none for', async function () {
    if (!overridden) {
      console.log('      (skipped: no fa/ps/ti/so locale with meta.json and bot.json yet)');
      this.skip();
    }
    const own = JSON.parse(readFileSync(join(ROOT, 'locales', overridden!, 'webchat.json'), 'utf8')) as { ui?: Record<string, string> };
    const english = JSON.parse(readFileSync(join(ROOT, 'locales', 'en', 'webchat.json'), 'utf8')) as { ui: Record<string, string> };
    const expected = own.ui?.TEXT_INPUT_PLACEHOLDER ?? english.ui.TEXT_INPUT_PLACEHOLDER;
    await page.unroute('**/api/locales');
    await page.reload();
    await page.click('#change-language');
    await page.click(`#languages button[data-locale="${overridden}"]`);
    await waitUntil(page, `document.querySelector('#webchat [placeholder]')?.getAttribute('placeholder') === ${JSON.stringify(expected)}`);
    await page.screenshot({ path: join(ARTIFACTS, `webchat-${overridden}.png`) });
  });

  it('made no request to any other host, and no script error', () => {
    const origin = new URL(url);
    const foreign = requests.filter((r) => {
      if (r.startsWith('blob:') || r.startsWith('data:')) return false;
      return new URL(r).host !== origin.host;
    });
    expect(foreign).to.deep.equal([]);
    expect(requests.some((r) => /\/assets\/webchat\.[0-9a-f]{12}\.js$/.test(r)), 'Web Chat from the built, content-hashed bundle').to.equal(true);
    expect(pageErrors).to.deep.equal([]);
  });
});
