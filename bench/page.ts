/**
 * The chat page as a phone on a slow network sees it, in headless Chromium (playwright-core,
 * DevTools protocol): bytes over the wire on a first open and on a repeat visit, and the time to
 * the bot's first message with network throttling. Also what each Web Chat option costs.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { chromium, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { WEB_DIR, readManifest } from '../src/web/assets';
import { packageDir } from '../src/web/webchatBundle';
import type { Target } from './target';

const CHROMIUM = process.env.BENCH_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const THROTTLE_KBIT = Number(process.env.BENCH_THROTTLE_KBIT ?? 400);
const THROTTLE_LATENCY_MS = Number(process.env.BENCH_THROTTLE_LATENCY_MS ?? 400);
const BOT_BUBBLE = '#webchat .webchat__bubble:not(.webchat__bubble--from-user)';

interface Transfer {
  url: string;
  bytes: number;
  cached: boolean;
}

/** Every response's bytes over the wire (headers included, as DevTools counts them). */
async function recordTransfers(page: Page): Promise<{ cdp: CDPSession; transfers: Transfer[] }> {
  const cdp = await page.context().newCDPSession(page);
  const transfers: Transfer[] = [];
  const urls = new Map<string, { url: string; cached: boolean }>();
  cdp.on('Network.responseReceived', (e: { requestId: string; response: { url: string; fromDiskCache?: boolean; fromServiceWorker?: boolean } }) => {
    urls.set(e.requestId, { url: e.response.url, cached: Boolean(e.response.fromDiskCache) });
  });
  cdp.on('Network.requestServedFromCache', (e: { requestId: string }) => {
    const known = urls.get(e.requestId);
    if (known) known.cached = true;
  });
  cdp.on('Network.loadingFinished', (e: { requestId: string; encodedDataLength: number }) => {
    const known = urls.get(e.requestId);
    if (known) transfers.push({ url: known.url, bytes: known.cached ? 0 : e.encodedDataLength, cached: known.cached });
  });
  await cdp.send('Network.enable');
  return { cdp, transfers };
}

/** The page's own files (the goal's list): HTML, script, styles, Web Chat, fonts, /api/locales. */
function isPageFile(url: string): boolean {
  const path = new URL(url).pathname;
  return path === '/' || path.startsWith('/assets/') || path === '/api/locales' || /^\/[\w-]+\.(html|css|js)$/.test(path);
}

function sum(transfers: Transfer[], filter: (t: Transfer) => boolean): number {
  return transfers.filter(filter).reduce((n, t) => n + t.bytes, 0);
}

async function withBrowser<T>(run: (context: BrowserContext, page: Page) => Promise<T>): Promise<T> {
  const profile = mkdtempSync(join(tmpdir(), 'tib-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 360, height: 740 } });
  try {
    return await run(context, context.pages()[0] ?? (await context.newPage()));
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

async function chooseAndWait(page: Page, language: string): Promise<void> {
  await page.locator(`#languages button[data-locale="${language}"]`).click({ timeout: 120_000 });
  await page.locator(BOT_BUBBLE).first().waitFor({ timeout: 120_000 });
  await page.evaluate('document.fonts.ready.then(() => true)');
}

export interface PageWeight {
  language: string;
  firstOpen: number;
  firstOpenByFile: { path: string; bytes: number }[];
  directLineFirstOpen: number;
  repeatVisit: number;
  repeatByFile: { path: string; bytes: number }[];
}

export async function pageWeight(target: Target, language: string): Promise<PageWeight> {
  return withBrowser(async (_context, page) => {
    const { transfers } = await recordTransfers(page);
    await page.goto(target.url);
    await chooseAndWait(page, language);
    await page.waitForTimeout(500);
    const first = [...transfers];
    transfers.length = 0;
    await page.goto(target.url);
    await page.locator(BOT_BUBBLE).first().waitFor({ timeout: 60_000 });
    await page.evaluate('document.fonts.ready.then(() => true)');
    await page.waitForTimeout(500);
    const byFile = (list: Transfer[]) => list.filter((t) => isPageFile(t.url)).map((t) => ({ path: new URL(t.url).pathname, bytes: t.bytes }));
    return {
      language,
      firstOpen: sum(first, (t) => isPageFile(t.url)),
      firstOpenByFile: byFile(first),
      directLineFirstOpen: sum(first, (t) => !isPageFile(t.url)),
      repeatVisit: sum(transfers, (t) => isPageFile(t.url)),
      repeatByFile: byFile(transfers),
    };
  });
}

export interface ThrottledLoad {
  language: string;
  pickerMs: number;
  firstMessageMs: number;
  returningFirstMessageMs: number;
}

/** A first visit on a throttled network: open, pick the language as soon as the picker shows, the bot's first message; then a return visit. */
export async function throttledLoad(target: Target, language: string): Promise<ThrottledLoad> {
  return withBrowser(async (_context, page) => {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: THROTTLE_LATENCY_MS,
      downloadThroughput: (THROTTLE_KBIT * 1000) / 8,
      uploadThroughput: (THROTTLE_KBIT * 1000) / 8,
    });
    const started = performance.now();
    await page.goto(target.url, { waitUntil: 'commit', timeout: 120_000 });
    await page.locator(`#languages button[data-locale="${language}"]`).waitFor({ timeout: 120_000 });
    const pickerMs = performance.now() - started;
    await chooseAndWait(page, language);
    const firstMessageMs = performance.now() - started;
    const again = performance.now();
    await page.goto(target.url, { waitUntil: 'commit', timeout: 120_000 });
    await page.locator(BOT_BUBBLE).first().waitFor({ timeout: 120_000 });
    return { language, pickerMs, firstMessageMs, returningFirstMessageMs: performance.now() - again };
  });
}

export interface BundleOption {
  name: string;
  raw: number;
  gzip: number;
  br: number;
  loses: string;
}

function sizes(body: Buffer): { raw: number; gzip: number; br: number } {
  return {
    raw: body.length,
    gzip: gzipSync(body, { level: 9 }).length,
    br: brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length } }).length,
  };
}

/** botframework-webchat's three browser bundles and this project's build, compressed as served. */
export function bundleOptions(): BundleOption[] {
  const dist = join(packageDir('botframework-webchat'), 'dist');
  const manifest = readManifest();
  const own = manifest ? readFileSync(join(WEB_DIR, manifest.webchatFile)) : undefined;
  return [
    { name: 'npm webchat.js (full)', ...sizes(readFileSync(join(dist, 'webchat.js'))), loses: 'nothing (Adaptive Cards, speech, Markdown, all 44 UI languages)' },
    { name: 'npm webchat-es5.js', ...sizes(readFileSync(join(dist, 'webchat-es5.js'))), loses: 'nothing; adds IE11 polyfills' },
    { name: 'npm webchat-minimal.js', ...sizes(readFileSync(join(dist, 'webchat-minimal.js'))), loses: 'Markdown (links in bot messages show as [text](url)), Adaptive Cards, speech' },
    ...(own
      ? [{ name: 'this project: esbuild from the modules (dist/web)', ...sizes(own), loses: 'Adaptive Cards, speech, App Service extension, IE11 and other pre-2019 browsers (no core-js: the browser\'s built-ins), date formats of languages the project lacks, file types of uploads (no upload button), link definitions over several lines; UI strings: English only, the page fetches the chosen language\'s (about 2 KB); keeps Markdown (entities decoded by htmlparser2\'s decoder), accessibility, RTL' }]
      : []),
  ];
}
