import { expect } from 'chai';
import { startApp } from '../support/botServer';
import { testRedisUrl } from '../support/hooks';
import { uniquePrefix } from '../support/testKeys';
import { type Conversation, activity, post } from '../support/activities';
import type { App } from '../../src/app';

/**
 * Issue 14 item 9: a client's retry of a turn that was committed but not acknowledged (the
 * response was cut off) carries the same activity.id; it must not be applied a second time.
 */
async function turnsOf(app: App, conv: Conversation): Promise<number | undefined> {
  const key = `${conv.channelId}/conversations/${conv.conversationId}/`;
  return ((await app.store.read([key]))[key] as { data?: { turns?: number } } | undefined)?.data?.turns;
}

const texts = (replies: { text?: string }[]) => replies.map((r) => r.text);

for (const [name, env] of [
  ['embedded store', {}],
  ['Redis', { REDIS_URL: 'redis', REDIS_KEY_PREFIX: 'prefix' }],
] as const) {
  describe(`a retried activity (same activity.id) is applied once (${name})`, () => {
    let app: App;
    let url: string;
    before(async () => {
      const resolved: Record<string, string> = { ...env };
      if ('REDIS_URL' in env) Object.assign(resolved, { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: uniquePrefix('dedup') });
      ({ app, url } = await startApp(resolved));
    });
    after(async () => {
      await app.stop();
    });

    it('answers a retry after the turn with the same replies and changes nothing', async () => {
      const conv: Conversation = { channelId: 'webchat', conversationId: `dedup-${Date.now()}`, userId: 'u-dedup' };
      await post(url, activity(conv, { id: 'm1', text: 'hello' }));
      const first = await post(url, activity(conv, { id: 'm2', text: '2' }));
      expect(first.length).to.be.greaterThan(0);
      expect(await turnsOf(app, conv)).to.equal(2);
      const retry = await post(url, activity(conv, { id: 'm2', text: '2' }));
      expect(texts(retry)).to.deep.equal(texts(first));
      expect(await turnsOf(app, conv)).to.equal(2);
      expect(await app.metrics.registry.getSingleMetricAsString('bot_turn_duplicates_total')).to.match(/bot_turn_duplicates_total 1\b/);
      // A new activity id is a new turn.
      await post(url, activity(conv, { id: 'm3', text: 'menu' }));
      expect(await turnsOf(app, conv)).to.equal(3);
    });

    it('applies a retry that arrives while the first is still running once', async () => {
      const conv: Conversation = { channelId: 'webchat', conversationId: `dedup-par-${Date.now()}`, userId: 'u-dedup-2' };
      await post(url, activity(conv, { id: 'p1', text: 'hello' }));
      const [a, b, c] = await Promise.all([1, 2, 3].map(() => post(url, activity(conv, { id: 'p2', text: '2' }))));
      expect(texts(b)).to.deep.equal(texts(a));
      expect(texts(c)).to.deep.equal(texts(a));
      expect(await turnsOf(app, conv)).to.equal(2);
    });

    it('keeps activities of other conversations with the same id apart', async () => {
      const one: Conversation = { channelId: 'webchat', conversationId: `dedup-one-${Date.now()}`, userId: 'u-one' };
      const two: Conversation = { ...one, conversationId: `dedup-two-${Date.now()}`, userId: 'u-two' };
      await post(url, activity(one, { id: 'same', text: 'hello' }));
      await post(url, activity(two, { id: 'same', text: 'hello' }));
      expect(await turnsOf(app, one)).to.equal(1);
      expect(await turnsOf(app, two)).to.equal(1);
    });
  });
}
