import { connect } from 'node:net';
import { expect } from 'chai';
import type { App } from '../../src/app';
import { startApp } from '../support/botServer';
import { startTestRedis, type TestRedis } from '../support/redisServer';
import { activity } from '../support/activities';
import { uniquePrefix } from '../support/testKeys';

/**
 * Redis goes away under a running service: Direct Line clients get 503 with Retry-After (they wait
 * and retry), /api/messages answers fast with the polite apology, the process keeps answering
 * /healthz, and /readyz says why it is not ready.
 */
describe('a Redis outage', function () {
  this.timeout(60_000);
  let redis: TestRedis;
  let app: App;
  let url: string;

  before(async function () {
    if (process.env.REDIS_TEST_URL) this.skip(); // needs a Redis of its own to stop
    redis = await startTestRedis();
    ({ app, url } = await startApp({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: uniquePrefix('down') }));
  });
  after(async () => {
    await app?.stop();
    await redis?.stop();
  });

  it('answers Direct Line with 503 and Retry-After, and /api/messages fast with the apology', async () => {
    const token = (await (await fetch(`${url}/api/directline/token`, { method: 'POST' })).json()) as { token: string; conversationId: string };
    const started = await fetch(`${url}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${token.token}` } });
    expect(started.status).to.equal(201);
    const conv = { channelId: 'emulator', conversationId: `down-${Date.now()}`, userId: 'u-down' };
    const before = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity(conv, { text: 'hej' })) });
    expect(before.status).to.equal(200);

    await redis.stop();

    const dl = `${url}/v3/directline/conversations/${token.conversationId}`;
    const auth = { authorization: `Bearer ${token.token}`, 'content-type': 'application/json' };
    const t0 = Date.now();
    const posted = await fetch(`${dl}/activities`, { method: 'POST', headers: auth, body: JSON.stringify({ type: 'message', text: 'hello' }) });
    const dlMs = Date.now() - t0;
    expect(posted.status, await posted.clone().text()).to.equal(503);
    expect(Number(posted.headers.get('retry-after'))).to.be.greaterThan(0);
    expect(((await posted.json()) as { error: { code: string } }).error.code).to.equal('ServiceUnavailable');
    for (const res of [
      await fetch(`${dl}/activities`, { headers: auth }),
      await fetch(`${url}/api/directline/token`, { method: 'POST' }),
      await fetch(`${url}/api/directline/token`, { method: 'POST', headers: auth }),
    ]) {
      expect(res.status, await res.clone().text()).to.equal(503);
      expect(res.headers.get('retry-after')).to.match(/^\d+$/);
    }

    // the stream cannot be authorised without Redis: answered 503 and closed, never left hanging
    const { port } = new URL(url);
    const upgrade = await new Promise<string>((resolve) => {
      let head = '';
      const socket = connect(Number(port), '127.0.0.1', () =>
        socket.write(`GET /v3/directline/conversations/${token.conversationId}/stream?t=${token.token} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`),
      );
      socket.on('data', (d) => (head += d.toString()));
      socket.on('error', () => undefined);
      socket.on('end', () => resolve(head));
      setTimeout(() => resolve(`${head} (not closed)`), 8000).unref();
    });
    expect(upgrade).to.match(/^HTTP\/1\.1 503 [^]*Retry-After: \d+/);
    expect(upgrade).to.not.contain('(not closed)');

    const t1 = Date.now();
    const turn = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity(conv, { text: 'hej igen' })) });
    const messagesMs = Date.now() - t1;
    const body = await turn.text();
    expect([200, 503], body).to.include(turn.status);
    if (turn.status === 200) expect(body).to.match(/Undskyld/);
    expect((await fetch(`${url}/healthz`)).status).to.equal(200);
    expect((await fetch(`${url}/readyz`)).status).to.equal(503);
    console.log(`      Redis down: Direct Line post answered 503 in ${dlMs} ms, /api/messages answered ${turn.status} in ${messagesMs} ms`);
  });
});
