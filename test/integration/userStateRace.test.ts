import { expect } from 'chai';
import { type Activity, ConversationState, TestAdapter, TurnContext, UserState } from 'botbuilder';
import type { ConversationStore } from '../../src/state/conversationStore';
import { MemoryStore } from '../../src/state/memoryStore';
import { RedisStore } from '../../src/state/redisStore';
import { TurnScopedStorage, TurnSerializer } from '../../src/state/turnSerializer';
import { type RedisClient, createRedisClient } from '../../src/infra/redis';
import { createLogger } from '../../src/log';
import { startApp } from '../support/botServer';
import { testRedisUrl } from '../support/hooks';
import { testRedisCluster } from '../support/redisCluster';
import { uniquePrefix } from '../support/testKeys';
import { type Conversation, say } from '../support/activities';

/**
 * Issue 14 item 4: a user's state is shared by the user's conversations, which do not share a
 * lock. Two conversations of one user that answer at the same moment must both keep their answer.
 */
const TRIALS = 40;
const quiet = createLogger({ logLevel: 'silent', logPretty: false });

interface Profile {
  group?: string;
  has_children?: boolean;
}

/** Two turns of one user in two conversations, forced to overlap: both read the user's state before either saves. */
async function race(store: ConversationStore, trial: string): Promise<Profile | undefined> {
  const storage = new TurnScopedStorage(store);
  const userState = new UserState(storage);
  const conversationState = new ConversationState(storage);
  const profile = userState.createProperty<Profile>('profile');
  const serializer = new TurnSerializer(store, { lockTtlMs: 5000, leaseMs: 1000, maxWaitMs: 5000, dedupWindowMs: 60_000 });
  const adapter = new TestAdapter(async () => undefined);
  let arrived = 0;
  let release!: () => void;
  const bothRead = new Promise<void>((resolve) => (release = resolve));
  const answer = async (conversationId: string, field: keyof Profile, value: string | boolean, overlap = true) => {
    const activity = {
      type: 'message',
      id: `${trial}-${conversationId}`,
      channelId: 'test',
      conversation: { id: conversationId },
      from: { id: `user-${trial}` },
      recipient: { id: 'bot' },
      text: String(value),
    } as Activity;
    const context = new TurnContext(adapter, activity);
    await serializer.onTurn(context, async () => {
      const current = await profile.get(context, {});
      await conversationState.load(context);
      if (overlap) {
        if (++arrived === 2) release();
        await bothRead;
      }
      (current as Record<string, unknown>)[field] = value;
      await conversationState.saveChanges(context);
      await userState.saveChanges(context);
    });
  };
  // Both conversations have answered before: the user's state exists (the usual case).
  await answer(`${trial}-setup`, 'group', 'unknown', false);
  await Promise.all([answer(`${trial}-a`, 'group', 'refugee'), answer(`${trial}-b`, 'has_children', true)]);
  const key = `test/users/user-${trial}/`;
  return (await store.read([key]))[key]?.profile as Profile | undefined;
}

describe('user state shared by two conversations answering at once (issue 14 item 4)', () => {
  const clients: RedisClient[] = [];
  after(async () => {
    await Promise.all(clients.map((c) => c.quit().catch(() => undefined)));
  });

  const stores: { name: string; make(): Promise<ConversationStore> }[] = [
    { name: 'the embedded store', make: async () => new MemoryStore({ ttlMs: 60_000 }) },
    {
      name: 'Redis',
      make: async () => {
        const client = createRedisClient(testRedisUrl(), quiet);
        clients.push(client);
        return new RedisStore(client, { prefix: uniquePrefix('race'), ttlMs: 60_000 });
      },
    },
    {
      name: 'a Redis Cluster',
      make: async () => {
        const client = createRedisClient({ redisUrl: undefined, redisClusterNodes: (await testRedisCluster()).nodes }, quiet);
        clients.push(client);
        return new RedisStore(client, { prefix: uniquePrefix('race'), ttlMs: 60_000 });
      },
    },
  ];

  for (const { name, make } of stores) {
    it(`keeps both answers in ${TRIALS} of ${TRIALS} forced races on ${name}`, async function () {
      this.timeout(60_000);
      const store = await make();
      let lost = 0;
      for (let t = 0; t < TRIALS; t++) {
        const stored = await race(store, `t${t}-${Date.now().toString(36)}`);
        if (stored?.group !== 'refugee' || stored?.has_children !== true) lost++;
      }
      console.log(`      user-state race on ${name}: ${lost} of ${TRIALS} trials lost an acknowledged answer`);
      expect(lost).to.equal(0);
    });
  }

  /**
   * The same race through the real bot, as the hardening report measured it: conversation A is at
   * "Do you have children?", conversation B (same user, "About me" under "More" in the menu) at "Who are you?";
   * both answer at once. Afterwards the user's profile must hold both answers.
   */
  async function botRace(urls: [string, string], trials: number): Promise<void> {
    for (let t = 0; t < trials; t++) {
      const id = `${Date.now().toString(36)}-${t}`;
      const a: Conversation = { channelId: 'webchat', conversationId: `race-a-${id}`, userId: `racer-${id}` };
      const b: Conversation = { ...a, conversationId: `race-b-${id}` };
      await say(urls[0], a, 'hello');
      await say(urls[0], a, '2'); // English
      await say(urls[0], a, '1'); // group: refugee → "Do you have children?"
      await say(urls[1], b, 'hello'); // the menu (the user is welcomed)
      await say(urls[1], b, '7'); // More
      const about = await say(urls[1], b, '6'); // About me → "Who are you?"
      expect(about.map((r) => (r.channelData as { node?: string }).node)).to.include('welcome.group');
      const [yes, group] = await Promise.all([say(urls[0], a, '1'), say(urls[1], b, '2')]);
      expect(yes.map((r) => (r.channelData as { node?: string }).node)).to.include('welcome.done');
      expect(group.map((r) => (r.channelData as { node?: string }).node)).to.include('welcome.children');
      profiles.push({ user: a.userId, url: urls[0] });
    }
  }
  const profiles: { user: string; url: string }[] = [];

  it(`keeps both answers when the real bot's two conversations of one user answer at once (${TRIALS / 2} trials each: embedded store; two instances on one Redis)`, async function () {
    this.timeout(120_000);
    const memory = await startApp({});
    const prefix = uniquePrefix('race-bot');
    const one = await startApp({ REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix });
    const two = await startApp({ REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix });
    try {
      const results: string[] = [];
      for (const [name, urls, app] of [
        ['embedded store', [memory.url, memory.url], memory.app],
        ['two instances on Redis', [one.url, two.url], one.app],
      ] as const) {
        profiles.length = 0;
        await botRace(urls as unknown as [string, string], TRIALS / 2);
        let lost = 0;
        for (const { user } of profiles) {
          const key = `webchat/users/${user}/`;
          const stored = (await app.store.read([key]))[key]?.profile as Profile | undefined;
          if (stored?.group !== 'family_refugee' || stored?.has_children !== true) lost++;
        }
        results.push(`${name}: ${lost} of ${profiles.length} lost`);
      }
      console.log(`      real bot, user-state race: ${results.join('; ')}`);
      expect(results.every((r) => r.includes(': 0 of')), results.join('; ')).to.equal(true);
    } finally {
      await Promise.all([memory.app.stop(), one.app.stop(), two.app.stop()]);
    }
  });
});
