import { expect } from 'chai';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import Redis from 'ioredis';
import { spawnServer, startApp } from '../support/botServer';
import { testRedisUrl } from '../support/hooks';
import { uniquePrefix } from '../support/testKeys';
import { type Conversation, activity, post } from '../support/activities';
import { RedisStore } from '../../src/state/redisStore';

/**
 * Issue 14 item 10: an instance killed in the middle of a turn must not block its conversation
 * for the whole TURN_LOCK_TTL_MS (30 s). The live holder renews a short lease (TURN_LOCK_LEASE_MS,
 * 3 s) while its turn runs; a dead one's lease simply runs out.
 */
describe('a conversation whose instance was killed with SIGKILL mid-turn', () => {
  let hanging: Server;
  let hangingUrl: string;
  let arrived: (req: IncomingMessage) => void = () => undefined;
  before(async () => {
    // The bot's serviceUrl: accepts the reply and never answers, so the turn hangs while holding its lock.
    hanging = createServer((req) => arrived(req));
    await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', () => r()));
    const address = hanging.address();
    hangingUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  after(async () => {
    hanging.closeAllConnections();
    await new Promise((r) => hanging.close(r));
  });

  it('is taken over by another instance within the lease, not the 30 s lock TTL', async function () {
    this.timeout(90_000);
    const prefix = uniquePrefix('crash');
    const env = { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix, LOG_LEVEL: 'warn', TURN_LOCK_TTL_MS: '30000' };
    const [doomed, survivor] = await Promise.all([spawnServer(env), startApp({ ...env, LOG_LEVEL: 'silent', TURN_LOCK_WAIT_MS: '20000' })]);
    const redis = new Redis(testRedisUrl());
    try {
      const conv: Conversation = { channelId: 'webchat', conversationId: `crash-${Date.now()}`, userId: 'u-crash' };
      const stuck = new Promise<void>((resolve) => (arrived = () => resolve()));
      // Normal delivery: the bot posts its reply to the (hanging) serviceUrl inside the turn.
      const first = fetch(`${doomed.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...activity(conv, { text: 'hello' }), deliveryMode: 'normal', serviceUrl: hangingUrl }),
      }).catch(() => undefined);
      await stuck;
      const lockKey = `${prefix}{${conv.channelId}/conversations/${conv.conversationId}}#lock`;
      expect(await redis.exists(lockKey), 'the hanging turn holds the lock').to.equal(1);

      await doomed.stop('SIGKILL');
      const killedAt = Date.now();
      const leftMs = await redis.pttl(lockKey);
      const replies = await post(survivor.url, activity(conv, { text: 'hello' }));
      const heldMs = Date.now() - killedAt;
      await first;
      const nodes = replies.map((r) => (r.channelData as { node?: string }).node);
      console.log(`      lock left after kill -9: ${leftMs} ms; another instance answered the conversation ${heldMs} ms after the kill (TURN_LOCK_TTL_MS 30000, lease 3000)`);
      expect(nodes, 'a real answer, not "busy, try again"').to.not.include('error.busy');
      expect(nodes).to.include('language.prompt');
      expect(leftMs).to.be.at.most(3000);

      // The survivor's state is intact and consistent.
      const store = new RedisStore(redis.duplicate(), { prefix, ttlMs: 60_000 });
      const key = `${conv.channelId}/conversations/${conv.conversationId}/`;
      expect(((await store.read([key]))[key] as { data?: { turns?: number } }).data?.turns).to.equal(1);
      await store.close();
    } finally {
      await redis.quit();
      await Promise.all([doomed.stop('SIGKILL'), survivor.app.stop()]);
    }
  });
});
