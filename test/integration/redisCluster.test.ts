import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { startApp } from '../support/botServer';
import { testRedisCluster, type TestRedisCluster } from '../support/redisCluster';
import { uniquePrefix } from '../support/testKeys';
import { type Conversation, activity, post, say } from '../support/activities';
import type { App } from '../../src/app';

/**
 * The service on a real Redis Cluster (3 masters + 3 replicas, see test/support/redisCluster.ts):
 * two instances serving one conversation, and a master killed mid-load.
 */
async function turnsOf(app: App, conv: Conversation): Promise<number> {
  const key = `${conv.channelId}/conversations/${conv.conversationId}/`;
  return ((await app.store.read([key]))[key] as { data?: { turns?: number } } | undefined)?.data?.turns ?? 0;
}

const nodeOf = (replies: Partial<Activity>[]) => replies.map((r) => (r.channelData as { node?: string }).node ?? '');
const failed = (replies: Partial<Activity>[]) => replies.length === 0 || nodeOf(replies).some((n) => n.startsWith('error.'));

describe('on a Redis Cluster (REDIS_CLUSTER_NODES)', () => {
  let cluster: TestRedisCluster;
  let env: Record<string, string>;
  before(async function () {
    this.timeout(60_000);
    cluster = await testRedisCluster();
    env = { REDIS_CLUSTER_NODES: cluster.nodes.join(','), REDIS_KEY_PREFIX: uniquePrefix('cluster'), TURN_LOCK_WAIT_MS: '60000', LOG_LEVEL: process.env.DEBUG_LOG ?? 'silent' };
  });

  it('two instances serve one conversation: the dialog goes on across them, and 50 simultaneous turns over both are all applied', async function () {
    this.timeout(90_000);
    const [one, two] = await Promise.all([startApp(env), startApp(env)]);
    try {
      expect(one.app.store.kind).to.equal('redis');
      const conv: Conversation = { channelId: 'webchat', conversationId: `cl-${Date.now()}`, userId: 'cl-user' };
      expect(nodeOf(await say(one.url, conv, 'hello'))).to.include('language.prompt');
      expect(nodeOf(await say(two.url, conv, '2'))).to.include('welcome.group'); // English, chosen on the other instance
      expect(nodeOf(await say(one.url, conv, '1'))).to.include('welcome.children');
      await Promise.all(Array.from({ length: 50 }, (_, i) => post([one, two][i % 2].url, activity(conv, { text: `tap ${i}` }))));
      expect(await turnsOf(two.app, conv)).to.equal(53);
      // The user's state (another slot) was written and is read by either instance.
      const user = `${conv.channelId}/users/${conv.userId}/`;
      expect(((await one.app.store.read([user]))[user] as { profile?: { locale?: string; group?: string } }).profile).to.include({ locale: 'en', group: 'refugee' });
    } finally {
      await Promise.all([one.app.stop(), two.app.stop()]);
    }
  });

  it('a master killed mid-load: its replica takes over, turns go on with no acknowledged turn lost and no restart', async function () {
    this.timeout(90_000);
    const { app, url } = await startApp(env);
    try {
      const stamp = Date.now().toString(36);
      const conversations: Conversation[] = Array.from({ length: 12 }, (_, i) => ({ channelId: 'webchat', conversationId: `fo-${stamp}-${i}`, userId: `fo-user-${stamp}-${i}` }));
      const acknowledged = new Map<string, number>();
      const failures = new Map<string, number>();
      let stop = false;
      const worker = async (conv: Conversation) => {
        // Bounded: at most 400 turns per conversation, and only until told to stop.
        for (let i = 0; i < 400 && !stop; i++) {
          let replies: Partial<Activity>[] = [];
          try {
            replies = await post(url, activity(conv, { id: `${conv.conversationId}-${i}`, text: i === 0 ? 'hello' : 'menu' }));
          } catch {
            replies = [];
          }
          const map = failed(replies) ? failures : acknowledged;
          map.set(conv.conversationId, (map.get(conv.conversationId) ?? 0) + 1);
          await new Promise((r) => setTimeout(r, 10));
        }
      };
      const load = Promise.all(conversations.map(worker));
      await new Promise((r) => setTimeout(r, 1000));
      const before = [...acknowledged.values()].reduce((a, b) => a + b, 0);
      // The master of the first conversation's slot, so that conversation is certainly hit.
      const victim = await cluster.killMasterOf(`${env.REDIS_KEY_PREFIX}{${conversations[0].channelId}/conversations/${conversations[0].conversationId}}`);
      await new Promise((r) => setTimeout(r, 2000));
      stop = true;
      await load;
      const total = [...acknowledged.values()].reduce((a, b) => a + b, 0);
      const failedTurns = [...failures.values()].reduce((a, b) => a + b, 0);

      // No restart: every conversation answers again, on the same instance.
      for (const conv of conversations) expect(failed(await say(url, conv, 'menu')), `${conv.conversationId} answers after the failover`).to.equal(false);
      let lost = 0;
      for (const conv of conversations) {
        // Each acknowledged turn counted once in the conversation's state (+1: the check turn above).
        const stored = await turnsOf(app, conv);
        if (stored < (acknowledged.get(conv.conversationId) ?? 0) + 1) lost++;
      }
      console.log(
        `      failover: killed ${victim.killed}, ${victim.promoted} promoted after ${victim.ms} ms; ${before} turns before the kill, ${total} acknowledged in all, ${failedTurns} answered "something went wrong" during the failover, ${lost} conversations lost an acknowledged turn`,
      );
      expect(lost).to.equal(0);
      expect(total).to.be.greaterThan(before);
    } finally {
      await app.stop();
    }
  });
});
