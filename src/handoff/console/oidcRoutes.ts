import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response, Server } from 'restify';
import type { Logger } from '../../log';
import type { Accounts } from './accounts';
import type { AuditEntry, ConsoleStore, Role } from './consoleStore';
import { OidcRefused, OidcUnavailable, type OidcSignIn } from './oidc';

/** The cookie that ties a sign-in in progress to the browser that started it. */
export const FLOW_COOKIE = 'tib_console_oidc';
/** How long the provider may take to send the browser back. */
const FLOW_TTL_MS = 10 * 60_000;
/** Sign-ins one address may start in 15 minutes: each keeps a little in Redis for 10 minutes. */
const STARTS_PER_IP = 60;
const STARTS_WINDOW_MS = 15 * 60_000;

export interface OidcRouteDeps {
  signIn: OidcSignIn | undefined;
  accounts: Accounts;
  store: ConsoleStore;
  log: Logger;
  secureCookie: boolean;
  /** OIDC_ADMIN_ROLE: an app role in the ID token's `roles` that makes the session admin; unset: the account's role. */
  adminRole: string | undefined;
  audit(entry: Omit<AuditEntry, 'at'>): Promise<void>;
  /** Opens the same session as a password sign-in (cookie, CSRF token) and audits it. */
  openSession(res: Response, user: string, role: Role, method: 'oidc'): Promise<void>;
}

const hashOf = (value: string) => createHash('sha256').update(value).digest('base64url');

function cookieOf(req: Request, name: string): string | undefined {
  for (const part of (req.header('cookie') ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

function queryOf(req: Request): string {
  const raw = req.getQuery();
  return typeof raw === 'string' ? raw : '';
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A refusal the browser shows (the callback and the login start are page navigations) or, for a
 * client that does not ask for HTML, the console's JSON error.
 */
function refuse(req: Request, res: Response, status: number, code: string, message: string): void {
  res.header('Cache-Control', 'no-store');
  if (/text\/html/.test(req.header('accept') ?? '')) {
    // The console's languages: Danish first, then English; the message itself is the API's (English).
    const body = `<!doctype html>\n<html lang="da"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Log ind ikke muligt – Sign-in not possible</title></head>\n<body><h1>Log ind ikke muligt <span lang="en">(Sign-in not possible)</span></h1><p id="message" lang="en">${escapeHtml(message)}</p><p><a href="/console">Tilbage til konsollen <span lang="en">(Back to the console)</span></a></p></body></html>\n`;
    res.writeHead(status, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      'Content-Security-Policy': "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    });
    res.end(body);
    return;
  }
  res.status(status);
  res.json({ error: { code, message } });
}

/**
 * OpenID Connect sign-in for the console: GET /console/api/oidc/login sends the browser to the
 * provider (authorization code + PKCE S256; state, nonce and the code verifier kept in the console
 * store for 10 minutes, single use, tied to the browser by a SameSite=Lax cookie so the provider's
 * redirect brings it back); GET /console/api/oidc/callback exchanges the code, maps the identity to
 * a caseworker account (its `oidcSubject` is the ID token's `oid`, or `sub`) and opens the same
 * session as a password sign-in. Every refusal is a 4xx with a message; an unreachable provider 503.
 */
export function registerOidcRoutes(server: Server, deps: OidcRouteDeps): void {
  const { signIn, store, log } = deps;
  const flowCookie = (value: string, maxAgeSeconds: number) =>
    `${FLOW_COOKIE}=${value}; Path=/console/api/oidc; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${deps.secureCookie ? '; Secure' : ''}`;
  const off = (req: Request, res: Response) =>
    refuse(req, res, 404, 'oidc_off', 'OpenID Connect sign-in is not configured on this service (OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET); sign in with user name and password.');

  server.get('/console/api/oidc/login', async (req: Request, res: Response) => {
    if (!signIn) return off(req, res);
    try {
      const ip = req.socket.remoteAddress ?? 'unknown';
      if ((await store.countFailure(`oidc-start:${ip}`, STARTS_WINDOW_MS)) > STARTS_PER_IP) {
        res.header('Retry-After', String(STARTS_WINDOW_MS / 1000));
        return refuse(req, res, 429, 'too_many_attempts', 'Too many sign-ins started from this address. Wait 15 minutes and try again.');
      }
      const start = await signIn.start();
      const existing = cookieOf(req, FLOW_COOKIE);
      const browser = existing && /^[A-Za-z0-9_-]{43}$/.test(existing) ? existing : randomBytes(32).toString('base64url');
      await store.putOidcFlow(hashOf(start.state), { codeVerifier: start.codeVerifier, nonce: start.nonce, browser: hashOf(browser) }, FLOW_TTL_MS);
      res.header('Cache-Control', 'no-store');
      res.header('Set-Cookie', flowCookie(browser, FLOW_TTL_MS / 1000));
      res.header('Location', start.url.href);
      res.writeHead(302);
      res.end();
    } catch (err) {
      if (err instanceof OidcUnavailable) return refuse(req, res, 503, 'provider_unavailable', err.message);
      log.error({ err }, 'console OpenID Connect sign-in could not start');
      refuse(req, res, 500, 'internal', 'The service could not start the sign-in; try again.');
    }
  });

  server.get('/console/api/oidc/callback', async (req: Request, res: Response) => {
    if (!signIn) return off(req, res);
    try {
      const query = queryOf(req);
      const params = new URLSearchParams(query);
      const state = params.get('state');
      if (!state) return refuse(req, res, 400, 'missing_state', 'The sign-in answer has no state parameter. Start again at /console.');
      const flow = await store.takeOidcFlow(hashOf(state));
      if (!flow) return refuse(req, res, 400, 'unknown_state', 'This sign-in is unknown, expired (after 10 minutes) or already used. Start again at /console.');
      const browser = cookieOf(req, FLOW_COOKIE);
      const a = Buffer.from(browser ? hashOf(browser) : '');
      const b = Buffer.from(flow.browser);
      if (a.length !== b.length || !timingSafeEqual(a, b)) {
        return refuse(req, res, 400, 'wrong_browser', 'This sign-in was started in another browser (or its cookie is missing). Start again at /console.');
      }
      const error = params.get('error');
      if (error) {
        const description = params.get('error_description')?.slice(0, 300);
        await deps.audit({ user: '(oidc)', action: 'login_failed', detail: `oidc: provider said ${error.slice(0, 64)}` });
        return refuse(req, res, 400, 'provider_refused', `The sign-in provider refused the sign-in: ${error.slice(0, 64)}${description ? ` (${description})` : ''}. Start again at /console.`);
      }
      if (!params.get('code')) return refuse(req, res, 400, 'missing_code', 'The sign-in answer has no code parameter. Start again at /console.');

      const identity = await signIn.finish(query, { state, nonce: flow.nonce, codeVerifier: flow.codeVerifier });
      const account = await deps.accounts.findByOidcSubject(identity.subject);
      const who = identity.displayName ? `"${identity.displayName}" (subject ${identity.subject})` : `subject ${identity.subject}`;
      if (!account) {
        await deps.audit({ user: '(oidc)', action: 'login_refused', detail: `oidc: no account for subject ${identity.subject}` });
        return refuse(req, res, 403, 'no_account', `There is no caseworker account for ${who}. Ask an admin to create one: npm run caseworker:add -- --user NAME --oidc-subject ${identity.subject}`);
      }
      const role: Role = deps.adminRole ? (identity.roles.includes(deps.adminRole) ? 'admin' : 'caseworker') : account.role;
      res.header('Set-Cookie', flowCookie('', 0));
      await deps.openSession(res, account.user, role, 'oidc');
      res.header('Cache-Control', 'no-store');
      res.header('Location', '/console');
      res.writeHead(303);
      res.end();
    } catch (err) {
      if (err instanceof OidcUnavailable) return refuse(req, res, 503, 'provider_unavailable', err.message);
      if (err instanceof OidcRefused) {
        await deps.audit({ user: '(oidc)', action: 'login_failed', detail: 'oidc: answer not accepted' });
        return refuse(req, res, 400, 'sign_in_refused', err.message);
      }
      log.error({ err }, 'console OpenID Connect callback failed');
      if (!res.headersSent) refuse(req, res, 500, 'internal', 'The service could not finish the sign-in; try again.');
    }
  });
}
