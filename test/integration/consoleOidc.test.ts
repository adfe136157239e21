/**
 * OpenID Connect sign-in for the caseworker console, against a real provider (oidc-provider) on
 * this machine: the console page's "Sign in with Microsoft" in headless Chromium, the provider's
 * login form, the callback, and a session that works on the console API like a password one.
 * Refusals: an identity without an account (403, audited), a forged, replayed or foreign state
 * (400), the provider's error answer (400), a provider that is down (503, then retried), password
 * sign-in switched off, and configurations missing a piece (refused at start).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import Redis from 'ioredis';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { App } from '../../src/app';
import { ConfigError, loadConfig } from '../../src/config';
import { Accounts } from '../../src/handoff/console/accounts';
import { RedisConsoleStore } from '../../src/handoff/console/consoleStore';
import { spawnServer, startApp } from '../support/botServer';
import { freePort } from '../support/freePort';
import { testRedisUrl } from '../support/hooks';
import { startOidcProvider, type TestProvider } from '../support/oidcProvider';
import { waitUntil } from '../support/pageWait';
import { runCaseworkerAdd } from '../support/caseworkerCli';
import { uniquePrefix } from '../support/testKeys';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const CLIENT_ID = 'tonder-console';
const CLIENT_SECRET = 'test-client-secret-0123456789abcdefghij';
const ANNA_OID = '6f1c2a9e-1b7d-4c3e-9a51-0d2f4b8e7c11';
const STRANGER_OID = '0b9e8d7c-6a5f-4e3d-8c2b-1a0f9e8d7c6b';
const LEAD_OID = '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f';

/** The cookie header for `name` from a response's Set-Cookie lines. */
function cookieFrom(res: Response, name: string): string | undefined {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    if (pair.startsWith(`${name}=`)) return pair;
  }
  return undefined;
}

describe('console: OpenID Connect sign-in against a real provider', function () {
  this.timeout(90_000);
  let provider: TestProvider;
  let app: App;
  let url: string;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let profile: string | undefined;

  before(async function () {
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    provider = await startOidcProvider({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUri: `${publicUrl}/console/api/oidc/callback`,
      postLogoutRedirectUri: `${publicUrl}/console`,
      users: {
        anna: { oid: ANNA_OID, email: 'anna@toender.example' },
        stranger: { oid: STRANGER_OID, email: 'stranger@elsewhere.example' },
        lead: { oid: LEAD_OID, roles: ['Console.Admin'] },
      },
    });
    ({ app, url } = await startApp({
      PORT: String(port),
      REDIS_URL: testRedisUrl(),
      REDIS_KEY_PREFIX: uniquePrefix('oidc'),
      PUBLIC_URL: publicUrl,
      OIDC_ISSUER: provider.issuer,
      OIDC_CLIENT_ID: CLIENT_ID,
      OIDC_CLIENT_SECRET: CLIENT_SECRET,
      OIDC_ADMIN_ROLE: 'Console.Admin',
    }));
    await app.handoff.accounts.addOidc('anna', ANNA_OID.toUpperCase());
    await app.handoff.accounts.addOidc('lead', LEAD_OID);
  });

  after(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await app?.stop();
    await provider?.stop();
  });

  /** The browser, with no cookies left from an earlier test (neither the console's nor the provider's). */
  async function browser(): Promise<Page> {
    if (page) {
      await context!.clearCookies();
      return page;
    }
    profile = mkdtempSync(join(tmpdir(), 'tib-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1280, height: 800 } });
    page = context.pages()[0] ?? (await context.newPage());
    return page;
  }

  /** At the provider's login form: types a login name and any password. */
  async function signInAtProvider(p: Page, login: string): Promise<void> {
    await p.waitForURL((u) => u.href.startsWith(provider.issuer), { timeout: 20_000 });
    await p.fill('input[name=login]', login);
    await p.fill('input[name=password]', 'any password the test provider takes');
    await p.click('button[type=submit]');
  }

  /**
   * A sign-in without a browser: the console's login start, the provider's login form (posted with
   * a cookie jar for the provider), up to the provider's redirect to the callback, not followed.
   */
  async function signInWithFetch(login: string): Promise<{ callbackUrl: string; flowCookie: string }> {
    const start = await fetch(`${url}/console/api/oidc/login`, { redirect: 'manual' });
    const flowCookie = cookieFrom(start, 'tib_console_oidc')!;
    const jar = new Map<string, string>();
    const send = async (target: string, init: RequestInit = {}): Promise<Response> => {
      const res = await fetch(target, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
      for (const line of res.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const i = pair.indexOf('=');
        jar.set(pair.slice(0, i), pair.slice(i + 1));
      }
      return res;
    };
    let next = start.headers.get('location')!;
    for (let hop = 0; hop < 10; hop++) {
      if (next.startsWith(`${url}/console/api/oidc/callback`)) return { callbackUrl: next, flowCookie };
      const res = await send(next);
      if (res.status === 200) {
        // The provider's login form: post a login name and any password to its action.
        const html = await res.text();
        const action = /<form[^>]*action="([^"]+)"/.exec(html)![1];
        const fields = new URLSearchParams({ prompt: 'login', login, password: 'any password the test provider takes' });
        for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) fields.set(name, value);
        const posted = await send(new URL(action, provider.issuer).href, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: fields.toString() });
        next = new URL(posted.headers.get('location')!, provider.issuer).href;
      } else {
        expect(res.status, `hop ${hop} to ${next}`).to.be.oneOf([302, 303]);
        next = new URL(res.headers.get('location')!, provider.issuer).href;
      }
    }
    throw new Error('the provider did not send the browser back within 10 hops');
  }

  it('the page offers "Sign in with Microsoft"-style sign-in next to the password form (GET /console/api/config)', async () => {
    const res = await fetch(`${url}/console/api/config`);
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.equal({ localLogin: true, oidc: { provider: 'other', loginUrl: '/console/api/oidc/login' } });
  });

  it('signs in through the provider in Chromium; the session works on the API like a password one; audited as oidc', async function () {
    if (!existsSync(CHROMIUM)) return this.skip();
    const p = await browser();
    await p.goto(`${url}/console`);
    await p.locator('#oidc-signin').waitFor({ state: 'visible', timeout: 20_000 });
    expect(await p.locator('#signin-form').isVisible()).to.equal(true);
    await p.click('#oidc-signin');
    await signInAtProvider(p, 'anna');
    await p.waitForURL(`${url}/console`, { timeout: 20_000 });
    await waitUntil(p, "!document.getElementById('desk').hidden");
    expect(await p.locator('#who').innerText()).to.contain('anna');

    const cookies = await context!.cookies([`${url}/console/api/queue`, `${url}/console/api/oidc/callback`]);
    const session = cookies.find((c) => c.name === 'tib_console')!;
    expect(session.httpOnly).to.equal(true);
    expect(session.sameSite).to.equal('Strict');
    expect(cookies.find((c) => c.name === 'tib_console_oidc'), 'the flow cookie is cleared').to.equal(undefined);
    const queue = await fetch(`${url}/console/api/queue`, { headers: { cookie: `tib_console=${session.value}` } });
    expect(queue.status).to.equal(200);
    expect(await queue.json()).to.have.property('items');
    const me = (await (await fetch(`${url}/console/api/session`, { headers: { cookie: `tib_console=${session.value}` } })).json()) as { user: string; role: string; csrfToken: string };
    expect(me.user).to.equal('anna');
    expect(me.role).to.equal('caseworker');

    const audit = await app.handoff.consoleStore.readAudit(20);
    expect(audit.find((e) => e.action === 'login' && e.user === 'anna')?.detail).to.equal('oidc');

    // Signing out ends the session here and offers the provider's end-session address.
    const out = await fetch(`${url}/console/api/logout`, { method: 'POST', headers: { cookie: `tib_console=${session.value}`, 'x-csrf-token': me.csrfToken, 'content-type': 'application/json' }, body: '{}' });
    expect(out.status).to.equal(200);
    const body = (await out.json()) as { providerLogoutUrl?: string };
    expect(body.providerLogoutUrl).to.be.a('string');
    expect(new URL(body.providerLogoutUrl!).origin).to.equal(provider.issuer);
    expect(new URL(body.providerLogoutUrl!).searchParams.get('post_logout_redirect_uri')).to.equal(`${url}/console`);
    expect((await fetch(`${url}/console/api/queue`, { headers: { cookie: `tib_console=${session.value}` } })).status).to.equal(401);
  });

  it('refuses an identity without a caseworker account with 403 and says what to do; audited', async function () {
    if (!existsSync(CHROMIUM)) return this.skip();
    const p = await browser();
    await p.goto(`${url}/console`);
    await p.locator('#oidc-signin').waitFor({ state: 'visible', timeout: 20_000 });
    const answer = p.waitForResponse((r) => r.url().startsWith(`${url}/console/api/oidc/callback`), { timeout: 30_000 });
    await p.click('#oidc-signin');
    await signInAtProvider(p, 'stranger');
    const res = await answer;
    expect(res.status()).to.equal(403);
    await p.locator('#message').waitFor({ timeout: 10_000 });
    const text = await p.locator('#message').innerText();
    expect(text).to.contain('no caseworker account').and.contain('stranger@elsewhere.example').and.contain(`--oidc-subject ${STRANGER_OID}`);
    expect((await context!.cookies(`${url}/console/api/queue`)).some((c) => c.name === 'tib_console')).to.equal(false);
    const audit = await app.handoff.consoleStore.readAudit(20);
    expect(audit.some((e) => e.action === 'login_refused' && e.detail?.includes(STRANGER_OID))).to.equal(true);
  });

  it('refuses a replayed callback (the state is single use) and one from another browser (400)', async function () {
    if (!existsSync(CHROMIUM)) return this.skip();
    const p = await browser();
    // Replay: the browser's own successful callback, sent again.
    let callback = '';
    p.on('request', (r) => {
      if (r.url().startsWith(`${url}/console/api/oidc/callback`)) callback = r.url();
    });
    await p.goto(`${url}/console/api/oidc/login`);
    await signInAtProvider(p, 'anna');
    await p.waitForURL(`${url}/console`, { timeout: 20_000 });
    expect(callback).to.contain('code=');
    const again = await p.goto(callback);
    expect(again!.status()).to.equal(400);
    expect(await p.locator('#message').innerText()).to.contain('already used');

    // Another browser: a whole sign-in driven with fetch (its own cookie jar at the provider), whose
    // callback is then sent without the flow cookie of the browser that started it.
    const { callbackUrl, flowCookie } = await signInWithFetch('anna');
    const foreign = await fetch(callbackUrl, { redirect: 'manual' });
    expect(foreign.status).to.equal(400);
    expect(((await foreign.json()) as { error: { code: string } }).error.code).to.equal('wrong_browser');
    expect(foreign.headers.getSetCookie().some((c) => c.startsWith('tib_console='))).to.equal(false);
    // The flow is spent: the right browser cannot use that answer afterwards either.
    const late = await fetch(callbackUrl, { headers: { cookie: flowCookie }, redirect: 'manual' });
    expect(late.status).to.equal(400);
    expect(((await late.json()) as { error: { code: string } }).error.code).to.equal('unknown_state');

    // And the same fetch-driven flow with its own flow cookie signs in.
    const own = await signInWithFetch('anna');
    const ok = await fetch(own.callbackUrl, { headers: { cookie: own.flowCookie }, redirect: 'manual' });
    expect(ok.status).to.equal(303);
    expect(ok.headers.get('location')).to.equal('/console');
    const session = cookieFrom(ok, 'tib_console')!;
    expect((await fetch(`${url}/console/api/queue`, { headers: { cookie: session } })).status).to.equal(200);
  });

  it('OIDC_ADMIN_ROLE: the app role in the ID token makes the session admin; an OIDC account has no password', async () => {
    const lead = await signInWithFetch('lead');
    const answer = await fetch(lead.callbackUrl, { headers: { cookie: lead.flowCookie }, redirect: 'manual' });
    expect(answer.status).to.equal(303);
    const cookie = cookieFrom(answer, 'tib_console')!;
    expect(((await (await fetch(`${url}/console/api/session`, { headers: { cookie } })).json()) as { role: string }).role).to.equal('admin');
    expect((await fetch(`${url}/console/api/audit`, { headers: { cookie } })).status).to.equal(200);

    for (const password of ['', 'x'.repeat(20)]) {
      const res = await fetch(`${url}/console/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'anna', password }) });
      expect(res.status).to.be.oneOf([400, 401]);
    }
  });

  it('refuses a forged or missing state, a missing code and the provider\'s error answer with 400, never a crash', async () => {
    const forged = await fetch(`${url}/console/api/oidc/callback?code=abc&state=forged-state`, { redirect: 'manual' });
    expect(forged.status).to.equal(400);
    expect(((await forged.json()) as { error: { code: string; message: string } }).error).to.include({ code: 'unknown_state' });
    const none = await fetch(`${url}/console/api/oidc/callback?code=abc`, { redirect: 'manual' });
    expect(none.status).to.equal(400);
    expect(((await none.json()) as { error: { code: string } }).error.code).to.equal('missing_state');

    // A real start, answered with the provider's error parameters.
    const start = async () => {
      const login = await fetch(`${url}/console/api/oidc/login`, { redirect: 'manual' });
      expect(login.status).to.equal(302);
      const location = new URL(login.headers.get('location')!);
      expect(location.origin).to.equal(provider.issuer);
      expect(location.searchParams.get('code_challenge_method')).to.equal('S256');
      expect(location.searchParams.get('code_challenge')).to.match(/^[A-Za-z0-9_-]{43}$/);
      expect(location.searchParams.get('nonce')).to.be.a('string');
      expect(location.searchParams.get('redirect_uri')).to.equal(`${url}/console/api/oidc/callback`);
      const flow = cookieFrom(login, 'tib_console_oidc')!;
      expect(login.headers.getSetCookie().join()).to.match(/tib_console_oidc=[^;]+; Path=\/console\/api\/oidc; HttpOnly; SameSite=Lax; Max-Age=600/);
      return { state: location.searchParams.get('state')!, flow };
    };
    const denied = await start();
    const refused = await fetch(`${url}/console/api/oidc/callback?error=access_denied&error_description=${encodeURIComponent('The user said no')}&state=${denied.state}`, { headers: { cookie: denied.flow }, redirect: 'manual' });
    expect(refused.status).to.equal(400);
    const error = ((await refused.json()) as { error: { code: string; message: string } }).error;
    expect(error.code).to.equal('provider_refused');
    expect(error.message).to.contain('access_denied').and.contain('The user said no');

    const noCode = await start();
    const missing = await fetch(`${url}/console/api/oidc/callback?state=${noCode.state}`, { headers: { cookie: noCode.flow }, redirect: 'manual' });
    expect(missing.status).to.equal(400);
    expect(((await missing.json()) as { error: { code: string } }).error.code).to.equal('missing_code');

    // The provider names itself in the answer (RFC 9207, iss): an answer without it is refused.
    const noIss = await start();
    const mixUp = await fetch(`${url}/console/api/oidc/callback?code=some-code&state=${noIss.state}`, { headers: { cookie: noIss.flow }, redirect: 'manual' });
    expect(mixUp.status).to.equal(400);
    expect(((await mixUp.json()) as { error: { code: string; message: string } }).error.message).to.contain('"iss" (issuer) missing');

    const badCode = await start();
    const bad = await fetch(`${url}/console/api/oidc/callback?code=not-a-code-the-provider-issued&state=${badCode.state}&iss=${encodeURIComponent(provider.issuer)}`, { headers: { cookie: badCode.flow }, redirect: 'manual' });
    expect(bad.status).to.equal(400);
    const badError = ((await bad.json()) as { error: { code: string; message: string } }).error;
    expect(badError.message, JSON.stringify(badError)).to.contain('invalid_grant');
  });

  it('answers 503 while the provider is down, and signs in once it is up (discovery is retried, not cached as failed)', async () => {
    const port = await freePort();
    const providerPort = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    const second = await startApp({
      PORT: String(port),
      REDIS_URL: testRedisUrl(),
      REDIS_KEY_PREFIX: uniquePrefix('oidcdown'),
      PUBLIC_URL: publicUrl,
      OIDC_ISSUER: `http://127.0.0.1:${providerPort}`,
      OIDC_CLIENT_ID: CLIENT_ID,
      OIDC_CLIENT_SECRET: CLIENT_SECRET,
      CONSOLE_LOCAL_LOGIN: 'off',
    });
    let late: TestProvider | undefined;
    try {
      const down = await fetch(`${second.url}/console/api/oidc/login`, { redirect: 'manual' });
      expect(down.status).to.equal(503);
      expect(((await down.json()) as { error: { code: string; message: string } }).error.message).to.contain('cannot be reached');

      late = await startOidcProvider({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: `${publicUrl}/console/api/oidc/callback`, postLogoutRedirectUri: `${publicUrl}/console`, users: {}, port: providerPort });
      const up = await fetch(`${second.url}/console/api/oidc/login`, { redirect: 'manual' });
      expect(up.status).to.equal(302);
      expect(new URL(up.headers.get('location')!).origin).to.equal(late.issuer);

      // CONSOLE_LOCAL_LOGIN=off: no password sign-in, and the page is told so.
      expect(await (await fetch(`${second.url}/console/api/config`)).json()).to.include({ localLogin: false });
      const password = await fetch(`${second.url}/console/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'anna', password: 'correct horse battery staple' }) });
      expect(password.status).to.equal(403);
      expect(((await password.json()) as { error: { code: string } }).error.code).to.equal('local_login_off');
    } finally {
      await second.app.stop();
      await late?.stop();
    }
  });

  it('with Entra ID as issuer the page says "Log ind med Microsoft"; with CONSOLE_LOCAL_LOGIN=off it has no password form; nothing is fetched from Entra ID at start', async function () {
    if (!existsSync(CHROMIUM)) return this.skip();
    const entra = await startApp({
      REDIS_URL: testRedisUrl(),
      REDIS_KEY_PREFIX: uniquePrefix('oidcentra'),
      PUBLIC_URL: 'https://bot.example.dk',
      OIDC_ISSUER: 'https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0',
      OIDC_CLIENT_ID: CLIENT_ID,
      OIDC_CLIENT_SECRET: CLIENT_SECRET,
      CONSOLE_LOCAL_LOGIN: 'off',
    });
    try {
      expect(await (await fetch(`${entra.url}/console/api/config`)).json()).to.deep.equal({ localLogin: false, oidc: { provider: 'microsoft', loginUrl: '/console/api/oidc/login' } });
      const p = await browser();
      await p.goto(`${entra.url}/console`);
      await p.locator('#oidc-signin').waitFor({ state: 'visible', timeout: 20_000 });
      expect(await p.locator('#oidc-signin').innerText()).to.equal('Log ind med Microsoft');
      expect(await p.locator('#signin-form').isVisible()).to.equal(false);
      expect(await p.locator('#signin-or').isVisible()).to.equal(false);
      await p.click('#lang-toggle');
      expect(await p.locator('#oidc-signin').innerText()).to.equal('Sign in with Microsoft');
    } finally {
      await entra.app.stop();
    }
  });

  it('without OIDC configured, the routes say so (404) and the page is told to offer only the password form', async () => {
    const plain = await startApp({ REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: uniquePrefix('nooidc') });
    try {
      expect(await (await fetch(`${plain.url}/console/api/config`)).json()).to.deep.equal({ localLogin: true, oidc: null });
      const login = await fetch(`${plain.url}/console/api/oidc/login`, { redirect: 'manual' });
      expect(login.status).to.equal(404);
      expect(((await login.json()) as { error: { code: string } }).error.code).to.equal('oidc_off');
    } finally {
      await plain.app.stop();
    }
  });
});

describe('console: OpenID Connect configuration is refused at start when a piece is missing or unsafe', () => {
  const base = { OIDC_ISSUER: 'https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0', OIDC_CLIENT_ID: 'client', OIDC_CLIENT_SECRET: 'secret', PUBLIC_URL: 'https://bot.example.dk' };
  const refusal = (env: Record<string, string | undefined>): string => {
    try {
      loadConfig({ ENABLED_LOCALES: 'da,en', ...env });
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError);
      return (err as Error).message;
    }
    throw new Error('the configuration was accepted');
  };

  it('accepts Entra ID for one tenant and builds the redirect URI from PUBLIC_URL', () => {
    const config = loadConfig({ ENABLED_LOCALES: 'da,en', ...base, OIDC_ADMIN_ROLE: 'Console.Admin' });
    expect(config.handoff.oidc).to.include({ redirectUri: 'https://bot.example.dk/console/api/oidc/callback', allowHttpIssuer: false, adminRole: 'Console.Admin' });
    expect(loadConfig({ ENABLED_LOCALES: 'da,en' }).handoff.oidc).to.equal(undefined);
  });

  it('names what is missing of the three, and PUBLIC_URL', () => {
    expect(refusal({ OIDC_ISSUER: base.OIDC_ISSUER })).to.contain('OIDC_CLIENT_ID must be set').and.contain('missing: OIDC_CLIENT_ID, OIDC_CLIENT_SECRET');
    expect(refusal({ OIDC_CLIENT_ID: 'c', OIDC_CLIENT_SECRET: 's' })).to.contain('OIDC_ISSUER must be set');
    expect(refusal({ ...base, PUBLIC_URL: undefined })).to.contain('PUBLIC_URL').and.contain('/console/api/oidc/callback');
  });

  it('refuses plain http except for a provider on this machine outside production, Entra ID\'s multi-tenant issuers, and CONSOLE_LOCAL_LOGIN=off alone', () => {
    expect(refusal({ ...base, OIDC_ISSUER: 'http://idp.example.dk' })).to.contain('OIDC_ISSUER must be an https:// URL');
    expect(loadConfig({ ENABLED_LOCALES: 'da,en', ...base, OIDC_ISSUER: 'http://127.0.0.1:9000' }).handoff.oidc?.allowHttpIssuer).to.equal(true);
    expect(refusal({ ...base, OIDC_ISSUER: 'http://127.0.0.1:9000', NODE_ENV: 'production', DIRECTLINE_TOKEN_SECRET: 'x'.repeat(32), API_MESSAGES: 'off' })).to.contain('never when NODE_ENV is production');
    expect(refusal({ ...base, OIDC_ISSUER: 'https://login.microsoftonline.com/common/v2.0' })).to.contain('not common');
    expect(refusal({ ...base, OIDC_ISSUER: 'https://login.microsoftonline.com/organizations/v2.0' })).to.contain('one tenant');
    expect(refusal({ CONSOLE_LOCAL_LOGIN: 'off' })).to.contain('CONSOLE_LOCAL_LOGIN must be on unless OpenID Connect');
  });

  it('caseworker:add --oidc-subject makes an account without a password that the subject signs in as', async () => {
    const prefix = uniquePrefix('oidccli');
    const run = (args: string[]) => runCaseworkerAdd(prefix, args);
    const saved = await run(['--user', 'bo', '--role', 'admin', '--oidc-subject', ANNA_OID.toUpperCase()]);
    expect(saved.code, saved.out).to.equal(0);
    expect(saved.out).to.contain(`subject ${ANNA_OID}`);
    const bad = await run(['--user', 'bo', '--oidc-subject', 'has spaces in it']);
    expect(bad.code).to.equal(1);
    expect(bad.out).to.contain('Refused');
    const client = new Redis(testRedisUrl());
    try {
      const accounts = new Accounts(new RedisConsoleStore(client, prefix));
      expect(await accounts.findByOidcSubject(ANNA_OID)).to.include({ user: 'bo', role: 'admin', hash: '' });
      expect(await accounts.findByOidcSubject(STRANGER_OID)).to.equal(undefined);
      // Made a password account again, the old subject no longer signs in as it.
      await accounts.add('bo', 'a long enough password');
      expect(await accounts.findByOidcSubject(ANNA_OID)).to.equal(undefined);
    } finally {
      await client.quit();
    }
  });

  it('the service process does not start with a piece missing, and says which', async () => {
    let message = '';
    try {
      const server = await spawnServer({ OIDC_ISSUER: base.OIDC_ISSUER, OIDC_CLIENT_SECRET: 'secret' });
      await server.stop();
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).to.contain('server exited with 1').and.contain('Configuration error: OIDC_CLIENT_ID must be set');
  });
});
