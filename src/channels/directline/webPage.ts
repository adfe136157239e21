import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Request, Response, Server } from 'restify';
import type { Logger } from '../../log';
import { PROJECT_ROOT } from '../../projectRoot';
import { LOCALES_DIR } from '../../i18n';
import { WEB_DIR, fontFamilyFor, loadWebAssets } from '../../web/assets';
import { WEBCHAT_LOCALES } from '../../web/webchatBundle';
import { loadStaticFiles, sendStatic, staticBody } from '../../web/staticFiles';

export const PUBLIC_DIR = join(PROJECT_ROOT, 'public');
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
  /** The web font family its script needs (loaded only when the page is in this language), if any. */
  font?: string;
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
      ...(fontFamilyFor(code) ? { font: fontFamilyFor(code) } : {}),
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
 * The chat page, built into dist/web (src/web/assets.ts): `GET /` (index.html), the content-hashed
 * script, styles, Web Chat and fonts under `/assets/`, licences under `/licenses/`, the other files
 * of public/ by name, and `GET /api/locales`; all compressed as the browser asks (staticFiles.ts).
 */
export function registerWebPage(server: Server, options: { enabledLocales: string[]; azureUrl?: string }, log: Logger): void {
  const connectSrc = ["'self'", 'ws:', 'wss:', ...(options.azureUrl ? [options.azureUrl, options.azureUrl.replace(/^http/, 'ws')] : [])].join(' ');
  const files = loadStaticFiles(loadWebAssets((message) => log.warn(message)), WEB_DIR);
  const locales = staticBody('application/json; charset=utf-8', Buffer.from(JSON.stringify({ locales: pageLocales(options.enabledLocales) })));
  const notFound = (res: Response, message: string) => {
    res.status(404);
    res.json({ error: { code: 'NotFound', message } });
  };
  const serve = (path: string) => async (req: Request, res: Response) => {
    const body = files.get(path);
    if (!body) return notFound(res, 'There is no such file.');
    securityHeaders(res, connectSrc);
    sendStatic(req, res, body);
  };

  server.get('/', serve('/index.html'));
  server.get('/api/locales', async (req: Request, res: Response) => sendStatic(req, res, locales));
  for (const folder of ['assets', 'licenses']) {
    server.get(`/${folder}/:file`, async (req: Request, res: Response) => serve(`/${folder}/${String(req.params.file)}`)(req, res));
  }
  // Only plain file names directly under public/ (as built): nothing else on disk is reachable.
  server.get('/:file', async (req: Request, res: Response) => {
    const file = String(req.params.file);
    if (!/^[a-z0-9][a-z0-9_-]*\.(html|js|css|svg|png|ico|txt)$/i.test(file)) return notFound(res, 'There is no such page.');
    await serve(`/${file}`)(req, res);
  });
}
