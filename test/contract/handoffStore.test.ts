import { expect } from 'chai';
import Redis from 'ioredis';
import { type HandoffRequest, type HandoffStore, MemoryHandoffStore, RedisHandoffStore, transitions } from '../../src/handoff';
import { testRedisUrl } from '../support/hooks';
import { uniquePrefix } from '../support/testKeys';
import { testRedisCluster } from '../support/redisCluster';
import { createRedisClient } from '../../src/infra/redis';
import { createLogger } from '../../src/log';

/**
 * One contract for every handoff store (memory, Redis): the state machine bot → queued →
 * assigned → bot or closed, one winner per claim (200 rounds of two caseworkers racing), the
 * queue order (urgent first, then the longest waiting), notes, retention and erasure.
 */
interface Implementation {
  name: string;
  /** A fresh store; `twin()` is a second instance on the same data (the same object for memory). */
  make(ttlMs?: number): { store: HandoffStore; twin(): HandoffStore };
  /** Runs once before the implementation's tests (starts the Redis Cluster). */
  setup?(): Promise<void>;
}

const quiet = createLogger({ logLevel: 'silent', logPretty: false });
let clusterNodes: string[] = [];

const opened: HandoffStore[] = [];
const implementations: Implementation[] = [
  {
    name: 'MemoryHandoffStore',
    make(ttlMs = 60_000) {
      const store = new MemoryHandoffStore({ ttlMs });
      opened.push(store);
      return { store, twin: () => store };
    },
  },
  {
    name: 'RedisHandoffStore',
    make(ttlMs = 60_000) {
      const prefix = uniquePrefix('ho');
      const open = () => {
        const store = new RedisHandoffStore(new Redis(testRedisUrl()), { prefix, ttlMs, ownsClient: true });
        opened.push(store);
        return store;
      };
      return { store: open(), twin: open };
    },
  },
  {
    name: 'RedisHandoffStore on a Redis Cluster (3 masters, 3 replicas)',
    async setup() {
      clusterNodes = (await testRedisCluster()).nodes;
    },
    make(ttlMs = 60_000) {
      const prefix = uniquePrefix('ho');
      const open = () => {
        const store = new RedisHandoffStore(createRedisClient({ redisUrl: undefined, redisClusterNodes: clusterNodes }, quiet), { prefix, ttlMs, ownsClient: true });
        opened.push(store);
        return store;
      };
      return { store: open(), twin: open };
    },
  },
];

let n = 0;
const newId = () => `conv${Date.now().toString(36)}x${(n += 1)}`;
function request(conversationId: string, extra: Partial<HandoffRequest> = {}): HandoffRequest {
  return {
    conversationId,
    priority: 'normal',
    topic: 'work',
    reason: 'work.handoff_reason',
    trigger: 'asked',
    language: 'ar',
    channel: 'directline',
    profile: { group: 'refugee', has_children: true },
    reference: { conversation: { id: conversationId, isGroup: false, conversationType: '', name: '' }, serviceUrl: 'http://127.0.0.1:1/x', channelId: 'directline' },
    requestedAt: 0,
    ...extra,
  };
}

for (const impl of implementations) {
  describe(`HandoffStore contract: ${impl.name}`, function () {
    this.timeout(30_000);
    before(async function () {
      this.timeout(120_000);
      await impl.setup?.();
    });
    after(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });

    it('an unknown conversation is with the bot (no record)', async () => {
      const { store } = impl.make();
      expect(await store.get(newId())).to.equal(undefined);
      const claim = await store.transition(newId(), transitions.claim('anna', 1), 1);
      expect(claim).to.deep.include({ ok: false, reason: 'state' });
    });

    it('walks bot → queued → assigned → bot, keeping every field and counting versions', async () => {
      const { store, twin } = impl.make();
      const id = newId();
      const queued = await store.transition(id, transitions.request(request(id), 1000), 1000);
      expect(queued.ok).to.equal(true);
      const record = (await twin().get(id))!;
      expect(record).to.deep.include({ conversationId: id, state: 'queued', priority: 'normal', topic: 'work', language: 'ar', requestedAt: 1000, version: 1, timeoutNotified: false });
      expect(record.profile).to.deep.equal({ group: 'refugee', has_children: true });
      expect(record.reference.conversation?.id).to.equal(id);
      expect(record).not.to.have.property('owner');

      const again = await store.transition(id, transitions.request(request(id), 2000), 2000);
      expect(again, 'a second request while queued changes nothing').to.deep.include({ ok: false, reason: 'state' });

      const claimed = await twin().transition(id, transitions.claim('anna', 3000), 3000);
      expect(claimed.ok && claimed.record).to.deep.include({ state: 'assigned', owner: 'anna', claimedAt: 3000, version: 2 });

      const wrongOwner = await store.transition(id, transitions.release('bo'), 4000);
      expect(wrongOwner).to.deep.include({ ok: false, reason: 'owner' });
      const released = await store.transition(id, transitions.release('anna'), 4000);
      expect(released.ok && released.record).to.deep.include({ state: 'bot', version: 3, updatedAt: 4000 });
      expect((await store.get(id))!).not.to.have.property('owner');
      expect(released.ok && released.previous?.state).to.equal('assigned');
    });

    it('transfer moves the owner; close ends it; a closed conversation may be queued again', async () => {
      const { store } = impl.make();
      const id = newId();
      await store.transition(id, transitions.request(request(id), 1), 1);
      await store.transition(id, transitions.claim('anna', 2), 2);
      expect(await store.transition(id, transitions.transfer('bo', 'carl'), 3)).to.deep.include({ ok: false, reason: 'owner' });
      const moved = await store.transition(id, transitions.transfer('anna', 'bo'), 3);
      expect(moved.ok && moved.record.owner).to.equal('bo');
      const admin = await store.transition(id, transitions.transfer(undefined, 'carl'), 4);
      expect(admin.ok && admin.record.owner, 'an admin (no owner check) may transfer').to.equal('carl');
      expect(await store.transition(id, transitions.close('bo'), 5)).to.deep.include({ ok: false, reason: 'owner' });
      const closed = await store.transition(id, transitions.close('carl'), 5);
      expect(closed.ok && closed.record.state).to.equal('closed');
      expect(await store.transition(id, transitions.claim('anna', 6), 6)).to.deep.include({ ok: false, reason: 'state' });
      const requeued = await store.transition(id, transitions.request(request(id), 7), 7);
      expect(requeued.ok && requeued.record).to.deep.include({ state: 'queued', requestedAt: 7 });
    });

    it('the user may cancel while queued or assigned', async () => {
      const { store } = impl.make();
      const a = newId();
      const b = newId();
      await store.transition(a, transitions.request(request(a), 1), 1);
      await store.transition(b, transitions.request(request(b), 1), 1);
      await store.transition(b, transitions.claim('anna', 2), 2);
      expect((await store.transition(a, transitions.cancel(), 3)).ok).to.equal(true);
      expect((await store.transition(b, transitions.cancel(), 3)).ok).to.equal(true);
      expect((await store.get(a))!.state).to.equal('bot');
      expect((await store.get(b))!.state).to.equal('bot');
      expect(await store.transition(a, transitions.cancel(), 4)).to.deep.include({ ok: false, reason: 'state' });
    });

    it('marks the timeout notice once only', async () => {
      const { store, twin } = impl.make();
      const id = newId();
      await store.transition(id, transitions.request(request(id), 1), 1);
      const results = await Promise.all([store.transition(id, transitions.timeoutNotified(), 2), twin().transition(id, transitions.timeoutNotified(), 2)]);
      expect(results.filter((r) => r.ok)).to.have.length(1);
      expect((await store.get(id))!.timeoutNotified).to.equal(true);
    });

    it('200 rounds of two caseworkers pressing "assign to me" together: exactly one owner every round', async () => {
      const { store, twin } = impl.make();
      const other = twin();
      const deadline = Date.now() + 20_000;
      for (let round = 0; round < 200 && Date.now() < deadline; round++) {
        const id = newId();
        await store.transition(id, transitions.request(request(id), round), round);
        const [a, b] = await Promise.all([store.transition(id, transitions.claim('anna', round), round), other.transition(id, transitions.claim('bo', round), round)]);
        const winners = [a, b].filter((r) => r.ok);
        expect(winners, `round ${round}`).to.have.length(1);
        const loser = [a, b].find((r) => !r.ok)!;
        expect(loser).to.deep.include({ ok: false, reason: 'state' });
        const owner = (await store.get(id))!.owner;
        expect(owner).to.equal(a.ok ? 'anna' : 'bo');
        expect(!loser.ok && loser.record?.owner, 'the loser learns who has it').to.equal(owner);
        if (round === 199) return;
      }
      throw new Error('200 rounds did not finish within 20 s');
    });

    it('lists open handoffs urgent first, then the longest waiting; assigned ones stay, ended ones go', async () => {
      const { store, twin } = impl.make();
      const [old, young, urgent, ended] = [newId(), newId(), newId(), newId()];
      await store.transition(young, transitions.request(request(young), 3000), 3000);
      await store.transition(old, transitions.request(request(old), 1000), 1000);
      await store.transition(ended, transitions.request(request(ended), 500), 500);
      await store.transition(urgent, transitions.request(request(urgent, { priority: 'urgent' }), 5000), 5000);
      await store.transition(ended, transitions.cancel(), 6000);
      await store.transition(old, transitions.claim('anna', 6000), 6000);
      const open = await twin().open();
      expect(open.map((r) => r.conversationId)).to.deep.equal([urgent, old, young]);
      expect(open.map((r) => r.state)).to.deep.equal(['queued', 'assigned', 'queued']);
      await store.transition(young, transitions.urgent(), 7000);
      expect((await store.open()).map((r) => r.conversationId), "both urgent: the longer waiting first").to.deep.equal([young, urgent, old]);
    });

    it('keeps notes in order and erases record, notes and queue place', async () => {
      const { store, twin } = impl.make();
      const id = newId();
      await store.transition(id, transitions.request(request(id), 1), 1);
      await store.addNote(id, { at: 1, author: 'anna', text: 'first' });
      await twin().addNote(id, { at: 2, author: 'bo', text: '<b>second</b>' });
      expect(await store.notes(id)).to.deep.equal([
        { at: 1, author: 'anna', text: 'first' },
        { at: 2, author: 'bo', text: '<b>second</b>' },
      ]);
      await store.erase(id);
      expect(await store.get(id)).to.equal(undefined);
      expect(await store.notes(id)).to.deep.equal([]);
      expect((await store.open()).map((r) => r.conversationId)).not.to.include(id);
    });

    it('forgets a record after the retention time', async () => {
      // Long enough that a loaded machine reads the record before it expires, then a wait for the expiry.
      const { store } = impl.make(1000);
      const id = newId();
      await store.transition(id, transitions.request(request(id), 1), 1);
      expect(await store.get(id)).not.to.equal(undefined);
      const deadline = Date.now() + 6000;
      while ((await store.get(id)) !== undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(await store.get(id)).to.equal(undefined);
      expect((await store.open()).map((r) => r.conversationId)).not.to.include(id);
    });
  });
}

describe('RedisHandoffStore: the queue index is repaired from the records', () => {
  it('drops an index entry whose record is not open, and reindex puts a missing one back', async () => {
    const prefix = uniquePrefix('hoidx');
    const client = new Redis(testRedisUrl());
    const store = new RedisHandoffStore(client, { prefix, ttlMs: 60_000 });
    try {
      const id = newId();
      await store.transition(id, transitions.request(request(id), 1), 1);
      // a crash between the record's script and the index update: index says open, record is gone
      await client.zadd(`${prefix}ho:queue`, 5, 'ghost');
      expect((await store.open()).map((r) => r.conversationId)).to.deep.equal([id]);
      expect(await client.zscore(`${prefix}ho:queue`, 'ghost')).to.equal(null);
      // the other way round: record open, index entry lost
      await client.zrem(`${prefix}ho:queue`, id);
      expect(await store.open()).to.deep.equal([]);
      await store.reindex((await store.get(id))!);
      expect((await store.open()).map((r) => r.conversationId)).to.deep.equal([id]);
      // every key of one conversation is in one hash slot
      const keys = await client.keys(`${prefix}ho:{${id}}*`);
      expect(keys.length).to.be.greaterThan(0);
    } finally {
      await client.quit();
    }
  });
});
