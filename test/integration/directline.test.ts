import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import Redis from 'ioredis';
import WebSocket from 'ws';
import type { Activity, ConversationReference } from 'botbuilder';
import type { App } from '../../src/app';
import { DirectLineTokens } from '../../src/channels/directline/tokens';
import { startApp } from '../support/botServer';
import { testRedisUrl } from '../support/hooks';
import { uniquePrefix } from '../support/testKeys';

const SECRET = 'integration-test-secret-0123456789abcdef';
const DL = '/v3/directline';

interface TokenAnswer {
  conversationId: string;
  token: string;
  expires_in: number;
  domain?: string;
  streamUrl?: string;
}

async function call(url: string, path: string, init: { method?: string; token?: string; body?: unknown; raw?: string } = {}): Promise<{ status: number; body: unknown; headers: Headers }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const res = await fetch(`${url}${path}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: the assertion on the body will say so
  }
  return { status: res.status, body, headers: res.headers };
}

function expectError(res: { status: number; body: unknown }, status: number, code?: string): void {
  expect(res.status, JSON.stringify(res.body)).to.equal(status);
  const error = (res.body as { error?: { code?: unknown; message?: unknown } }).error;
  expect(error, `a Direct Line error body: ${JSON.stringify(res.body)}`).to.be.an('object');
  expect(error!.code).to.be.a('string');
  expect(error!.message).to.be.a('string').and.not.equal('');
  if (code) expect(error!.code).to.equal(code);
}

async function newConversation(url: string): Promise<TokenAnswer> {
  const token = (await call(url, '/api/directline/token', { method: 'POST' })).body as TokenAnswer;
  const started = await call(url, `${DL}/conversations`, { method: 'POST', token: token.token, body: {} });
  expect(started.status).to.equal(201);
  return started.body as TokenAnswer;
}

function streamStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('unexpected-response', (_req, res: IncomingMessage) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', (err) => (err.message.includes('Unexpected server response') ? undefined : reject(err)));
  });
}

async function untilActivities(url: string, conv: TokenAnswer, predicate: (a: Partial<Activity>[]) => boolean): Promise<Partial<Activity>[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const res = await call(url, `${DL}/conversations/${conv.conversationId}/activities`, { token: conv.token });
    const activities = (res.body as { activities: Partial<Activity>[] }).activities;
    if (predicate(activities)) return activities;
    if (Date.now() > deadline) throw new Error(`activities never matched: ${JSON.stringify(activities.map((a) => a.text))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('Direct Line (self-hosted): every refusal is a JSON error and nothing crashes', () => {
  let app: App;
  let url: string;
  const tokens = new DirectLineTokens(SECRET);

  before(async () => {
    ({ app, url } = await startApp({ DIRECTLINE_TOKEN_SECRET: SECRET, DIRECTLINE_POSTS_PER_MINUTE: '3' }));
  });
  after(async () => {
    await app.stop();
  });
  afterEach(async () => {
    expect((await fetch(`${url}/healthz`)).status, 'the service still answers').to.equal(200);
  });

  it('401 without a token, on every route that needs one', async () => {
    const conv = await newConversation(url);
    expectError(await call(url, `${DL}/conversations`, { method: 'POST', body: {} }), 401, 'MissingToken');
    expectError(await call(url, `${DL}/tokens/refresh`, { method: 'POST' }), 401, 'MissingToken');
    expectError(await call(url, `${DL}/conversations/${conv.conversationId}`), 401, 'MissingToken');
    expectError(await call(url, `${DL}/conversations/${conv.conversationId}/activities`), 401, 'MissingToken');
    expectError(await call(url, `${DL}/conversations/${conv.conversationId}/activities`, { method: 'POST', body: { type: 'message', text: 'x' } }), 401, 'MissingToken');
    expect(await streamStatus(`${url.replace('http', 'ws')}${DL}/conversations/${conv.conversationId}/stream`)).to.equal(401);
  });

  it('403 for a forged token: another secret, a changed claim, or garbage', async () => {
    const conv = await newConversation(url);
    const other = new DirectLineTokens('another-secret-another-secret-0000000').issue({ kind: 'user', conversationId: conv.conversationId, userId: 'u' });
    const [v, claims, sig] = conv.token.split('.');
    const changed = JSON.parse(Buffer.from(claims, 'base64url').toString()) as Record<string, unknown>;
    changed.exp = (changed.exp as number) + 86_400;
    const tampered = `${v}.${Buffer.from(JSON.stringify(changed)).toString('base64url')}.${sig}`;
    for (const token of [other, tampered, 'not-a-token', `${v}.${claims}`]) {
      expectError(await call(url, `${DL}/conversations/${conv.conversationId}/activities`, { token }), 403, 'InvalidToken');
    }
    expect(await streamStatus(`${url.replace('http', 'ws')}${DL}/conversations/${conv.conversationId}/stream?t=${encodeURIComponent(tampered)}`)).to.equal(403);
  });

  it('403 TokenExpired for an expired token; the standard refresh refuses it too', async () => {
    const conv = await newConversation(url);
    const expired = new DirectLineTokens(SECRET, () => Date.now() - 3_600_000).issue({ kind: 'user', conversationId: conv.conversationId, userId: 'u' });
    expectError(await call(url, `${DL}/conversations/${conv.conversationId}/activities`, { token: expired }), 403, 'TokenExpired');
    expectError(await call(url, `${DL}/conversations/${conv.conversationId}/activities`, { method: 'POST', token: expired, body: { type: 'message', text: 'x' } }), 403, 'TokenExpired');
    expectError(await call(url, `${DL}/tokens/refresh`, { method: 'POST', token: expired }), 403, 'TokenExpired');
  });

  it('403 for someone else\'s conversation, reading, posting or streaming', async () => {
    const a = await newConversation(url);
    const b = await newConversation(url);
    expectError(await call(url, `${DL}/conversations/${b.conversationId}/activities`, { token: a.token }), 403, 'WrongConversation');
    expectError(await call(url, `${DL}/conversations/${b.conversationId}`, { token: a.token }), 403, 'WrongConversation');
    expectError(await call(url, `${DL}/conversations/${b.conversationId}/activities`, { method: 'POST', token: a.token, body: { type: 'message', text: 'hi' } }), 403, 'WrongConversation');
    expect(await streamStatus(`${url.replace('http', 'ws')}${DL}/conversations/${b.conversationId}/stream?t=${encodeURIComponent(a.token)}`)).to.equal(403);
    // and the other conversation did not get anything
    const bActivities = (await call(url, `${DL}/conversations/${b.conversationId}/activities`, { token: b.token })).body as { activities: Partial<Activity>[] };
    expect(bActivities.activities.filter((x) => x.from?.role === 'user')).to.deep.equal([]);
  });

  it('404 for a conversation that does not exist (never started, or unknown to the secret)', async () => {
    const fresh = (await call(url, '/api/directline/token', { method: 'POST' })).body as TokenAnswer;
    expectError(await call(url, `${DL}/conversations/${fresh.conversationId}/activities`, { token: fresh.token }), 404, 'ConversationNotFound');
    expectError(await call(url, `${DL}/conversations/nope/activities`, { token: SECRET }), 404, 'ConversationNotFound');
    expectError(await call(url, `${DL}/conversations/${'x'.repeat(200)}/activities`, { token: SECRET }), 404);
  });

  it('413 for an activity over the size limit', async () => {
    const conv = await newConversation(url);
    const res = await call(url, `${DL}/conversations/${conv.conversationId}/activities`, {
      method: 'POST',
      token: conv.token,
      body: { type: 'message', text: 'x'.repeat(300_000) },
    });
    expectError(res, 413);
  });

  it('429 with Retry-After for too many posts from one conversation; another conversation is not affected', async () => {
    const conv = await newConversation(url);
    const post = (c: TokenAnswer) => call(url, `${DL}/conversations/${c.conversationId}/activities`, { method: 'POST', token: c.token, body: { type: 'message', text: 'hjælp' } });
    for (let i = 0; i < 3; i += 1) expect((await post(conv)).status).to.equal(200);
    const refused = await post(conv);
    expectError(refused, 429, 'TooManyRequests');
    expect(Number(refused.headers.get('retry-after'))).to.be.within(1, 60);
    expect((await post(await newConversation(url))).status).to.equal(200);
  });

  it('400 for a body that is not JSON or not an activity, in the same error shape', async () => {
    const conv = await newConversation(url);
    const path = `${DL}/conversations/${conv.conversationId}/activities`;
    expectError(await call(url, path, { method: 'POST', token: conv.token, raw: '{"type": "mess' }), 400);
    expectError(await call(url, path, { method: 'POST', token: conv.token, body: [1, 2] }), 400, 'BadArgument');
    expectError(await call(url, path, { method: 'POST', token: conv.token, body: { text: 'no type' } }), 400, 'BadArgument');
  });

  it('tokens/generate needs the server secret; refresh keeps the conversation and user', async () => {
    const conv = await newConversation(url);
    expectError(await call(url, `${DL}/tokens/generate`, { method: 'POST', token: conv.token }), 403, 'InvalidToken');
    const reconnect = await call(url, `${DL}/conversations/${conv.conversationId}?watermark=1`, { token: SECRET });
    expect(reconnect.status).to.equal(200);
    expect(JSON.stringify(reconnect.body), 'the secret is never sent back').not.to.contain(SECRET);
    expect((reconnect.body as TokenAnswer).streamUrl).to.match(/\/stream\?t=dl1\.[^&]+&watermark=1$/);
    const generated = await call(url, `${DL}/tokens/generate`, { method: 'POST', token: SECRET, body: { user: { id: 'server-user' } } });
    expect(generated.status).to.equal(200);
    expect(generated.body).to.have.keys('conversationId', 'token', 'expires_in');

    const refreshed = (await call(url, `${DL}/tokens/refresh`, { method: 'POST', token: conv.token })).body as TokenAnswer;
    expect(refreshed.conversationId).to.equal(conv.conversationId);
    expect(refreshed.expires_in).to.equal(1800);
    const before = tokens.verify(conv.token);
    const after = tokens.verify(refreshed.token);
    expect(after.ok && before.ok && after.claims.userId === before.claims.userId).to.equal(true);
  });

  it('the page\'s token source renews a token that expired yesterday while the conversation is kept, never a stranger\'s', async () => {
    const conv = await newConversation(url);
    const yesterday = new DirectLineTokens(SECRET, () => Date.now() - 86_400_000);
    const claims = tokens.verify(conv.token);
    if (!claims.ok) throw new Error('token');
    const old = yesterday.issue({ kind: 'user', conversationId: conv.conversationId, userId: claims.claims.userId });
    const renewed = await call(url, '/api/directline/token', { method: 'POST', token: old });
    expect(renewed.status).to.equal(200);
    expect((renewed.body as TokenAnswer).conversationId).to.equal(conv.conversationId);
    expect(JSON.stringify(renewed.body)).not.to.contain(SECRET);

    const forged = new DirectLineTokens('another-secret-another-secret-0000000').issue({ kind: 'user', conversationId: conv.conversationId, userId: 'x' });
    expectError(await call(url, '/api/directline/token', { method: 'POST', token: forged }), 403, 'InvalidToken');
    const ancient = new DirectLineTokens(SECRET, () => Date.now() - 40 * 86_400_000).issue({ kind: 'user', conversationId: conv.conversationId, userId: 'x' });
    expectError(await call(url, '/api/directline/token', { method: 'POST', token: ancient }), 403, 'TokenExpired');
  });

  it('the connector endpoints (the bot\'s serviceUrl) only take the bot\'s token', async () => {
    const conv = await newConversation(url);
    const path = `/directline/bot/v3/conversations/${conv.conversationId}/activities`;
    const body = { type: 'message', text: 'pretending to be the bot' };
    expectError(await call(url, path, { method: 'POST', body }), 401, 'MissingToken');
    expectError(await call(url, path, { method: 'POST', token: conv.token, body }), 403, 'InvalidToken');
    const botToken = tokens.issue({ kind: 'bot', conversationId: '', userId: '' });
    expectError(await call(url, '/directline/bot/v3/conversations/unknown/activities', { method: 'POST', token: botToken, body }), 404, 'ConversationNotFound');
    const ok = await call(url, `${path}/some-activity`, { method: 'POST', token: botToken, body: { type: 'message', text: 'from the bot' } });
    expect(ok.status).to.equal(200);
    const [last] = (await untilActivities(url, conv, (a) => a.some((x) => x.text === 'from the bot'))).slice(-1);
    expect(last).to.include({ text: 'from the bot', replyToId: 'some-activity', channelId: 'directline' });
    expect(last.from?.role).to.equal('bot');
  });

  it('a proactive message (continueConversationAsync with a stored reference) reaches the conversation', async () => {
    const conv = await newConversation(url);
    const [welcome] = await untilActivities(url, conv, (a) => a.length > 0);
    const bot = tokens.verify(conv.token);
    if (!bot.ok) throw new Error('token');
    const serviceUrl = `${url}/directline/bot`;
    const reference: Partial<ConversationReference> = {
      channelId: 'directline',
      serviceUrl,
      conversation: { id: conv.conversationId } as ConversationReference['conversation'],
      user: { id: bot.claims.userId, name: '' },
      bot: welcome.from as ConversationReference['bot'],
    };
    await app.adapter.continueConversationAsync('', reference, async (context) => {
      await context.sendActivity('caseworker: proactive hello');
    });
    await untilActivities(url, conv, (a) => a.some((x) => x.text === 'caseworker: proactive hello'));
  });
});

describe('Direct Line with Bot Framework credentials set', () => {
  it('still works: the self-hosted channel never asks Azure AD, replies and proactive messages reach the page', async () => {
    const appId = '00000000-0000-0000-0000-000000000002';
    const { app, url } = await startApp({ MicrosoftAppId: appId, MicrosoftAppPassword: 'not-a-real-secret', DIRECTLINE_TOKEN_SECRET: SECRET });
    try {
      const conv = await newConversation(url);
      const welcome = await untilActivities(url, conv, (a) => a.length >= 2);
      expect(welcome[0].from?.id).to.equal(appId);
      const posted = await call(url, `${DL}/conversations/${conv.conversationId}/activities`, { method: 'POST', token: conv.token, body: { type: 'message', text: 'Dansk', from: { id: 'x' } } });
      expect(posted.status).to.equal(200);
      await untilActivities(url, conv, (a) => a.some((x) => x.replyToId === (posted.body as { id: string }).id));
      await app.adapter.continueConversationAsync(
        appId,
        { channelId: 'directline', serviceUrl: `${url}/directline/bot`, conversation: { id: conv.conversationId } as ConversationReference['conversation'] },
        async (context) => {
          await context.sendActivity('later, from a caseworker');
        },
      );
      await untilActivities(url, conv, (a) => a.some((x) => x.text === 'later, from a caseworker'));
    } finally {
      await app.stop();
    }
  });
});

describe('Direct Line in Redis', () => {
  it('keeps a conversation\'s keys under the prefix in one hash slot, with the retention time', async () => {
    const prefix = uniquePrefix('dlkeys');
    const { app, url } = await startApp({ REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix, STATE_TTL_DAYS: '2', DIRECTLINE_TOKEN_SECRET: SECRET });
    const redis = new Redis(testRedisUrl());
    try {
      const conv = await newConversation(url);
      await untilActivities(url, conv, (a) => a.length > 0);
      const keys = await redis.keys(`${prefix}dl:*`);
      expect(keys.sort()).to.deep.equal(['conv', 'log', 'seq'].map((p) => `${prefix}dl:{${conv.conversationId}}:${p}`));
      for (const key of keys) expect(await redis.pttl(key)).to.be.within(1, 2 * 86_400_000);
    } finally {
      redis.disconnect();
      await app.stop();
    }
  });
});

describe('Direct Line replies are delivered in-process', () => {
  it('a proactive message still reaches the log when the server no longer accepts connections (shutdown)', async () => {
    const prefix = uniquePrefix('dlinproc');
    const { app, url } = await startApp({ REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix, DIRECTLINE_TOKEN_SECRET: SECRET });
    const redis = new Redis(testRedisUrl());
    try {
      const conv = await newConversation(url);
      await new Promise<void>((resolve) => {
        app.server.close(() => resolve());
        app.server.server.closeAllConnections();
      });
      await app.adapter.continueConversationAsync(
        '',
        { channelId: 'directline', serviceUrl: `${url}/directline/bot`, conversation: { id: conv.conversationId } as ConversationReference['conversation'] },
        async (context) => {
          await context.sendActivity('sent while shutting down');
        },
      );
      const logged = await redis.zrange(`${prefix}dl:{${conv.conversationId}}:log`, '0', '-1');
      expect(logged.map((raw) => (JSON.parse(raw) as { text?: string }).text)).to.include('sent while shutting down');
    } finally {
      redis.disconnect();
      await app.stop();
    }
  });
});

describe('Direct Line through Azure (DIRECTLINE_SECRET set)', () => {
  let fake: Server;
  let fakeUrl: string;
  let seen: { path: string; authorization: string; body: string }[] = [];
  let refuse = false;

  before(async () => {
    fake = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        seen.push({ path: req.url ?? '', authorization: req.headers.authorization ?? '', body });
        res.setHeader('content-type', 'application/json');
        if (refuse) {
          res.statusCode = 403;
          res.end(JSON.stringify({ error: { code: 'TokenExpired', message: 'expired' } }));
          return;
        }
        res.end(JSON.stringify({ conversationId: 'AzureConv-eu', token: `azure-token-for-${req.url?.split('/').pop()}`, expires_in: 1800 }));
      });
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', () => r()));
    fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => fake.close(() => r())));
  beforeEach(() => {
    seen = [];
    refuse = false;
  });

  it('exchanges the secret for a token with Azure\'s token API and never hands out the secret', async () => {
    const { app, url } = await startApp({ DIRECTLINE_SECRET: 'azure-dl-secret', DIRECTLINE_AZURE_URL: fakeUrl });
    try {
      const res = await call(url, '/api/directline/token', { method: 'POST', body: { user: { id: 'u_abc123' } } });
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({ conversationId: 'AzureConv-eu', token: 'azure-token-for-generate', expires_in: 1800, domain: `${fakeUrl}/v3/directline` });
      expect(seen).to.deep.equal([{ path: '/v3/directline/tokens/generate', authorization: 'Bearer azure-dl-secret', body: JSON.stringify({ user: { id: 'u_abc123' } }) }]);
      expect(JSON.stringify(res.body)).not.to.contain('azure-dl-secret');

      const refreshed = await call(url, '/api/directline/token', { method: 'POST', token: 'azure-token-for-generate' });
      expect((refreshed.body as TokenAnswer).token).to.equal('azure-token-for-refresh');
      expect(seen[1]).to.include({ path: '/v3/directline/tokens/refresh', authorization: 'Bearer azure-token-for-generate' });

      refuse = true;
      expectError(await call(url, '/api/directline/token', { method: 'POST', token: 'old' }), 403, 'TokenExpired');
      expectError(await call(url, '/api/directline/token', { method: 'POST' }), 502, 'DirectLineRejected');
    } finally {
      await app.stop();
    }
  });

  it('answers 502 when Azure cannot be reached', async () => {
    const { app, url } = await startApp({ DIRECTLINE_SECRET: 'azure-dl-secret', DIRECTLINE_AZURE_URL: 'http://127.0.0.1:9' });
    try {
      expectError(await call(url, '/api/directline/token', { method: 'POST' }), 502, 'DirectLineUnavailable');
    } finally {
      await app.stop();
    }
  });
});

for (const storeKind of ['memory', 'redis'] as const) {
  describe(`Direct Line: "delete my data" erases the web chat history too (${storeKind})`, () => {
    let app: App;
    let url: string;

    before(async () => {
      const env: Record<string, string> = { DIRECTLINE_TOKEN_SECRET: SECRET };
      if (storeKind === 'redis') Object.assign(env, { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: uniquePrefix('dl-erase') });
      ({ app, url } = await startApp(env));
    });
    after(() => app.stop());

    it('keeps only the confirmation after the user confirms', async () => {
      const conv = await newConversation(url);
      const post = (text: string) =>
        call(url, `${DL}/conversations/${conv.conversationId}/activities`, { method: 'POST', token: conv.token, body: { type: 'message', from: { id: 'dl_user' }, text } });
      await untilActivities(url, conv, (a) => a.some((x) => x.from?.id !== 'dl_user'));
      await post('Dansk');
      await post('min adresse er hemmelig');
      await post('slet mine data');
      await untilActivities(url, conv, (a) => a.some((x) => /Vil du slette alt/.test(x.text ?? '')));
      await post('ja');
      const left = await untilActivities(url, conv, (a) => a.some((x) => /dine data slettet/.test(x.text ?? '')));
      expect(left.map((a) => a.text)).to.deep.equal(['Nu er dine data slettet. Skriv til mig, hvis du vil starte igen.']);
    });
  });
}
