/**
 * End to end with Microsoft's own Direct Line client (botframework-directlinejs) against the running
 * service: polling and WebSocket, the welcome, answering by the suggested actions, reconnecting with a
 * watermark, token refresh, and two service processes on one Redis.
 */
import { expect } from 'chai';
import WebSocket from 'ws';
import type { Activity as BotActivity } from 'botbuilder';
import type { App } from '../../src/app';
import { spawnServer, startApp, type ServerProcess } from '../support/botServer';
import { testRedisUrl } from '../support/hooks';
import { uniquePrefix } from '../support/testKeys';

// What the library's README asks for in Node: an XMLHttpRequest, and a WebSocket for streaming.
const g = globalThis as Record<string, unknown>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
g.XMLHttpRequest ??= require('xhr2');
/** Every stream the library opens, so a test can tell WebSocket mode from polling. */
const streamsOpened: string[] = [];
g.WebSocket = class CountingWebSocket extends WebSocket {
  constructor(address: string, ...rest: unknown[]) {
    super(address, ...(rest as []));
    streamsOpened.push(address);
  }
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DirectLine, ConnectionStatus } = require('botframework-directlinejs') as typeof import('botframework-directlinejs');
type DirectLineClient = InstanceType<typeof DirectLine>;
type Activity = Partial<BotActivity> & { suggestedActions?: { actions: { title?: string; value?: unknown }[] } };

interface TokenAnswer {
  conversationId: string;
  token: string;
  expires_in: number;
}

const SECRET = 'e2e-direct-line-secret-0123456789abcdef';

async function pageToken(url: string, token?: string): Promise<TokenAnswer> {
  const res = await fetch(`${url}/api/directline/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
  expect(res.status).to.equal(200);
  return (await res.json()) as TokenAnswer;
}

/** A Direct Line client that records everything it receives. */
class Client {
  readonly dl: DirectLineClient;
  readonly received: Activity[] = [];
  readonly statuses: number[] = [];

  constructor(url: string, options: { token: string; webSocket: boolean; conversationId?: string; watermark?: string }) {
    this.dl = new DirectLine({ domain: `${url}/v3/directline`, pollingInterval: 200, timeout: 10_000, ...options });
    // after end() the library reports "conversation ended" as an error: expected, not a failure
    this.dl.connectionStatus$.subscribe({ next: (s) => this.statuses.push(s), error: () => undefined });
    this.dl.activity$.subscribe({ next: (a) => this.received.push(a as Activity), error: () => undefined });
  }

  async until(predicate: (received: Activity[]) => boolean, what: string, ms = 15_000): Promise<Activity[]> {
    const deadline = Date.now() + ms;
    while (!predicate(this.received)) {
      if (Date.now() > deadline) {
        throw new Error(`${what}: not within ${ms} ms; statuses ${this.statuses.join(',')}; got ${JSON.stringify(this.received.map((a) => [a.type, a.from?.role, a.text?.slice(0, 40)]))}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    return this.received;
  }

  post(text: string, userId = 'e2e-user'): Promise<string> {
    return new Promise((resolve, reject) => {
      this.dl.postActivity({ type: 'message', from: { id: userId }, text } as never).subscribe({ next: resolve, error: reject });
    });
  }

  /** The suggested action titles of the bot's last prompt. */
  lastPrompt(): Activity | undefined {
    return [...this.received].reverse().find((a) => a.from?.role === 'bot' && (a.suggestedActions?.actions.length ?? 0) > 0);
  }

  end(): void {
    this.dl.end();
  }
}

const fromBot = (a: Activity) => a.type === 'message' && a.from?.role === 'bot';
const seq = (a: Activity) => Number(String(a.id).split('|').pop());

/** The welcome: at least one bot message, then a prompt with a button per language. */
async function expectWelcome(client: Client): Promise<Activity> {
  await client.until((r) => r.some((a) => fromBot(a) && (a.suggestedActions?.actions.length ?? 0) >= 2), 'the welcome and the language prompt');
  const prompt = client.lastPrompt()!;
  const titles = prompt.suggestedActions!.actions.map((a) => a.title);
  expect(titles).to.include.members(['Dansk', 'English']);
  const before = client.received.filter((a) => seq(a) < seq(prompt));
  expect(before.some((a) => fromBot(a) && typeof a.text === 'string' && a.text.length > 0), 'a welcome before the prompt').to.equal(true);
  expect(prompt.channelId).to.equal('directline');
  return prompt;
}

/** Answers the last prompt with one of its buttons and waits for the bot's reply to it. */
async function answer(client: Client, value: string): Promise<Activity[]> {
  const id = await client.post(value);
  const received = await client.until((r) => r.some((a) => fromBot(a) && a.replyToId === id), `a reply to "${value}"`);
  expect(received.some((a) => a.id === id && a.from?.role === 'user' && a.text === value), 'the echo of our own message').to.equal(true);
  return received.filter((a) => fromBot(a) && a.replyToId === id);
}

for (const webSocket of [false, true]) {
  describe(`Direct Line end to end with botframework-directlinejs (${webSocket ? 'WebSocket' : 'polling'})`, function () {
    this.timeout(60_000);
    let app: App;
    let url: string;
    const clients: Client[] = [];

    before(async () => {
      ({ app, url } = await startApp({ DIRECTLINE_TOKEN_SECRET: SECRET }));
    });
    after(async () => {
      clients.forEach((c) => c.end());
      await app.stop();
    });
    const open = (options: ConstructorParameters<typeof Client>[1]) => {
      const client = new Client(url, options);
      clients.push(client);
      return client;
    };

    it('starts, is welcomed, walks by the suggested actions, reconnects with a watermark, refreshes its token', async () => {
      const token = await pageToken(url);
      const streamsBefore = streamsOpened.length;
      const first = open({ token: token.token, webSocket });
      const prompt = await expectWelcome(first);
      await first.until(() => first.statuses.includes(ConnectionStatus.Online), 'online');
      const streams = streamsOpened.slice(streamsBefore);
      if (webSocket) expect(streams.some((u) => u.startsWith(`${url.replace('http', 'ws')}/v3/directline/conversations/${token.conversationId}/stream?t=`))).to.equal(true);
      else expect(streams).to.deep.equal([]);

      // answer the language prompt by its button, then the next prompt if the bot asks one
      const replies = await answer(first, 'Dansk');
      expect(replies.length).to.be.greaterThan(0);
      expect(replies.every((a) => typeof a.text === 'string' || a.attachments)).to.equal(true);
      const next = first.lastPrompt();
      if (next && seq(next) > seq(prompt)) {
        const choice = String(next.suggestedActions!.actions[0].value ?? next.suggestedActions!.actions[0].title);
        expect((await answer(first, choice)).length).to.be.greaterThan(0);
      }
      const seen = first.received.length;
      const watermark = String(Math.max(...first.received.map(seq)));
      first.end();

      // token refresh (what the client does every 15 minutes), then resume from the watermark
      const refreshRes = await fetch(`${url}/v3/directline/tokens/refresh`, { method: 'POST', headers: { authorization: `Bearer ${token.token}` } });
      const refreshed = (await refreshRes.json()) as TokenAnswer;
      expect(refreshRes.status).to.equal(200);
      expect(refreshed.conversationId).to.equal(token.conversationId);

      const again = open({ token: refreshed.token, webSocket, conversationId: token.conversationId, watermark });
      await again.until(() => again.statuses.includes(ConnectionStatus.Online), 'online again');
      const id = await again.post('hjælp');
      const after = await again.until((r) => r.some((a) => fromBot(a) && a.replyToId === id), 'a reply after reconnecting');
      expect(after.every((a) => seq(a) > Number(watermark)), 'nothing from before the watermark again').to.equal(true);
      expect(after[0].id).to.equal(`${token.conversationId}|${String(Number(watermark) + 1).padStart(7, '0')}`);
      expect(seen).to.be.greaterThan(2);

      // a reconnect without a watermark gets the whole history
      const history = open({ token: refreshed.token, webSocket, conversationId: token.conversationId });
      await history.until((r) => r.length >= after.length + seen, 'the whole history');
      expect(history.received[0].id).to.equal(first.received[0].id);
    });
  });
}

describe('Direct Line across two service processes on one Redis', function () {
  this.timeout(90_000);
  let a: ServerProcess;
  let b: ServerProcess;
  const clients: Client[] = [];

  before(async () => {
    const env = { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: uniquePrefix('dl2'), DIRECTLINE_TOKEN_SECRET: SECRET, LOG_LEVEL: 'warn' };
    // one after the other: two cold tsx start-ups at once can take long on a busy machine
    a = await spawnServer(env);
    b = await spawnServer(env);
  });
  after(async () => {
    clients.forEach((c) => c.end());
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('starts on one, continues on the other, and a reply made on one reaches a WebSocket open on the other', async () => {
    const token = await pageToken(a.url);
    const onA = new Client(a.url, { token: token.token, webSocket: true });
    clients.push(onA);
    await expectWelcome(onA);
    await answer(onA, 'Dansk');
    const watermark = String(Math.max(...onA.received.map(seq)));
    onA.end();

    // the token from A is good on B (same secret), and B sees A's conversation
    const onB = new Client(b.url, { token: (await pageToken(b.url, token.token)).token, webSocket: true, conversationId: token.conversationId, watermark });
    clients.push(onB);
    await onB.until(() => onB.statuses.includes(ConnectionStatus.Online), 'online on B');
    const id = await onB.post('hjælp');
    await onB.until((r) => r.some((x) => fromBot(x) && x.replyToId === id), 'a reply on B');

    // a message posted on A (its turn runs on A) is pushed to the socket open on B
    const posted = await fetch(`${a.url}/v3/directline/conversations/${token.conversationId}/activities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token.token}` },
      body: JSON.stringify({ type: 'message', from: { id: 'x' }, text: 'menu' }),
    });
    expect(posted.status, a.output()).to.equal(200);
    const postedId = ((await posted.json()) as { id: string }).id;
    await onB.until((r) => r.some((x) => x.id === postedId) && r.some((x) => fromBot(x) && x.replyToId === postedId), 'A\'s turn pushed to B\'s socket');
  });
});
