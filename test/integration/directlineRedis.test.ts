/**
 * The Direct Line log on Redis as the service uses it: what one post costs in Redis commands (read
 * with MONITOR), and the cross-instance notification on the event bus, carrying the activity, so a
 * WebSocket on another instance gets a reply without reading the log.
 */
import { expect } from 'chai';
import Redis from 'ioredis';
import WebSocket from 'ws';
import type { Activity } from 'botbuilder';
import type { App } from '../../src/app';
import { RedisEventBus } from '../../src/events';
import { startApp } from '../support/botServer';
import { testRedisUrl } from '../support/hooks';
import { uniquePrefix } from '../support/testKeys';

const SECRET = 'integration-test-secret-0123456789abcdef';
const DL = '/v3/directline';

interface Started {
  conversationId: string;
  token: string;
  streamUrl: string;
}

async function post(url: string, path: string, token: string, body: unknown): Promise<Response> {
  return fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
}

async function startConversation(url: string): Promise<Started> {
  const minted = (await (await fetch(`${url}/api/directline/token`, { method: 'POST' })).json()) as { token: string };
  const res = await post(url, `${DL}/conversations`, minted.token, { locale: 'da' });
  expect(res.status).to.equal(201);
  return (await res.json()) as Started;
}

/** A WebSocket on a conversation's stream, keeping every activity it is sent. */
class Stream {
  readonly activities: Partial<Activity>[] = [];
  private readonly ws: WebSocket;
  readonly open: Promise<void>;

  constructor(streamUrl: string) {
    this.ws = new WebSocket(streamUrl);
    this.open = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.ws.on('message', (data: Buffer) => {
      if (data.length > 0) this.activities.push(...((JSON.parse(data.toString('utf8')) as { activities: Partial<Activity>[] }).activities));
    });
  }

  async until(check: (activities: Partial<Activity>[]) => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!check(this.activities)) {
      if (Date.now() > deadline) throw new Error(`not on the WebSocket within 10 s: ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  close(): void {
    this.ws.close();
  }
}

const fromBot = (a: Partial<Activity>) => a.from?.role === 'bot';

/** Every command Redis is sent while `during` runs (MONITOR; commands scripts run are marked `lua`). */
async function monitor(during: () => Promise<void>): Promise<{ source: string; args: string[] }[]> {
  const redis = new Redis(testRedisUrl());
  const seen: { source: string; args: string[] }[] = [];
  const m = await redis.monitor();
  m.on('monitor', (_time: string, args: string[], source: string) => seen.push({ source, args }));
  try {
    await during();
    await new Promise((r) => setTimeout(r, 100)); // the last replies' commands arrive
  } finally {
    m.disconnect();
    redis.disconnect();
  }
  return seen;
}

describe('Direct Line on Redis: the Redis commands of a post, and notifications on the event bus', function () {
  this.timeout(30_000);
  let a: { app: App; url: string };
  let b: { app: App; url: string };
  let prefix: string;

  before(async () => {
    prefix = uniquePrefix('dlredis');
    const env = { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix, DIRECTLINE_TOKEN_SECRET: SECRET };
    a = await startApp(env);
    b = await startApp(env);
  });
  after(async () => {
    await Promise.all([a?.app.stop(), b?.app.stop()]);
  });

  it('a post costs the Direct Line log one script and one PUBLISH, and each bot reply the same; the WebSocket reads nothing', async () => {
    const conv = await startConversation(a.url);
    const stream = new Stream(conv.streamUrl);
    await stream.open;
    await stream.until((x) => x.some(fromBot), 'the welcome');
    const before = stream.activities.length;
    let postedId = '';
    const commands = await monitor(async () => {
      const res = await post(a.url, `${DL}/conversations/${conv.conversationId}/activities`, conv.token, { type: 'message', from: { id: 'x' }, text: 'hjælp' });
      expect(res.status).to.equal(200);
      postedId = ((await res.json()) as { id: string }).id;
      await stream.until((x) => x.some((y) => fromBot(y) && y.replyToId === postedId), 'the reply');
    });
    stream.close();
    const newActivities = stream.activities.slice(before);
    expect(newActivities[0].id, 'the echo first').to.equal(postedId);
    const appended = newActivities.length;
    const ofThisConversation = commands.filter((c) => c.source !== 'lua' && c.args.some((arg) => arg.includes(`dl:{${conv.conversationId}}`) || arg.endsWith(`ev:dl:${conv.conversationId}`)));
    const names = ofThisConversation.map((c) => c.args[0].toUpperCase());
    // each activity: EVALSHA (exists + rate count + append, or exists + append) and PUBLISH; no GET, no read of the log
    expect(names.filter((n) => n === 'EVALSHA' || n === 'EVAL'), names.join(' ')).to.have.length(appended);
    expect(names.filter((n) => n === 'PUBLISH'), names.join(' ')).to.have.length(appended);
    expect(ofThisConversation.length, names.join(' ')).to.equal(2 * appended);
    // the user's post is one script: the rate count runs inside it
    expect(commands.filter((c) => c.source === 'lua' && c.args[0].toUpperCase() === 'INCR' && c.args[1].endsWith(`dl:{${conv.conversationId}}:rate`))).to.have.length(1);
  });

  it('a reply to a post made on instance A reaches a WebSocket on instance B through the event bus, with the activity in the event', async () => {
    const conv = await startConversation(a.url);
    // the test listens on the service's event bus as a third instance would
    const bus = new RedisEventBus(new Redis(testRedisUrl()), { prefix, ownsClient: true });
    const events: { watermark: number; json: string }[] = [];
    const stop = await bus.subscribe(`dl:${conv.conversationId}`, (m) => events.push(m as { watermark: number; json: string }));
    const onB = new Stream(conv.streamUrl.replace(a.url.replace('http', 'ws'), b.url.replace('http', 'ws')));
    try {
      await onB.open;
      await onB.until((x) => x.some(fromBot), 'the welcome, read from the log by B');
      const res = await post(a.url, `${DL}/conversations/${conv.conversationId}/activities`, conv.token, { type: 'message', from: { id: 'x' }, text: 'menu' });
      expect(res.status).to.equal(200);
      const postedId = ((await res.json()) as { id: string }).id;
      await onB.until((x) => x.some((y) => y.id === postedId) && x.some((y) => fromBot(y) && y.replyToId === postedId), 'the echo and the reply on B');
      const reply = onB.activities.find((y) => fromBot(y) && y.replyToId === postedId)!;
      await new Promise((r) => setTimeout(r, 50));
      const event = events.find((e) => (JSON.parse(e.json) as Partial<Activity>).id === reply.id);
      expect(event, `an event on the bus for the reply: ${JSON.stringify(events.map((e) => e.watermark))}`).to.not.equal(undefined);
      expect(JSON.parse(event!.json)).to.deep.equal(reply);
      expect(events.map((e) => e.watermark)).to.deep.equal([...events.keys()].map((i) => events[0].watermark + i));
    } finally {
      onB.close();
      stop();
      await bus.close();
    }
  });
});
