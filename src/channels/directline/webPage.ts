import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Request, Response, Server } from 'restify';
import type { Logger } from '../../log';
import { PROJECT_ROOT } from '../../projectRoot';
import { LOCALES_DIR } from '../../i18n';

export const PUBLIC_DIR = join(PROJECT_ROOT, 'public');
const WEBCHAT_BUNDLE = join(PROJECT_ROOT, 'node_modules', 'botframework-webchat', 'dist', 'webchat.js');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
};
/** Languages Web Chat 4.18 has UI strings for, with the tag it knows them by (others get overrides). */
const WEBCHAT_LOCALES: Record<string, string> = {
  ar: 'ar-SA', bg: 'bg-BG', ca: 'ca-ES', cs: 'cs-CZ', da: 'da-DK', de: 'de-DE', el: 'el-GR', en: 'en-US', es: 'es-ES',
  et: 'et-EE', eu: 'eu-ES', fi: 'fi-FI', fr: 'fr-FR', gl: 'gl-ES', he: 'he-IL', hi: 'hi-IN', hr: 'hr-HR', hu: 'hu-HU',
  id: 'id-ID', it: 'it-IT', ja: 'ja-JP', kk: 'kk-KZ', ko: 'ko-KR', lt: 'lt-LT', lv: 'lv-LV', ms: 'ms-MY', nb: 'nb-NO',
  nl: 'nl-NL', pl: 'pl-PL', pt: 'pt-PT', ro: 'ro-RO', ru: 'ru-RU', sk: 'sk-SK', sl: 'sl-SI', sv: 'sv-SE', th: 'th-TH',
  tr: 'tr-TR', uk: 'uk-UA', vi: 'vi-VN',
};
const RTL = new Set(['ar', 'fa', 'ps', 'prs', 'ur', 'he']);

export interface PageLocale {
  code: string;
  /** The language's name in itself. */
  name: string;
  dir: 'ltr' | 'rtl';
  /** The tag Web Chat knows, or the code itself when Web Chat has no strings for it. */
  webchatLocale: string;
  /** The page's own texts (locales/<lng>/webchat.json `page`, English for any that are missing). */
  page: Record<string, string>;
  /** Web Chat UI strings to override (`ui`): needed for languages Web Chat has no strings for. */
  ui: Record<string, string>;
}

interface WebchatTexts {
  page?: Record<string, string>;
  ui?: Record<string, string>;
}

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** The enabled languages as the page shows them, read once from locales/<lng>/meta.json and webchat.json. */
export function pageLocales(enabled: string[], dir = LOCALES_DIR): PageLocale[] {
  const english = (readJson(join(dir, 'en', 'webchat.json')) ?? {}) as WebchatTexts;
  return enabled.map((code) => {
    const meta = readJson(join(dir, code, 'meta.json')) ?? {};
    const own = (readJson(join(dir, code, 'webchat.json')) ?? {}) as WebchatTexts;
    const metaDir = meta.dir === 'rtl' || meta.dir === 'ltr' ? meta.dir : RTL.has(code) ? 'rtl' : 'ltr';
    return {
      code,
      name: typeof meta.name === 'string' ? meta.name : code,
      dir: metaDir,
      webchatLocale: WEBCHAT_LOCALES[code] ?? code,
      page: { ...(english.page ?? {}), ...(own.page ?? {}) },
      ui: { ...(WEBCHAT_LOCALES[code] ? {} : (english.ui ?? {})), ...(own.ui ?? {}) },
    };
  });
}

function securityHeaders(res: Response, connectSrc: string): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader(
    'Content-Security-Policy',
    `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; font-src 'self' data:; connect-src ${connectSrc}; frame-src 'none'; object-src 'none'; base-uri 'none'`,
  );
}

/**
 * The chat page: `GET /` (public/index.html), the files under public/, Web Chat's browser bundle from
 * node_modules at /vendor/webchat.js (no CDN), and `GET /api/locales`.
 */
export function registerWebPage(server: Server, options: { enabledLocales: string[]; azureUrl?: string }, log: Logger): void {
  const locales = pageLocales(options.enabledLocales);
  const connectSrc = ["'self'", 'ws:', 'wss:', ...(options.azureUrl ? [options.azureUrl, options.azureUrl.replace(/^http/, 'ws')] : [])].join(' ');
  let bundle: Promise<Buffer> | undefined;

  const sendFile = async (res: Response, path: string, cache: string) => {
    const type = TYPES[extname(path)];
    let body: Buffer;
    try {
      body = await readFile(path);
    } catch {
      res.status(404);
      res.json({ error: { code: 'NotFound', message: 'There is no such file.' } });
      return;
    }
    securityHeaders(res, connectSrc);
    res.setHeader('Cache-Control', cache);
    res.setHeader('Content-Type', type ?? 'application/octet-stream');
    res.sendRaw(200, body);
  };

  server.get('/', async (_req: Request, res: Response) => sendFile(res, join(PUBLIC_DIR, 'index.html'), 'no-cache'));

  server.get('/api/locales', async (_req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.json({ locales });
  });

  server.get('/vendor/webchat.js', async (_req: Request, res: Response) => {
    try {
      bundle ??= readFile(WEBCHAT_BUNDLE);
      const body = await bundle;
      res.setHeader('Content-Type', TYPES['.js']);
      res.setHeader('Cache-Control', 'public, max-age=86400');
      res.sendRaw(200, body);
    } catch (err) {
      bundle = undefined;
      log.error({ err }, 'Web Chat bundle missing (npm install botframework-webchat)');
      res.status(500);
      res.json({ error: { code: 'BundleMissing', message: 'The Web Chat bundle is not installed on the server.' } });
    }
  });

  // Only plain file names directly under public/: nothing else on disk is reachable.
  server.get('/:file', async (req: Request, res: Response) => {
    const file = String(req.params.file);
    if (!/^[a-z0-9][a-z0-9_-]*\.(html|js|css|svg|png|ico)$/i.test(file)) {
      res.status(404);
      res.json({ error: { code: 'NotFound', message: 'There is no such page.' } });
      return;
    }
    await sendFile(res, join(PUBLIC_DIR, file), 'no-cache');
  });
}
