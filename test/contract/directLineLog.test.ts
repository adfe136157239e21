import { expect } from 'chai';
import Redis, { type Cluster } from 'ioredis';
import { type EventBus, MemoryEventBus, RedisEventBus } from '../../src/events';
import { type DirectLineLog, type LoggedActivity, UnknownConversationError } from '../../src/channels/directline/activityLog';
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

const opened: { close(): Promise<void> }[] = [];
/** A bus of its own for each instance (closed after the logs). */
function busOn(client: Redis | Cluster, prefix: string): EventBus {
  const bus = new RedisEventBus(client, { prefix, ownsClient: true });
  opened.push(bus);
  return bus;
}
const implementations: Implementation[] = [
  {
    name: 'MemoryActivityLog',
    make(ttlMs = 60_000) {
      const bus = new MemoryEventBus();
      const log = new MemoryActivityLog({ ttlMs, bus });
      opened.push(log, bus);
      return { log, twin: () => log };
    },
  },
  {
    name: 'RedisActivityLog',
    make(ttlMs = 60_000) {
      const prefix = uniquePrefix('dl');
      const open = () => {
        const log = new RedisActivityLog(new Redis(testRedisUrl()), { prefix, ttlMs, bus: busOn(new Redis(testRedisUrl()), prefix) });
        opened.unshift(log);
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
        const cluster = () => createRedisClient({ redisUrl: undefined, redisClusterNodes: clusterNodes }, quiet);
        const log = new RedisActivityLog(cluster(), { prefix, ttlMs, bus: busOn(cluster(), prefix) });
        opened.unshift(log);
        return log;
      };
      return { log: open(), twin: open };
    },
  },
];

let n = 0;
const newId = () => `conv${Date.now().toString(36)}x${(n += 1)}`;
const oneAMinute = { limit: 1, windowMs: 60_000 };
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
        expect((await log.appendPost(c, message('my address is secret'), oneAMinute)).appended).to.equal(true);
      }
      await twin().forget(id);
      expect(await log.getConversation(id)).to.equal(undefined);
      expect((await log.read(id, 0)).activities).to.deep.equal([]);
      // created again, it starts from nothing: numbering and a fresh rate window
      await log.createConversation({ conversationId: id, userId: 'u1', createdAt: 2 });
      expect(await log.appendPost(id, message('new'), oneAMinute)).to.deep.equal({ appended: true, id: `${id}|0000001`, watermark: 1 });
      expect((await log.appendPost(other, message('again'), oneAMinute)).appended, 'the other conversation\'s window is still full').to.equal(false);
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

    it('stores an activity with no field but its id as just that, the same in every log', async () => {
      const { log } = impl.make();
      const id = newId();
      await log.createConversation({ conversationId: id, userId: 'u1', createdAt: 1 });
      await log.append(id, {});
      expect((await log.read(id, 0)).activities).to.deep.equal([{ id: `${id}|0000001` }]);
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
      const got: LoggedActivity[] = [];
      const unsubscribe = await other.subscribe(id, (logged) => got.push(logged));
      await log.append(id, message('hello'));
      await log.appendPost(id, message('مرحبا'), oneAMinute);
      await eventually(async () => got.length === 2, 'two notifications');
      // each carries the activity as stored, so a listener needs no read
      const stored = (await log.read(id, 0)).activities;
      expect(got.map((g) => g.watermark)).to.deep.equal([1, 2]);
      expect(got.map((g) => JSON.parse(g.json) as unknown)).to.deep.equal(stored);
      unsubscribe();
      const unrelated = newId();
      await log.createConversation({ conversationId: unrelated, userId: 'u1', createdAt: 1 });
      let unrelatedCalls = 0;
      const stop = await other.subscribe(unrelated, () => (unrelatedCalls += 1));
      await log.append(id, message('nobody listens'));
      await log.append(unrelated, message('marker'));
      await eventually(async () => unrelatedCalls === 1, 'the marker notification');
      expect(got).to.have.length(2);
      stop();
    });

    it('counts posts per conversation, shared by every instance, appends only those within the limit, and says when to retry', async () => {
      const { log, twin } = impl.make();
      const other = twin();
      const a = newId();
      const b = newId();
      for (const c of [a, b]) await log.createConversation({ conversationId: c, userId: 'u1', createdAt: 1 });
      const rate = { limit: 2, windowMs: 60_000 };
      expect(await log.appendPost(a, message('one'), rate)).to.deep.equal({ appended: true, id: `${a}|0000001`, watermark: 1 });
      expect((await other.appendPost(a, message('two'), rate)).appended).to.equal(true);
      const third = await log.appendPost(a, message('three'), rate);
      expect(third.appended).to.equal(false);
      if (!third.appended) expect(third.retryAfterMs).to.be.greaterThan(0).and.at.most(60_000);
      expect((await log.read(a, 0)).activities.map((x) => x.text)).to.deep.equal(['one', 'two']);
      expect((await log.appendPost(b, message('b'), rate)).appended).to.equal(true);
    });

    it('refuses a post to a conversation that does not exist', async () => {
      const { log } = impl.make();
      let error: unknown;
      try {
        await log.appendPost(newId(), message('lost'), oneAMinute);
      } catch (err) {
        error = err;
      }
      expect(error).to.be.instanceOf(UnknownConversationError);
    });

    it('opens a new window when the old one is over', async () => {
      const { log } = impl.make();
      const a = newId();
      await log.createConversation({ conversationId: a, userId: 'u1', createdAt: 1 });
      const rate = { limit: 1, windowMs: 100 };
      await log.appendPost(a, message('first'), rate);
      expect((await log.appendPost(a, message('too soon'), rate)).appended).to.equal(false);
      await eventually(async () => (await log.appendPost(a, message('later'), rate)).appended, 'a new window');
      expect((await log.read(a, 0)).activities.map((x) => x.text)).to.deep.equal(['first', 'later']);
    });
  });
}
