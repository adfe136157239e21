import { expect } from 'chai';
import Redis from 'ioredis';
import { type DirectLineLog, UnknownConversationError } from '../../src/channels/directline/activityLog';
import { MemoryActivityLog } from '../../src/channels/directline/memoryActivityLog';
import { RedisActivityLog } from '../../src/channels/directline/redisActivityLog';
import { testRedisUrl } from '../support/hooks';
import { uniquePrefix } from '../support/testKeys';
import { testRedisCluster } from '../support/redisCluster';
import { createRedisClient } from '../../src/infra/redis';
import { createLogger } from '../../src/log';

/**
 * One contract for every Direct Line log (embedded memory and Redis): conversations, numbered
 * activities read by watermark, retention, notifications to every instance, and rate counting.
 */
interface Implementation {
  name: string;
  /** A fresh log; `twin()` gives a second instance on the same data (the same object for memory). */
  make(ttlMs?: number): { log: DirectLineLog; twin(): DirectLineLog };
  /** Starts what the implementation needs, once. */
  setup?(): Promise<void>;
}

let clusterNodes: string[] = [];
const quiet = createLogger({ logLevel: 'silent', logPretty: false });

const opened: DirectLineLog[] = [];
const implementations: Implementation[] = [
  {
    name: 'MemoryActivityLog',
    make(ttlMs = 60_000) {
      const log = new MemoryActivityLog({ ttlMs });
      opened.push(log);
      return { log, twin: () => log };
    },
  },
  {
    name: 'RedisActivityLog',
    make(ttlMs = 60_000) {
      const prefix = uniquePrefix('dl');
      const open = () => {
        const log = new RedisActivityLog(new Redis(testRedisUrl()), { prefix, ttlMs });
        opened.push(log);
        return log;
      };
      return { log: open(), twin: open };
    },
  },
  {
    name: 'RedisActivityLog on a Redis Cluster (3 masters, 3 replicas)',
    async setup() {
      clusterNodes = (await testRedisCluster()).nodes;
    },
    make(ttlMs = 60_000) {
      const prefix = uniquePrefix('dl');
      const open = () => {
        const log = new RedisActivityLog(createRedisClient({ redisUrl: undefined, redisClusterNodes: clusterNodes }, quiet), { prefix, ttlMs });
        opened.push(log);
        return log;
      };
      return { log: open(), twin: open };
    },
  },
];

let n = 0;
const newId = () => `conv${Date.now().toString(36)}x${(n += 1)}`;
const message = (text: string) => ({ type: 'message', text, from: { id: 'u1', name: 'U' } }) as const;

async function eventually(check: () => Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const impl of implementations) {
  describe(`DirectLineLog contract: ${impl.name}`, () => {
    before(async function () {
      this.timeout(60_000);
      await impl.setup?.();
    });
    after(async () => {
      await Promise.all(opened.splice(0).map((l) => l.close()));
    });

    it('creates a conversation once and finds it again', async () => {
      const { log } = impl.make();
      const id = newId();
      expect(await log.getConversation(id)).to.equal(undefined);
      expect(await log.createConversation({ conversationId: id, userId: 'u1', createdAt: 1 })).to.equal(true);
      expect(await log.createConversation({ conversationId: id, userId: 'other', createdAt: 2 })).to.equal(false);
      expect(await log.getConversation(id)).to.deep.equal({ conversationId: id, userId: 'u1', createdAt: 1 });
    });

    it('numbers activities in order and reads them after a watermark', async () => {
      const { log } = impl.make();
      const id = newId();
      await log.createConversation({ conversationId: id, userId: 'u1', createdAt: 1 });
      const first = await log.append(id, { ...message('one'), id: 'client-given' } as never);
      const second = await log.append(id, message('two'));
      expect(first).to.deep.equal({ id: `${id}|0000001`, watermark: 1 });
      expect(second.watermark).to.equal(2);

      const all = await log.read(id, 0);
      expect(all.watermark).to.equal(2);
      expect(all.activities.map((a) => [a.id, a.text])).to.deep.equal([[`${id}|0000001`, 'one'], [`${id}|0000002`, 'two']]);
      expect(all.activities[0].from).to.deep.equal({ id: 'u1', name: 'U' });

      const after1 = await log.read(id, 1);
      expect(after1.activities.map((a) => a.text)).to.deep.equal(['two']);
      const none = await log.read(id, 2);
      expect(none).to.deep.equal({ activities: [], watermark: 2 });
    });

    it('erases a conversation\'s history on request and goes on numbering after it', async () => {
      const { log, twin } = impl.make();
      const id = newId();
      await log.createConversation({ conversationId: id, userId: 'u1', createdAt: 1 });
      await log.append(id, message('my address is secret'));
      await log.append(id, message('delete my data'));
      await twin().eraseHistory(id);
      expect((await log.read(id, 0)).activities).to.deep.equal([]);
      const next = await log.append(id, message('your data is deleted'));
      expect(next.watermark).to.equal(3);
      const after = await log.read(id, 0);
      expect(after.activities.map((a) => a.text)).to.deep.equal(['your data is deleted']);
      expect(after.watermark).to.equal(3);
      expect((await log.read(id, 2)).activities.map((a) => a.text)).to.deep.equal(['your data is deleted']);
      expect(await log.getConversation(id)).to.not.equal(undefined);
      await log.eraseHistory(newId());
    });

    it('forgets a conversation on request: record, activities, numbering and rate counter', async () => {
      const { log, twin } = impl.make();
      const id = newId();
      const other = newId();
      for (const c of [id, other]) {
        await log.createConversation({ conversationId: c, userId: 'u1', createdAt: 1 });
        await log.append(c, message('my address is secret'));
        await log.countPost(c, 1, 60_000);
      }
      await twin().forget(id);
      expect(await log.getConversation(id)).to.equal(undefined);
      expect((await log.read(id, 0)).activities).to.deep.equal([]);
      expect((await log.countPost(id, 1, 60_000)).allowed, 'a fresh rate window').to.equal(true);
      // created again, it starts from nothing
      await log.createConversation({ conversationId: id, userId: 'u1', createdAt: 2 });
      expect((await log.append(id, message('new'))).watermark).to.equal(1);
      expect((await log.read(other, 0)).activities.map((a) => a.text)).to.deep.equal(['my address is secret']);
      await log.forget(newId());
    });

    it('reads at most `limit` activities and continues from the watermark it returns', async () => {
      const { log } = impl.make();
      const id = newId();
      await log.createConversation({ conversationId: id, userId: 'u1', createdAt: 1 });
      for (let i = 1; i <= 5; i += 1) await log.append(id, message(`m${i}`));
      const page1 = await log.read(id, 0, 2);
      const page2 = await log.read(id, page1.watermark, 2);
      const page3 = await log.read(id, page2.watermark, 2);
      expect([...page1.activities, ...page2.activities, ...page3.activities].map((a) => a.text)).to.deep.equal(['m1', 'm2', 'm3', 'm4', 'm5']);
      expect(page3.watermark).to.equal(5);
    });

    it('keeps non-Latin text, markup-like text and nested fields exactly', async () => {
      const { log } = impl.make();
      const id = newId();
      await log.createConversation({ conversationId: id, userId: 'u1', createdAt: 1 });
      const text = 'مرحبا — سلام — ሰላም — Привіт 👋 "quoted" </script> \\n';
      await log.append(id, { ...message(text), suggestedActions: { to: [], actions: [{ type: 'imBack', title: 'دانمارکی', value: 'fa' }] } });
      const [stored] = (await log.read(id, 0)).activities;
      expect(stored.text).to.equal(text);
      expect(stored.suggestedActions?.actions[0].title).to.equal('دانمارکی');
    });

    it('refuses to append to a conversation that does not exist', async () => {
      const { log } = impl.make();
      let error: unknown;
      try {
        await log.append(newId(), message('lost'));
      } catch (err) {
        error = err;
      }
      expect(error).to.be.instanceOf(UnknownConversationError);
    });

    it('keeps conversations apart', async () => {
      const { log } = impl.make();
      const a = newId();
      const b = newId();
      await log.createConversation({ conversationId: a, userId: 'u1', createdAt: 1 });
      await log.createConversation({ conversationId: b, userId: 'u2', createdAt: 1 });
      await log.append(a, message('for a'));
      expect((await log.read(b, 0)).activities).to.deep.equal([]);
      expect((await log.read(a, 0)).activities).to.have.length(1);
    });

    it('forgets a conversation after the retention time', async () => {
      const { log } = impl.make(150);
      const id = newId();
      await log.createConversation({ conversationId: id, userId: 'u1', createdAt: 1 });
      await log.append(id, message('short-lived'));
      await eventually(async () => (await log.getConversation(id)) === undefined, 'conversation expired');
      expect((await log.read(id, 0)).activities).to.deep.equal([]);
    });

    it('tells subscribers on every instance about a new activity, until they unsubscribe', async () => {
      const { log, twin } = impl.make();
      const other = twin();
      const id = newId();
      await log.createConversation({ conversationId: id, userId: 'u1', createdAt: 1 });
      let calls = 0;
      const unsubscribe = await other.subscribe(id, () => (calls += 1));
      await log.append(id, message('hello'));
      await eventually(async () => calls === 1, 'one notification');
      unsubscribe();
      const unrelated = newId();
      await log.createConversation({ conversationId: unrelated, userId: 'u1', createdAt: 1 });
      let unrelatedCalls = 0;
      const stop = await other.subscribe(unrelated, () => (unrelatedCalls += 1));
      await log.append(id, message('nobody listens'));
      await log.append(unrelated, message('marker'));
      await eventually(async () => unrelatedCalls === 1, 'the marker notification');
      expect(calls).to.equal(1);
      stop();
    });

    it('counts posts per conversation, shared by every instance, and says when to retry', async () => {
      const { log, twin } = impl.make();
      const other = twin();
      const a = newId();
      const b = newId();
      expect((await log.countPost(a, 2, 60_000)).allowed).to.equal(true);
      expect((await other.countPost(a, 2, 60_000)).allowed).to.equal(true);
      const third = await log.countPost(a, 2, 60_000);
      expect(third.allowed).to.equal(false);
      expect(third.retryAfterMs).to.be.greaterThan(0).and.at.most(60_000);
      expect((await log.countPost(b, 2, 60_000)).allowed).to.equal(true);
    });

    it('opens a new window when the old one is over', async () => {
      const { log } = impl.make();
      const a = newId();
      await log.countPost(a, 1, 100);
      expect((await log.countPost(a, 1, 100)).allowed).to.equal(false);
      await eventually(async () => (await log.countPost(a, 1, 100)).allowed, 'a new window');
    });
  });
}
