import { expect } from 'chai';
import Redis from 'ioredis';
import { spawnServer, startApp, type ServerProcess } from '../support/botServer';
import { testRedisUrl } from '../support/hooks';
import { uniquePrefix } from '../support/testKeys';
import { activity, post, type Conversation } from '../support/activities';
import { decodeItem } from '../../src/state/conversationStore';
import { RedisStore } from '../../src/state/redisStore';

/** The turn counter the bot keeps in conversation state. */
function turnsOf(item: { data?: { turns?: number } } | undefined): number | undefined {
  return item?.data?.turns;
}

describe('turns of one conversation arriving together', () => {
  it('applies 50 simultaneous turns sent to two server processes on one Redis, none lost', async function () {
    this.timeout(180_000);
    const prefix = uniquePrefix('concurrency');
    // Generous wait: on a loaded machine 50 serialised turns can take longer than the default 10 s,
    // and this test is about none being lost, not about how long a burst may take.
    const env = { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix, LOG_LEVEL: 'warn', TURN_LOCK_WAIT_MS: '120000' };
    const servers: ServerProcess[] = await Promise.all([spawnServer(env), spawnServer(env)]);
    try {
      const conv: Conversation = { channelId: 'webchat', conversationId: `race-${Date.now()}`, userId: 'racer' };
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) => post(servers[i % 2].url, activity(conv, { text: `tap ${i}` }))),
      );
      const failed = results.filter((r) => r.status === 'rejected');
      expect(failed, JSON.stringify(failed.slice(0, 3))).to.have.length(0);

      const client = new Redis(testRedisUrl());
      try {
        const store = new RedisStore(client, { prefix, ttlMs: 60_000 });
        const key = `${conv.channelId}/conversations/${conv.conversationId}/`;
        const raw = await client.get(store.redisKey(key));
        expect(raw, 'conversation state in Redis').to.be.a('string');
        expect(turnsOf(decodeItem(key, raw!) as { data?: { turns?: number } })).to.equal(50);
      } finally {
        await client.quit();
      }
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
  });

  it('applies 50 simultaneous turns in one process on the embedded store, none lost', async function () {
    this.timeout(120_000);
    const { app, url } = await startApp({ TURN_LOCK_WAIT_MS: '120000' });
    try {
      const conv: Conversation = { channelId: 'webchat', conversationId: `race-mem-${Date.now()}`, userId: 'racer' };
      await Promise.all(Array.from({ length: 50 }, (_, i) => post(url, activity(conv, { text: `tap ${i}` }))));
      const key = `${conv.channelId}/conversations/${conv.conversationId}/`;
      expect(turnsOf((await app.store.read([key]))[key] as { data?: { turns?: number } })).to.equal(50);
    } finally {
      await app.stop();
    }
  });
});
