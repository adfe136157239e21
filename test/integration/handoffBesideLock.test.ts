import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import Redis, { type Cluster } from 'ioredis';
import sinon from 'sinon';
import type { App } from '../../src/app';
import { startApp } from '../support/botServer';
import { testRedisUrl } from '../support/hooks';
import { testRedisCluster } from '../support/redisCluster';
import { uniquePrefix } from '../support/testKeys';
import { type Conversation, say } from '../support/activities';

/**
 * The conversation router's handoff record is read beside the turn lock (one round trip less per
 * turn; src/state/readBesideLock.ts). Behaviour must not change: a queued user's messages go to
 * the caseworker, also when the message waited for the lock of the very turn that queued the user
 * on another instance (its record read went out before that turn changed it), on a single Redis
 * and on a Redis Cluster (the record and the lock on different nodes).
 */
const nodeOf = (replies: Partial<Activity>[]) => replies.map((r) => (r.channelData as { node?: string } | undefined)?.node ?? '');

async function counter(app: App, name: string, labels = ''): Promise<number> {
  const text = await app.metrics.registry.metrics();
  let sum = 0;
  for (const m of text.matchAll(new RegExp(`^${name}\\{?([^}\\n]*)\\}? (\\d+)`, 'gm'))) if (m[1].includes(labels)) sum += Number(m[2]);
  return sum;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const where of ['Redis', 'Redis Cluster'] as const) {
  describe(`handoff router, record read beside the turn lock (${where}, two instances)`, function () {
    this.timeout(120_000);
    let one: { app: App; url: string };
    let two: { app: App; url: string };
    let redis: Redis | Cluster;
    const prefix = uniquePrefix('beside');

    before(async () => {
      let target: Record<string, string>;
      if (where === 'Redis') {
        target = { REDIS_URL: testRedisUrl() };
        redis = new Redis(testRedisUrl());
      } else {
        const cluster = await testRedisCluster();
        target = { REDIS_CLUSTER_NODES: cluster.nodes.join(',') };
        redis = cluster.client();
      }
      const env = { ...target, REDIS_KEY_PREFIX: prefix, ENABLED_LOCALES: 'da,en,ar', TURN_LOCK_WAIT_MS: '30000', LOG_LEVEL: process.env.DEBUG_LOG ?? 'silent' };
      [one, two] = await Promise.all([startApp(env), startApp(env)]);
    });
    after(async () => {
      await Promise.all([one?.app.stop(), two?.app.stop()]);
      redis?.disconnect();
    });

    async function english(conv: Conversation): Promise<void> {
      expect(nodeOf(await say(one.url, conv, 'hello'))).to.include('language.prompt');
      expect(nodeOf(await say(two.url, conv, 'English'))).to.include('welcome.group');
    }

    it('a queued user\'s messages go to the caseworker, and the read beside the lock is used when nothing got in between', async () => {
      const conv: Conversation = { channelId: 'webchat', conversationId: `beside-seq-${Date.now()}`, userId: 'beside-seq-user' };
      await english(conv);
      expect(nodeOf(await say(one.url, conv, 'talk to a person'))).to.include('handoff.queued');
      const usedBefore = await counter(two.app, 'bot_beside_lock_reads_total', 'when="beside_lock"');
      for (const text of ['I need help with a letter', 'Are you there?']) {
        await sleep(300); // longer than RELEASE_REMEMBERED_MS: the lock was not released recently
        const nodes = nodeOf(await say(two.url, conv, text));
        expect(nodes, text).to.include('handoff.saved');
        expect(nodes.filter((n) => !n.startsWith('handoff.')), 'the bot does not answer').to.deep.equal([]);
      }
      expect(await counter(two.app, 'bot_beside_lock_reads_total', 'when="beside_lock"'), 'the record sent beside the lock was used').to.be.greaterThan(usedBefore);
    });

    /**
     * The first message ("talk to a person", instance one) queues the user; the second (instance
     * two) is sent while the first holds the lock, so its record read goes out before the first
     * turn's transition (slowed by `transitionDelayMs`, an injected slow store). `acquireDelayMs`
     * slows instance two's lock-and-read instead: the lock is free when it arrives, but was
     * released meanwhile.
     */
    async function race(i: number, name: string, faults: { transitionDelayMs: number; acquireDelayMs: number }): Promise<void> {
      const conv: Conversation = { channelId: 'webchat', conversationId: `beside-${name}-${Date.now()}-${i}`, userId: `beside-${name}-user-${i}` };
      await english(conv);
      const lockKey = `${prefix}{${conv.channelId}/conversations/${conv.conversationId}}#lock`;
      const handoffStore = one.app.handoff.store;
      const transition = handoffStore.transition.bind(handoffStore);
      const slowTransition = sinon.stub(handoffStore, 'transition').callsFake(async (...args) => {
        await sleep(faults.transitionDelayMs);
        return transition(...args);
      });
      const store = two.app.store;
      const acquire = store.acquireAndRead.bind(store);
      const slowAcquire = sinon.stub(store, 'acquireAndRead').callsFake(async (...args) => {
        await sleep(faults.acquireDelayMs);
        return acquire(...args);
      });
      try {
        let done = false;
        const asking = say(one.url, conv, 'talk to a person').finally(() => (done = true));
        for (;;) {
          const holder = await redis.get(lockKey);
          if ((holder && holder !== '-') || done) break;
        }
        const [asked, next] = await Promise.all([asking, say(two.url, conv, 'I need help with a letter')]);
        expect(nodeOf(asked), `round ${i}`).to.include('handoff.queued');
        expect(nodeOf(next), `round ${i}: the message goes to the caseworker`).to.include('handoff.saved');
        expect(nodeOf(next).filter((n) => !n.startsWith('handoff.')), `round ${i}: the bot does not answer`).to.deep.equal([]);
      } finally {
        slowTransition.restore();
        slowAcquire.restore();
      }
    }

    it('a message that waited for the lock of the turn queuing the user (other instance) goes to the caseworker, never to the bot', async () => {
      const waitsBefore = await counter(two.app, 'bot_turn_lock_waits_total');
      for (let i = 0; i < 5; i++) await race(i, 'waited', { transitionDelayMs: 100, acquireDelayMs: 0 });
      expect(await counter(two.app, 'bot_turn_lock_waits_total'), 'the second messages waited for the lock').to.be.greaterThan(waitsBefore);
    });

    it('a message whose lock was released between its record read and its lock goes to the caseworker, never to the bot', async () => {
      for (let i = 0; i < 5; i++) await race(i, 'released', { transitionDelayMs: 20, acquireDelayMs: 60 });
    });
  });
}
