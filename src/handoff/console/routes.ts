import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { i18n } from 'i18next';
import type { Request, Response, Server } from 'restify';
import type { EventBus } from '../../events';
import type { Logger } from '../../log';
import { HANDOFF_CHANNEL } from '../events';
import { HandoffError, type HandoffService } from '../service';
import type { HandoffRecord } from '../types';
import type { Accounts } from './accounts';
import type { AuditEntry, ConsoleStore, Role, Session } from './consoleStore';
import type { OidcSignIn } from './oidc';
import { registerOidcRoutes } from './oidcRoutes';
import { registerConsolePage } from './page';

export const COOKIE = 'tib_console';
const MAX_TEXT = 4000;
const LOGIN_WINDOW_MS = 15 * 60_000;

export interface ConsoleDeps {
  service: HandoffService;
  accounts: Accounts;
  store: ConsoleStore;
  bus: EventBus;
  i18n: i18n;
  log: Logger;
  sessionIdleMs: number;
  auditRetentionMs: number;
  secureCookie: boolean;
  loginFailuresPerAccount: number;
  loginFailuresPerIp: number;
  /** OpenID Connect sign-in (OIDC_ISSUER …); undefined: local accounts only. */
  oidc?: OidcSignIn;
  /** OIDC_ADMIN_ROLE (see oidcRoutes.ts). */
  oidcAdminRole?: string;
  /** CONSOLE_LOCAL_LOGIN: false refuses user name and password (only with OpenID Connect). */
  localLogin?: boolean;
}

type Handler = (req: Request, res: Response, session: Session) => Promise<void>;

/** A JSON error in the console's shape: `{error:{code,message}}`. */
function fail(res: Response, status: number, code: string, message: string): void {
  res.status(status);
  res.json({ error: { code, message } });
}

function cookieOf(req: Request): string | undefined {
  const header = req.header('cookie') ?? '';
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === COOKIE) return rest.join('=');
  }
  return undefined;
}

/** Sessions are stored by a hash of the cookie, so a copy of Redis holds no usable session. */
function sessionKey(cookie: string): string {
  return createHash('sha256').update(cookie).digest('base64url');
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function textField(body: unknown, name: string): string | undefined {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/**
 * The console's JSON API under /console/api/ (which the console page itself uses): sign-in with a
 * session cookie and a CSRF token, the live queue (SSE), a conversation with its transcript, and
 * the caseworker's actions. Every route but login needs a session (401); every state change also
 * the `X-CSRF-Token` header (403).
 */
export function registerConsole(server: Server, deps: ConsoleDeps): { close(): void } {
  const { service, store, log } = deps;
  const streams = new Set<() => void>();

  const audit = (entry: Omit<AuditEntry, 'at'>) =>
    store.audit({ ...entry, at: Date.now() }, deps.auditRetentionMs).catch((err: Error) => log.warn({ err: { message: err.message } }, 'audit entry not written'));

  const setCookie = (res: Response, value: string, maxAgeSeconds: number) => {
    res.header('Set-Cookie', `${COOKIE}=${value}; Path=/console; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${deps.secureCookie ? '; Secure' : ''}`);
  };

  /** Wraps a route: session (401), CSRF for state changes (403), admin role (403), errors in the console's shape. */
  const guarded = (options: { csrf: boolean; admin?: boolean }, handler: Handler) => async (req: Request, res: Response) => {
    res.header('Cache-Control', 'no-store');
    try {
      const cookie = cookieOf(req);
      const session = cookie ? await store.touchSession(sessionKey(cookie), deps.sessionIdleMs) : undefined;
      if (!session) return fail(res, 401, 'unauthorized', 'Sign in first (POST /console/api/login); the session is missing or has expired.');
      if (options.csrf) {
        const token = req.header('x-csrf-token') ?? '';
        if (!token || !sameToken(token, session.csrf)) return fail(res, 403, 'csrf', 'The X-CSRF-Token header is missing or wrong (the token comes with the login answer).');
      }
      if (options.admin && session.role !== 'admin') return fail(res, 403, 'forbidden', 'Only an admin may see this.');
      await handler(req, res, session);
    } catch (err) {
      if (err instanceof HandoffError) {
        const status = err.code === 'not_found' ? 404 : err.code === 'forbidden' ? 403 : 409;
        return fail(res, status, err.code, err.message);
      }
      log.error({ err, path: req.path() }, 'console request failed');
      if (!res.headersSent) fail(res, 500, 'internal', 'The service could not do this; try again.');
    }
  };

  /** The session after a successful sign-in (password or OpenID Connect): cookie, CSRF token, audit. */
  const openSession = async (res: Response, user: string, role: Role, method: 'password' | 'oidc'): Promise<Session> => {
    const cookie = randomBytes(32).toString('base64url');
    const session: Session = { user, role, csrf: randomBytes(24).toString('base64url'), created: Date.now(), method };
    await store.putSession(sessionKey(cookie), session, deps.sessionIdleMs);
    setCookie(res, cookie, Math.round(deps.sessionIdleMs / 1000) * 48);
    await audit({ user, action: 'login', ...(method === 'oidc' ? { detail: 'oidc' } : {}) });
    return session;
  };
  const localLogin = deps.localLogin !== false;

  // What the page offers: password sign-in, OpenID Connect ("Sign in with Microsoft"), or both.
  server.get('/console/api/config', async (_req: Request, res: Response) => {
    res.header('Cache-Control', 'no-store');
    res.json({ localLogin, oidc: deps.oidc ? { provider: deps.oidc.isEntraId ? 'microsoft' : 'other', loginUrl: '/console/api/oidc/login' } : null });
  });
  registerOidcRoutes(server, {
    signIn: deps.oidc,
    accounts: deps.accounts,
    store,
    log,
    secureCookie: deps.secureCookie,
    adminRole: deps.oidcAdminRole,
    audit,
    openSession: async (res, user, role, method) => void (await openSession(res, user, role, method)),
  });

  const idOf = (req: Request): string => String((req.params as Record<string, string>).id ?? '');

  server.post('/console/api/login', async (req, res) => {
    res.header('Cache-Control', 'no-store');
    try {
      if (!localLogin) return fail(res, 403, 'local_login_off', 'Password sign-in is off on this service (CONSOLE_LOCAL_LOGIN=off): sign in through /console/api/oidc/login.');
      const user = textField(req.body, 'user')?.trim();
      const password = textField(req.body, 'password');
      if (!user || !password) return fail(res, 400, 'bad_request', 'Send JSON {"user": "...", "password": "..."}.');
      const ip = req.socket.remoteAddress ?? 'unknown';
      const [byAccount, byIp] = await Promise.all([store.failures(`acct:${user}`), store.failures(`ip:${ip}`)]);
      if (byAccount >= deps.loginFailuresPerAccount || byIp >= deps.loginFailuresPerIp) {
        res.header('Retry-After', String(LOGIN_WINDOW_MS / 1000));
        return fail(res, 429, 'too_many_attempts', 'Too many failed sign-ins. Wait 15 minutes and try again.');
      }
      const account = await deps.accounts.verify(user, password);
      if (!account) {
        await Promise.all([store.countFailure(`acct:${user}`, LOGIN_WINDOW_MS), store.countFailure(`ip:${ip}`, LOGIN_WINDOW_MS)]);
        await audit({ user, action: 'login_failed' });
        return fail(res, 401, 'bad_credentials', 'The user name or the password is wrong.');
      }
      await store.clearFailures(`acct:${user}`);
      const session = await openSession(res, account.user, account.role, 'password');
      res.json({ user: session.user, role: session.role, csrfToken: session.csrf, idleTimeoutSeconds: deps.sessionIdleMs / 1000 });
    } catch (err) {
      log.error({ err }, 'console login failed');
      fail(res, 500, 'internal', 'The service could not sign you in; try again.');
    }
  });

  server.post(
    '/console/api/logout',
    guarded({ csrf: true }, async (req, res, session) => {
      await store.deleteSession(sessionKey(cookieOf(req)!));
      setCookie(res, '', 0);
      await audit({ user: session.user, action: 'logout' });
      // Signed in through the provider: the page may also end the provider's session there.
      const providerLogoutUrl = session.method === 'oidc' ? await deps.oidc?.endSessionUrl() : undefined;
      res.json({ ok: true, ...(providerLogoutUrl ? { providerLogoutUrl } : {}) });
    }),
  );

  server.get(
    '/console/api/session',
    guarded({ csrf: false }, async (_req, res, session) => {
      res.json({ user: session.user, role: session.role, csrfToken: session.csrf, idleTimeoutSeconds: deps.sessionIdleMs / 1000 });
    }),
  );

  server.get(
    '/console/api/queue',
    guarded({ csrf: false }, async (_req, res) => {
      const now = Date.now();
      res.json({ items: (await service.queue()).map((r) => summary(r, now, deps.i18n)) });
    }),
  );

  server.get(
    '/console/api/conversations/:id',
    guarded({ csrf: false }, async (req, res, session) => {
      const details = await service.details(idOf(req));
      // ?refresh=1: the console reloading an open conversation after an event (not a new "opened" in the audit log)
      if (queryOf(req).get('refresh') !== '1') await audit({ user: session.user, action: 'open', conversationId: details.record.conversationId });
      res.json({ ...summary(details.record, Date.now(), deps.i18n), profile: details.record.profile, path: details.path, position: details.position, transcript: details.transcript, notes: details.notes });
    }),
  );

  const action = (name: string, run: (id: string, session: Session, body: unknown) => Promise<unknown>) =>
    server.post(
      `/console/api/conversations/:id/${name}`,
      guarded({ csrf: true }, async (req, res, session) => {
        const id = idOf(req);
        const result = await run(id, session, req.body);
        await audit({ user: session.user, action: name, conversationId: id });
        const record = result && typeof result === 'object' && 'conversationId' in result ? summary(result as HandoffRecord, Date.now(), deps.i18n) : undefined;
        res.json({ ok: true, ...(record ? { conversation: record } : {}) });
      }),
    );

  const admin = (s: Session) => (s.role === 'admin' ? undefined : s.user);
  action('claim', (id, s) => service.claim(id, s.user));
  action('release', (id, s) => service.release(id, admin(s)));
  action('close', (id, s) => service.close(id, admin(s)));
  server.post(
    '/console/api/conversations/:id/messages',
    guarded({ csrf: true }, async (req, res, session) => {
      const text = textField(req.body, 'text');
      if (!text || text.length > MAX_TEXT) return fail(res, 400, 'bad_request', `Send JSON {"text": "..."} with 1 to ${MAX_TEXT} characters.`);
      await service.reply(idOf(req), session.user, text);
      await audit({ user: session.user, action: 'reply', conversationId: idOf(req) });
      res.json({ ok: true });
    }),
  );
  server.post(
    '/console/api/conversations/:id/notes',
    guarded({ csrf: true }, async (req, res, session) => {
      const text = textField(req.body, 'text');
      if (!text || text.length > MAX_TEXT) return fail(res, 400, 'bad_request', `Send JSON {"text": "..."} with 1 to ${MAX_TEXT} characters.`);
      await service.addNote(idOf(req), session.user, text);
      await audit({ user: session.user, action: 'note', conversationId: idOf(req) });
      res.json({ ok: true });
    }),
  );
  server.post(
    '/console/api/conversations/:id/transfer',
    guarded({ csrf: true }, async (req, res, session) => {
      const to = textField(req.body, 'to')?.trim();
      if (!to) return fail(res, 400, 'bad_request', 'Send JSON {"to": "<a colleague\'s user name>"}.');
      if (!(await deps.accounts.exists(to))) return fail(res, 400, 'unknown_caseworker', `There is no caseworker "${to}".`);
      const record = await service.transfer(idOf(req), admin(session), to);
      await audit({ user: session.user, action: 'transfer', conversationId: idOf(req), detail: to });
      res.json({ ok: true, conversation: summary(record, Date.now(), deps.i18n) });
    }),
  );

  server.get(
    '/console/api/audit',
    guarded({ csrf: false, admin: true }, async (req, res) => {
      const limit = Math.min(1000, Math.max(1, Number(queryOf(req).get('limit')) || 200));
      res.json({ entries: await store.readAudit(limit) });
    }),
  );

  server.get(
    '/console/api/events',
    guarded({ csrf: false }, async (req, res) => {
      const cookie = sessionKey(cookieOf(req)!);
      res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
      res.write('retry: 3000\n\n');
      const unsubscribe = await deps.bus.subscribe(HANDOFF_CHANNEL, (event) => {
        res.write(`event: handoff\ndata: ${JSON.stringify(event)}\n\n`);
      });
      const heartbeat = setInterval(() => {
        void store.hasSession(cookie).then(
          (alive) => (alive ? res.write(': ping\n\n') : stop()),
          () => undefined,
        );
      }, 20_000);
      const stop = () => {
        clearInterval(heartbeat);
        unsubscribe();
        streams.delete(stop);
        res.end();
      };
      streams.add(stop);
      req.on('close', stop);
    }),
  );

  registerConsolePage(server);
  return {
    close: () => {
      for (const stop of [...streams]) stop();
    },
  };
}

/** The request's query string (the server has no query parser plugin). */
function queryOf(req: Request): URLSearchParams {
  const raw = req.getQuery();
  return new URLSearchParams(typeof raw === 'string' ? raw : '');
}

/** What the queue shows of a handoff (no message text). */
function summary(r: HandoffRecord, now: number, i18n: i18n) {
  const text = (key: string, lng: string) => (i18n.exists(key, { ns: 'paths', lng }) ? i18n.t(key, { ns: 'paths', lng }) : key);
  return {
    conversationId: r.conversationId,
    state: r.state,
    owner: r.owner ?? null,
    priority: r.priority,
    emergency: r.priority === 'urgent',
    topic: r.topic,
    reason: r.reason,
    reasonText: { da: text(r.reason, 'da'), en: text(r.reason, 'en') },
    trigger: r.trigger,
    language: r.language,
    channel: r.channel,
    requestedAt: new Date(r.requestedAt).toISOString(),
    waitingSeconds: Math.max(0, Math.round((now - r.requestedAt) / 1000)),
    claimedAt: r.claimedAt ? new Date(r.claimedAt).toISOString() : null,
    timedOut: r.timeoutNotified === true,
  };
}
