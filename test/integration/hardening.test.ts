/**
 * Regression tests for the hardening issue (#14), one block per numbered defect that this branch
 * fixes: 1 malformed escapes, 2 unanswered upgrades, 3 compressed bodies, 5 per-client limits,
 * 6 local mode, 7 "delete my data", 11 wrong-typed fields, from.name, 404, logs.
 */
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { expect } from 'chai';
import pino from 'pino';
import sinon from 'sinon';
import Redis from 'ioredis';
import type { Activity } from 'botbuilder';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { Metrics } from '../../src/metrics';
import { RedisStore } from '../../src/state/redisStore';
import { startApp, testEnv } from '../support/botServer';
import { activity, post, say, type Conversation } from '../support/activities';
import { testRedisUrl } from '../support/hooks';
import { uniquePrefix } from '../support/testKeys';

const SECRET = 'hardening-test-secret-0123456789abcdef';
const DL = '/v3/directline';

/** Sends raw bytes and collects what comes back until the server closes the socket (or `ms` pass). */
function rawExchange(url: string, request: string, ms = 3000): Promise<{ response: string; closedByServer: boolean }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    let response = '';
    const socket = connect(Number(port), hostname, () => socket.write(request));
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ response, closedByServer: false });
    }, ms);
    socket.on('data', (d) => (response += d.toString()));
    socket.on('error', () => undefined);
    socket.on('end', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ response, closedByServer: true });
    });
  });
}

function upgradeRequest(path: string): string {
  return `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;
}

async function json(res: Response): Promise<Record<string, unknown>> {
  const text = await res.text();
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { raw: text };
  }
}

async function pageToken(url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/api/directline/token`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
}

async function startConversation(url: string, userId?: string): Promise<{ conversationId: string; token: string }> {
  const token = (await (await pageToken(url, userId ? { user: { id: userId } } : undefined)).json()) as { conversationId: string; token: string };
  const res = await fetch(`${url}${DL}/conversations`, { method: 'POST', headers: { authorization: `Bearer ${token.token}` } });
  expect(res.status).to.equal(201);
  return token;
}

async function dlPost(url: string, conv: { conversationId: string; token: string }, body: unknown): Promise<Response> {
  return fetch(`${url}${DL}/conversations/${conv.conversationId}/activities`, {
    method: 'POST',
    headers: { authorization: `Bearer ${conv.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function dlActivities(url: string, conv: { conversationId: string; token: string }): Promise<{ status: number; activities: Partial<Activity>[] }> {
  const res = await fetch(`${url}${DL}/conversations/${conv.conversationId}/activities`, { headers: { authorization: `Bearer ${conv.token}` } });
  const body = (await json(res)) as { activities?: Partial<Activity>[] };
  return { status: res.status, activities: body.activities ?? [] };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('hardening (#14)', function () {
  this.timeout(60_000);

  describe('1, 2, 3: every request is answered and none takes the process down', () => {
    let app: App;
    let url: string;
    before(async () => ({ app, url } = await startApp({ DIRECTLINE_TOKEN_SECRET: SECRET, MAX_BODY_BYTES: '4096' })));
    after(() => app.stop());

    it('1: a WebSocket upgrade with a malformed %-escape gets 400 and the socket is closed', async () => {
      const { response, closedByServer } = await rawExchange(url, upgradeRequest(`${DL}/conversations/%ZZ/stream?t=x`));
      expect(response).to.match(/^HTTP\/1\.1 400 /);
      expect(response).to.contain('"error"');
      expect(closedByServer).to.equal(true);
      expect((await fetch(`${url}/healthz`)).status).to.equal(200);
    });

    it('1: a malformed %-escape in any route\'s path gets 400 JSON', async () => {
      for (const path of [`${DL}/conversations/%ZZ`, `${DL}/conversations/%E0%A4%A/activities`, '/api/messages%ZZ', '/%']) {
        const res = await fetch(`${url}${path}`, { headers: { authorization: 'Bearer x' } });
        expect(res.status, path).to.equal(400);
        expect(JSON.stringify(await json(res))).to.match(/malformed/);
      }
    });

    it('2: upgrades on other paths, or with an empty conversation id, are answered 404 and closed', async () => {
      for (const path of ['/nothing-here', '/api/messages', `${DL}/conversations//stream`, '/healthz']) {
        const { response, closedByServer } = await rawExchange(url, upgradeRequest(path));
        expect(response, path).to.match(/^HTTP\/1\.1 404 /);
        expect(closedByServer, `${path} closed by the server`).to.equal(true);
      }
      // a refused stream (bad token) is closed too
      const refused = await rawExchange(url, upgradeRequest(`${DL}/conversations/abc/stream?t=forged`));
      expect(refused.response).to.match(/^HTTP\/1\.1 40[34] /);
      expect(refused.closedByServer).to.equal(true);
    });

    it('3: a compressed body is refused with 415 before anything inflates it; a corrupt one too', async () => {
      const bomb = gzipSync(Buffer.from(JSON.stringify({ user: { id: 'u_bomb' }, pad: 'x'.repeat(2_000_000) })));
      expect(bomb.length).to.be.lessThan(4096);
      for (const [route, body] of [
        ['/api/directline/token', bomb],
        ['/api/messages', bomb],
        ['/api/directline/token', Buffer.from('not gzip at all')],
      ] as const) {
        const res = await fetch(`${url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body });
        expect(res.status, route).to.equal(415);
        expect(JSON.stringify(await json(res))).to.match(/uncompressed/);
      }
      const deflate = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'deflate' }, body: '{}' });
      expect(deflate.status).to.equal(415);
      expect((await fetch(`${url}/healthz`)).status).to.equal(200);
    });

    it('a handler that throws synchronously gets a JSON 500 without internals, and the service goes on', async () => {
      app.server.get('/test-only/throws', () => {
        throw new Error('secret internal detail');
      });
      app.server.get('/test-only/rejects', async () => {
        throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      });
      const thrown = await fetch(`${url}/test-only/throws`);
      expect(thrown.status).to.equal(500);
      expect(await thrown.text()).to.not.match(/secret internal detail|at .*\.ts/);
      const outage = await fetch(`${url}/test-only/rejects`);
      expect(outage.status).to.equal(503);
      expect(outage.headers.get('retry-after')).to.match(/^\d+$/);
      expect((await fetch(`${url}/healthz`)).status).to.equal(200);
    });
  });

  describe('5: per-client limits on starting conversations and asking for tokens, shared by every instance', () => {
    let apps: App[] = [];
    let urls: string[] = [];
    const prefix = uniquePrefix('limits');
    const env = { DIRECTLINE_TOKEN_SECRET: SECRET, REDIS_URL: '', REDIS_KEY_PREFIX: prefix, RATE_NEW_CONVERSATIONS_PER_MINUTE: '5', RATE_TOKENS_PER_MINUTE: '8' };
    before(async () => {
      env.REDIS_URL = testRedisUrl();
      const started = await Promise.all([startApp(env), startApp(env)]);
      apps = started.map((s) => s.app);
      urls = started.map((s) => s.url);
    });
    after(() => Promise.all(apps.map((a) => a.stop())));

    it('429 with Retry-After once one client has started its conversations, counted over two instances', async () => {
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 7; i++) {
        const server = urls[i % 2];
        const token = (await (await pageToken(server)).json()) as { token: string };
        const res = await fetch(`${server}${DL}/conversations`, { method: 'POST', headers: { authorization: `Bearer ${token.token}`, 'x-forwarded-for': `198.51.100.${i}` } });
        statuses.push(res.status);
        if (res.status === 429) {
          retryAfter = res.headers.get('retry-after');
          expect(((await res.json()) as { error: { code: string } }).error.code).to.equal('TooManyRequests');
        }
      }
      // X-Forwarded-For is not trusted without TRUST_PROXY: all seven count against 127.0.0.1
      expect(statuses).to.deep.equal([201, 201, 201, 201, 201, 429, 429]);
      expect(Number(retryAfter)).to.be.within(1, 60);
      // token requests are limited too (8 per minute; 7 asked above)
      const more = await Promise.all([pageToken(urls[0]), pageToken(urls[1])]);
      expect(more.map((r) => r.status).sort()).to.deep.equal([200, 429]);
    });

    it('behind TRUST_PROXY, each client address counts on its own', async () => {
      const { app, url } = await startApp({ ...env, REDIS_KEY_PREFIX: uniquePrefix('limits-proxy'), TRUST_PROXY: '1' });
      try {
        const fromA = [];
        for (let i = 0; i < 6; i++) fromA.push((await pageToken(url, undefined, { 'x-forwarded-for': '203.0.113.7' })).status);
        expect(fromA.slice(0, 6)).to.deep.equal([200, 200, 200, 200, 200, 200]);
        const fromB = await pageToken(url, undefined, { 'x-forwarded-for': '203.0.113.8, 10.0.0.1' });
        // with one trusted proxy, the proxy's own entry (10.0.0.1) is the client
        expect(fromB.status).to.equal(200);
        for (let i = 0; i < 3; i++) await pageToken(url, undefined, { 'x-forwarded-for': '203.0.113.7' });
        expect((await pageToken(url, undefined, { 'x-forwarded-for': '203.0.113.7' })).status).to.equal(429);
        expect((await pageToken(url, undefined, { 'x-forwarded-for': '203.0.113.9' })).status).to.equal(200);
      } finally {
        await app.stop();
      }
    });
  });

  describe('6: /api/messages in local mode', () => {
    let app: App;
    let url: string;
    before(async () => ({ app, url } = await startApp({ DIRECTLINE_TOKEN_SECRET: SECRET, TRUST_PROXY: '1' })));
    after(() => app.stop());
    const conv: Conversation = { channelId: 'emulator', conversationId: 'local-mode', userId: 'u-local' };
    const send = (body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

    it('refuses callers from another machine and serviceUrls off this machine (no request forgery)', async () => {
      const remote = await send(activity(conv, { text: 'hej' }), { 'x-forwarded-for': '203.0.113.5' });
      expect(remote.status).to.equal(403);
      expect(((await remote.json()) as { message: string }).message).to.match(/only this machine/);
      for (const serviceUrl of ['http://169.254.169.254/latest', 'https://example.org/', 'http://10.0.0.1:3978', 'file:///etc/passwd']) {
        const res = await send(activity(conv, { text: 'hej', serviceUrl }));
        expect(res.status, serviceUrl).to.equal(403);
      }
      expect((await send(activity(conv, { text: 'hej' }))).status).to.equal(200);
    });

    it('refuses the self-hosted channel\'s id and serviceUrl: nobody can write into a web chat through it', async () => {
      const victim = await startConversation(url);
      const before = (await dlActivities(url, victim)).activities.length;
      const spoofs = [
        activity({ channelId: 'directline', conversationId: victim.conversationId, userId: 'attacker' }, { text: 'Dansk' }),
        activity({ channelId: 'emulator', conversationId: victim.conversationId, userId: 'attacker' }, { text: 'Dansk', serviceUrl: `${url}/directline/bot`, deliveryMode: 'normal' }),
      ];
      for (const spoof of spoofs) {
        const res = await send(spoof);
        expect(res.status, JSON.stringify(spoof)).to.equal(403);
      }
      expect((await dlActivities(url, victim)).activities.length).to.equal(before);
    });

    it('answers an activity without "from" with 400 naming it', async () => {
      const body: Record<string, unknown> = { ...activity(conv, { text: 'hej' }) };
      delete body.from;
      const res = await send(body);
      expect(res.status).to.equal(400);
      expect(((await res.json()) as { message: string }).message).to.contain('from');
    });

    it('refuses to start in production without credentials, unless /api/messages is off', async () => {
      const production = { NODE_ENV: 'production', DIRECTLINE_TOKEN_SECRET: SECRET };
      expect(() => loadConfig(testEnv(production))).to.throw(/MicrosoftAppId must be set when NODE_ENV is production/);
      expect(loadConfig(testEnv({ ...production, API_MESSAGES: 'off' })).protection.apiMessages).to.equal('off');
      const { app: off, url: offUrl } = await startApp({ API_MESSAGES: 'off' });
      try {
        const res = await fetch(`${offUrl}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity(conv, { text: 'hej' })) });
        expect(res.status).to.be.oneOf([404, 405]);
        expect((await fetch(`${offUrl}/healthz`)).status).to.equal(200);
      } finally {
        await off.stop();
      }
    });
  });

  describe('11: wrong-typed fields, names, unknown conversations, logs', () => {
    let app: App;
    let url: string;
    const lines: string[] = [];
    before(async () => {
      const config = loadConfig(testEnv({ DIRECTLINE_TOKEN_SECRET: SECRET, LOG_LEVEL: 'info' }));
      const sink = new Writable({
        write(chunk: Buffer, _enc, done) {
          lines.push(chunk.toString());
          done();
        },
      });
      app = createApp(config, { log: pino({ level: 'info' }, sink), metrics: new Metrics({ defaultMetrics: false }) });
      url = `http://127.0.0.1:${await app.listen()}`;
    });
    after(() => app.stop());
    afterEach(() => sinon.restore());

    it('answers a wrong-typed field with 400 naming it, on /api/messages and on Direct Line', async () => {
      const conv: Conversation = { channelId: 'emulator', conversationId: 'typed', userId: 'u-typed' };
      const dl = await startConversation(url);
      for (const [field, value] of [
        ['text', { evil: true }],
        ['locale', 42],
        ['attachments', 'x'],
        ['entities', [1]],
        ['timestamp', 'not a date'],
        ['channelData', 'x'],
      ] as const) {
        const res = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...activity(conv, {}), [field]: value }) });
        expect(res.status, field).to.equal(400);
        expect(((await res.json()) as { message: string }).message, field).to.contain(`"${field}"`);
        const viaDl = await dlPost(url, dl, { type: 'message', text: 'hej', [field]: value });
        expect(viaDl.status, `direct line ${field}`).to.equal(400);
        expect(JSON.stringify(await json(viaDl)), field).to.contain(field);
      }
      const membersAdded = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity(conv, { type: 'conversationUpdate', membersAdded: [null as never] })) });
      expect(membersAdded.status).to.equal(400);
    });

    it('never takes the client\'s own from.name on Direct Line', async () => {
      const dl = await startConversation(url);
      const res = await dlPost(url, dl, { type: 'message', text: 'Dansk', from: { id: 'x', name: 'Caseworker' } });
      expect(res.status).to.equal(200);
      const { activities } = await dlActivities(url, dl);
      const mine = activities.filter((a) => a.from?.role === 'user');
      expect(mine.length).to.be.greaterThan(0);
      expect(mine.every((a) => a.from?.name === undefined)).to.equal(true);
    });

    it('GET of an unknown conversation with a valid token answers 404; another existing one 403', async () => {
      const mine = await startConversation(url);
      const other = await startConversation(url);
      const unknown = await fetch(`${url}${DL}/conversations/NoSuchConversation123`, { headers: { authorization: `Bearer ${mine.token}` } });
      expect(unknown.status).to.equal(404);
      expect(((await unknown.json()) as { error: { code: string } }).error.code).to.equal('ConversationNotFound');
      const foreign = await fetch(`${url}${DL}/conversations/${other.conversationId}`, { headers: { authorization: `Bearer ${mine.token}` } });
      expect(foreign.status).to.equal(403);
    });

    it('reconnecting (GET) to a conversation minted by the token source but not yet started starts it', async () => {
      const token = (await (await pageToken(url)).json()) as { conversationId: string; token: string };
      const res = await fetch(`${url}${DL}/conversations/${token.conversationId}`, { headers: { authorization: `Bearer ${token.token}` } });
      expect(res.status).to.equal(200);
      const body = (await res.json()) as { conversationId: string; streamUrl: string };
      expect(body.conversationId).to.equal(token.conversationId);
      expect(body.streamUrl).to.match(/^ws:/);
      const welcomed = await until('the welcome', async () => {
        const { activities } = await dlActivities(url, token);
        return activities.some((a) => a.from?.role === 'bot') ? activities : undefined;
      });
      expect(welcomed.length).to.be.greaterThan(0);
    });

    it('keeps conversation ids out of error logs', async () => {
      const dl = await startConversation(url);
      const conv: Conversation = { channelId: 'emulator', conversationId: 'conv-9f8e7d6c5b4a3921', userId: 'u-logs' };
      lines.length = 0;
      sinon.stub(app.bot, 'run').callsFake(async (ctx) => {
        throw new Error(`injected fault in ${ctx.activity.channelId}/conversations/${ctx.activity.conversation.id}`);
      });
      await post(url, activity(conv, { text: 'hej' }));
      await dlPost(url, dl, { type: 'message', text: 'hej' });
      sinon.restore();
      const errors = lines.filter((l) => /"level":(50|40|30)/.test(l));
      expect(errors.some((l) => /injected fault/.test(l)), 'the failures are logged').to.equal(true);
      for (const id of [conv.conversationId, dl.conversationId]) expect(errors.join('\n')).to.not.contain(id);
    });
  });

  describe('7: "delete my data" erases every conversation of the user on the channel', () => {
    let app: App;
    let url: string;
    let redis: Redis;
    const prefix = uniquePrefix('erase');
    before(async () => {
      ({ app, url } = await startApp({ DIRECTLINE_TOKEN_SECRET: SECRET, REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix }));
      redis = new Redis(testRedisUrl());
    });
    after(async () => {
      await redis.quit();
      await app.stop();
    });

    it('deletes the other conversations\' state and the user index (Bot Framework channel)', async () => {
      const a: Conversation = { channelId: 'emulator', conversationId: `erase-a-${Date.now()}`, userId: 'u-erase' };
      const b: Conversation = { ...a, conversationId: `erase-b-${Date.now()}` };
      await say(url, a, 'hej');
      await say(url, a, 'Dansk');
      await say(url, b, 'hej');
      const store = new RedisStore(redis, { prefix, ttlMs: 60_000 });
      const stateOf = (c: Conversation) => redis.get(store.redisKey(`${c.channelId}/conversations/${c.conversationId}/`));
      // the index of the user's conversations is part of the user's state
      const indexKey = store.redisKey('emulator/users/u-erase/');
      expect(await stateOf(a)).to.be.a('string');
      expect(await redis.get(indexKey)).to.contain(a.conversationId);
      expect((await app.handoff.transcript.read(a.conversationId)).length, 'a transcript was kept').to.be.greaterThan(0);
      await say(url, b, 'slet mine data');
      const done = await say(url, b, 'ja');
      expect(done.map((r) => r.text).join(' ')).to.match(/slettet|deleted/);
      expect(await stateOf(a), 'the other conversation\'s state').to.equal(null);
      expect(await redis.get(indexKey)).to.equal(null);
      expect(await app.handoff.transcript.read(a.conversationId), 'the other conversation\'s transcript').to.deep.equal([]);
    });

    it('deletes the user\'s other Direct Line conversations: record, messages, numbering', async () => {
      const first = await startConversation(url, 'u_eraseme');
      await until('the welcome', async () => ((await dlActivities(url, first)).activities.length > 0 ? true : undefined));
      await dlPost(url, first, { type: 'message', text: 'min adresse er hemmelig' });
      const second = await startConversation(url, 'u_eraseme');
      await dlPost(url, second, { type: 'message', text: 'Dansk' });
      await dlPost(url, second, { type: 'message', text: 'slet mine data' });
      await dlPost(url, second, { type: 'message', text: 'ja' });
      const left = await until('the confirmation', async () => {
        const { activities } = await dlActivities(url, second);
        return activities.some((x) => /slettet/.test(x.text ?? '')) ? activities : undefined;
      });
      expect(left.map((x) => x.text)).to.deep.equal(['Nu er dine data slettet. Skriv til mig, hvis du vil starte igen.']);
      expect((await dlActivities(url, first)).status, 'the first conversation is gone').to.equal(404);
      const keys = await redis.keys(`${prefix}dl:{${first.conversationId}}:*`);
      expect(keys).to.deep.equal([]);
    });
  });
});
