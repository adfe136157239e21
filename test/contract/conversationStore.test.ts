import { expect } from 'chai';
import Redis from 'ioredis';
import { AutoSaveStateMiddleware, ConversationState, MemoryStorage, TestAdapter, type StoreItem, type StoreItems } from 'botbuilder';
import { DialogSet, TextPrompt, WaterfallDialog, type DialogState, type PromptValidatorContext } from 'botbuilder-dialogs';
import type { ConversationStore } from '../../src/state/conversationStore';
import { CorruptItemError, EtagConflictError, LockLostError, RELEASE_REMEMBERED_MS } from '../../src/state/conversationStore';
import { MemoryStore } from '../../src/state/memoryStore';
import { RedisStore } from '../../src/state/redisStore';
import { testRedisUrl } from '../support/hooks';
import { uniquePrefix } from '../support/testKeys';
import { testRedisCluster } from '../support/redisCluster';
import { type RedisClient, createRedisClient } from '../../src/infra/redis';
import { createLogger } from '../../src/log';

/**
 * One contract for every ConversationStore: Bot Framework's storage semantics (the 11 behaviours
 * of platform-facts §1, written from their description), plus what the service adds: racing
 * writers, retention, odd keys, non-Latin text, turn locks.
 */
interface Implementation {
  name: string;
  /** A fresh, empty store; `ttlMs` is its retention. A second call with `shared` gives another client on the same data. */
  make(ttlMs?: number): Promise<{ store: ConversationStore; twin: () => Promise<ConversationStore>; corrupt(key: string, raw: string): Promise<void> }>;
  /** Starts what the implementation needs, once. */
  setup?(): Promise<void>;
}

const clients: RedisClient[] = [];
let clusterNodes: string[] = [];
const quiet = createLogger({ logLevel: 'silent', logPretty: false });

const implementations: Implementation[] = [
  {
    name: 'MemoryStore',
    async make(ttlMs = 60_000) {
      const store = new MemoryStore({ ttlMs });
      return {
        store,
        twin: async () => store,
        corrupt: async (key, raw) => {
          (store as unknown as { items: Map<string, { value: string; expiresAt: number }> }).items.set(key, { value: raw, expiresAt: Date.now() + ttlMs });
        },
      };
    },
  },
  {
    name: 'RedisStore',
    async make(ttlMs = 60_000) {
      const prefix = uniquePrefix('contract');
      const open = () => {
        const client = new Redis(testRedisUrl(), { enableAutoPipelining: true });
        clients.push(client);
        return new RedisStore(client, { prefix, ttlMs });
      };
      const store = open();
      return {
        store,
        twin: async () => open(),
        corrupt: async (key, raw) => {
          const client = new Redis(testRedisUrl());
          clients.push(client);
          await client.set(store.redisKey(key), raw);
        },
      };
    },
  },
  {
    name: 'RedisStore on a Redis Cluster (3 masters, 3 replicas)',
    async setup() {
      clusterNodes = (await testRedisCluster()).nodes;
    },
    async make(ttlMs = 60_000) {
      const prefix = uniquePrefix('contract');
      const open = () => {
        const client = createRedisClient({ redisUrl: undefined, redisClusterNodes: clusterNodes }, quiet);
        clients.push(client);
        return new RedisStore(client, { prefix, ttlMs });
      };
      const store = open();
      return {
        store,
        twin: async () => open(),
        corrupt: async (key, raw) => {
          const client = createRedisClient({ redisUrl: undefined, redisClusterNodes: clusterNodes }, quiet);
          clients.push(client);
          await client.set(store.redisKey(key), raw);
        },
      };
    },
  },
];

after(async () => {
  await Promise.all(clients.map((c) => c.quit().catch(() => undefined)));
});

const lock = (tag: string, token: string, ttlMs = 5000) => ({ tag, token, ttlMs });

for (const impl of implementations) {
  describe(`ConversationStore contract: ${impl.name}`, () => {
    let store: ConversationStore;
    let twin: () => Promise<ConversationStore>;
    let corrupt: (key: string, raw: string) => Promise<void>;

    before(async function () {
      this.timeout(60_000);
      await impl.setup?.();
    });

    beforeEach(async () => {
      ({ store, twin, corrupt } = await impl.make());
    });

    describe('Bot Framework storage semantics', () => {
      it('reads an unknown key as an empty result', async () => {
        const items = await store.read(['unknown']);
        expect(items).to.be.an('object');
        expect(Object.keys(items)).to.have.length(0);
      });

      it('reads null keys as an empty result', async () => {
        expect(await store.read(null as unknown as string[])).to.deep.equal({});
      });

      it('accepts a write of null without error', async () => {
        expect(await store.write(null as unknown as StoreItems)).to.equal(undefined);
      });

      it('accepts a write of no items', async () => {
        await store.write([] as unknown as StoreItems);
        await store.write({});
      });

      it('creates objects and gives each an eTag', async () => {
        await store.write({ createPoco: { id: 1 }, createPocoStoreItem: { id: 2, eTag: '*' } });
        const items = await store.read(['createPoco', 'createPocoStoreItem']);
        expect(items.createPoco.id).to.equal(1);
        expect(items.createPocoStoreItem.id).to.equal(2);
        expect(items.createPoco.eTag).to.be.a('string').and.not.equal('*');
        expect(items.createPocoStoreItem.eTag).to.be.a('string').and.not.equal('*');
      });

      it('round-trips a key of odd characters', async () => {
        const key = '!@#$%^&*()~/\\><,.?\';"`~';
        await store.write({ [key]: { id: 1 } });
        expect((await store.read([key]))[key].id).to.equal(1);
      });

      it('updates objects: fresh eTag per write, stale eTag rejected, missing or * eTag wins', async () => {
        await store.write({ pocoItem: { id: 1, count: 1 }, pocoStoreItem: { id: 1, count: 1 } });
        const loaded = await store.read(['pocoItem', 'pocoStoreItem']);
        const pocoItem = loaded.pocoItem;
        delete pocoItem.eTag;
        const pocoStoreItem = loaded.pocoStoreItem;
        const readEtag = pocoStoreItem.eTag;

        pocoItem.count += 1;
        pocoStoreItem.count += 1;
        await store.write({ pocoItem, pocoStoreItem });
        const reloaded = await store.read(['pocoItem', 'pocoStoreItem']);
        expect(reloaded.pocoStoreItem.eTag).to.not.equal(readEtag);
        expect(reloaded.pocoItem.count).to.equal(2);
        expect(reloaded.pocoStoreItem.count).to.equal(2);

        reloaded.pocoItem.count = 123;
        delete reloaded.pocoItem.eTag;
        await store.write({ pocoItem: reloaded.pocoItem });

        const stale = { ...reloaded.pocoStoreItem, eTag: readEtag, count: 99 };
        let error: unknown;
        try {
          await store.write({ pocoStoreItem: stale });
        } catch (err) {
          error = err;
        }
        expect(error).to.be.instanceOf(EtagConflictError);
        expect((error as Error).message).to.equal('Storage: error writing "pocoStoreItem" due to eTag conflict.');
        const after = await store.read(['pocoItem', 'pocoStoreItem']);
        expect(after.pocoItem.count).to.equal(123);
        expect(after.pocoStoreItem.count).to.equal(2);

        await store.write({ pocoItem: { ...after.pocoItem, count: 100 }, pocoStoreItem: { ...after.pocoStoreItem, eTag: '*', count: 100 } });
        for (let i = 0; i < 2; i++) {
          const final = await store.read(['pocoItem', 'pocoStoreItem']);
          expect(final.pocoItem.count).to.equal(100);
          expect(final.pocoStoreItem.count).to.equal(100);
        }
      });

      it('deletes an object', async () => {
        await store.write({ delete1: { id: 1, count: 1 } });
        const loaded = await store.read(['delete1']);
        expect(loaded.delete1.eTag).to.be.a('string');
        expect(loaded.delete1.count).to.equal(1);
        await store.delete(['delete1']);
        expect((await store.read(['delete1'])).delete1).to.equal(undefined);
      });

      it('deletes an unknown object without error', async () => {
        await store.delete(['unknown_key']);
      });

      it('writes, reads and deletes in batches', async () => {
        await store.write({ batch1: { count: 10 }, batch2: { count: 20 }, batch3: { count: 30 } });
        const items = await store.read(['batch1', 'batch2', 'batch3']);
        for (const key of ['batch1', 'batch2', 'batch3']) {
          expect(items[key].count).to.be.greaterThan(0);
          expect(items[key].eTag).to.be.a('string');
        }
        await store.delete(['batch1', 'batch2', 'batch3']);
        const gone = await store.read(['batch1', 'batch2', 'batch3']);
        expect(gone.batch1).to.equal(undefined);
        expect(gone.batch2).to.equal(undefined);
        expect(gone.batch3).to.equal(undefined);
      });

      it('carries a waterfall dialog with a validated prompt through its state', async () => {
        const conversationState = new ConversationState(store);
        const dialogState = conversationState.createProperty<DialogState>('dialogState');
        const dialogs = new DialogSet(dialogState);
        dialogs.add(
          new TextPrompt('textPrompt', async (prompt: PromptValidatorContext<string>) => {
            const value = prompt.recognized.value ?? '';
            if (value.length <= 3) {
              await prompt.context.sendActivity(`${value} is too short, it must be more than 3 characters. ${prompt.attemptCount}`);
              return false;
            }
            await prompt.context.sendActivity(`You got it at the ${prompt.attemptCount}th try!`);
            return true;
          }),
        );
        const stepIndexes: unknown[] = [];
        dialogs.add(
          new WaterfallDialog('waterfall', [
            async (step) => {
              stepIndexes.push(step.activeDialog?.state.stepIndex);
              await step.context.sendActivity('step1');
              return step.prompt('textPrompt', { prompt: 'Please type your name.', retryPrompt: 'Try again.' });
            },
            async (step) => {
              stepIndexes.push(step.activeDialog?.state.stepIndex);
              await step.context.sendActivity('step3');
              return step.endDialog();
            },
          ]),
        );
        const adapter = new TestAdapter(async (context) => {
          const dc = await dialogs.createContext(context);
          const result = await dc.continueDialog();
          if (result.status === 'empty') await dc.beginDialog('waterfall');
        }).use(new AutoSaveStateMiddleware(conversationState));

        await adapter
          .send('hello')
          .assertReply('step1')
          .assertReply('Please type your name.')
          .send('hi')
          .assertReply('hi is too short, it must be more than 3 characters. 1')
          .send('hi')
          .assertReply('hi is too short, it must be more than 3 characters. 2')
          .send('hi')
          .assertReply('hi is too short, it must be more than 3 characters. 3')
          .send('Kyle')
          .assertReply('You got it at the 4th try!')
          .assertReply('step3')
          .startTest();
        expect(stepIndexes.every((i) => typeof i === 'number')).to.equal(true);
      });
    });

    describe('what the service adds', () => {
      it('lets exactly one of two racing clients win a write with the same stale eTag', async () => {
        const other = await twin();
        await store.write({ race: { n: 0 } });
        const seen = (await store.read(['race'])).race;
        const results = await Promise.allSettled([
          store.write({ race: { ...seen, n: 1 } }),
          other.write({ race: { ...seen, n: 2 } }),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
        const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        expect(rejected.reason).to.be.instanceOf(EtagConflictError);
        const winner = results.findIndex((r) => r.status === 'fulfilled') + 1;
        expect((await store.read(['race'])).race.n).to.equal(winner);
      });

      it('forgets items after the retention time, and a turn restarts it', async () => {
        const short = await impl.make(300);
        await short.store.write({ fading: { v: 1 }, kept: { v: 2 } });
        await sleep(200);
        const turn = lock('kept-conv', 't1');
        const read = await short.store.acquireAndRead(turn, ['kept']);
        expect(read.acquired).to.equal(true);
        await short.store.writeAndRelease(turn, {});
        await sleep(200);
        const items = await short.store.read(['fading', 'kept']);
        expect(items.fading).to.equal(undefined);
        expect(items.kept?.v).to.equal(2);
        await sleep(350);
        expect((await short.store.read(['kept'])).kept).to.equal(undefined);
        await short.store.close();
      });

      it('keeps non-Latin text and keys intact', async () => {
        const key = 'msteams/conversations/19:تجربة@thread.skype;messageid=1/';
        const text = 'Привіт! مرحبا سلام ሰላም Hej Tønder 👋';
        await store.write({ [key]: { text } });
        expect((await store.read([key]))[key].text).to.equal(text);
      });

      it('keeps an eTag that is part of nested data', async () => {
        await store.write({ nested: { inner: { eTag: 'data' } } });
        expect((await store.read(['nested'])).nested.inner.eTag).to.equal('data');
      });

      it('reports corrupt stored data as an error naming the key', async () => {
        await corrupt('broken', 'x\n{not json');
        let error: unknown;
        try {
          await store.read(['broken']);
        } catch (err) {
          error = err;
        }
        expect(error).to.be.instanceOf(CorruptItemError);
        expect((error as Error).message).to.contain('"broken"');
      });

      it('gives a turn lock to one holder at a time and reads in the same step', async () => {
        const other = await twin();
        await store.write({ 'ch/conversations/c1/': { turns: 3 }, 'ch/users/u1/': { locale: 'da' } });
        const keys = ['ch/conversations/c1/', 'ch/users/u1/'];
        const first = await store.acquireAndRead(lock('ch/conversations/c1', 'a'), keys);
        expect(first.acquired).to.equal(true);
        if (first.acquired) {
          expect(first.items['ch/conversations/c1/'].turns).to.equal(3);
          expect(first.items['ch/users/u1/'].locale).to.equal('da');
        }
        const second = await other.acquireAndRead(lock('ch/conversations/c1', 'b'), keys);
        expect(second.acquired).to.equal(false);
        if (!second.acquired && !second.duplicate) expect(second.retryInMs).to.be.within(1, 5000);
        await store.writeAndRelease(lock('ch/conversations/c1', 'a'), { 'ch/conversations/c1/': { turns: 4, eTag: '*' } });
        const third = await other.acquireAndRead(lock('ch/conversations/c1', 'b'), keys);
        expect(third.acquired).to.equal(true);
        if (third.acquired) expect(third.items['ch/conversations/c1/'].turns).to.equal(4);
        await other.writeAndRelease(lock('ch/conversations/c1', 'b'), {});
      });

      it('says a lock was released recently for RELEASE_REMEMBERED_MS after a release, and that a released lock is free, not ours', async () => {
        const other = await twin();
        const tag = 'ch/conversations/c13';
        const fresh = await store.acquireAndRead(lock(tag, 'a'), []);
        expect(fresh.acquired && fresh.releasedRecently, 'never held before').to.equal(false);
        await store.writeAndRelease(lock(tag, 'a'), {});
        // a failed turn's release (nothing written) counts too
        const next = await other.acquireAndRead(lock(tag, 'b'), []);
        expect(next.acquired && next.releasedRecently, 'just released').to.equal(true);
        await other.writeAndRelease(lock(tag, 'b'), {});
        const stale = await store.writeAndRelease(lock(tag, 'b'), {}).catch((err: unknown) => err);
        expect(stale, 'a released lock is nobody\'s').to.be.instanceOf(LockLostError);
        expect((stale as LockLostError).reason).to.equal('expired');
        await sleep(RELEASE_REMEMBERED_MS + 50);
        const later = await store.acquireAndRead(lock(tag, 'c'), []);
        expect(later.acquired && later.releasedRecently, 'released long ago').to.equal(false);
        // A commit that deletes ("delete my data") leaves nothing behind, not even the released lock.
        await store.writeAndRelease(lock(tag, 'c'), { [`${tag}/`]: null });
        const afterErasure = await other.acquireAndRead(lock(tag, 'd'), []);
        expect(afterErasure.acquired && afterErasure.releasedRecently, 'after an erasure').to.equal(false);
        await other.writeAndRelease(lock(tag, 'd'), { [`${tag}/`]: null });
      });

      it('writes nothing when the lock was lost, and deletes with null', async () => {
        await store.write({ 'ch/conversations/c2/': { v: 1 }, 'ch/conversations/c2/x': { v: 1 } });
        const turn = lock('ch/conversations/c2', 'a', 100);
        expect((await store.acquireAndRead(turn, ['ch/conversations/c2/'])).acquired).to.equal(true);
        await sleep(150);
        const thief = lock('ch/conversations/c2', 'b');
        expect((await store.acquireAndRead(thief, ['ch/conversations/c2/'])).acquired).to.equal(true);
        let error: unknown;
        try {
          await store.writeAndRelease(turn, { 'ch/conversations/c2/': { v: 2 }, 'ch/conversations/c2/x': { v: 2 } });
        } catch (err) {
          error = err;
        }
        expect(error).to.be.instanceOf(LockLostError);
        expect((error as LockLostError).reason).to.equal('taken');
        const items = await store.read(['ch/conversations/c2/', 'ch/conversations/c2/x']);
        expect(items['ch/conversations/c2/'].v).to.equal(1);
        expect(items['ch/conversations/c2/x'].v).to.equal(1);

        await store.writeAndRelease(thief, { 'ch/conversations/c2/': null, 'ch/conversations/c2/x': null });
        expect(await store.read(['ch/conversations/c2/', 'ch/conversations/c2/x'])).to.deep.equal({});
      });

      it('says when a lock ran out with nobody holding it (expired) rather than taken', async () => {
        const turn = lock('ch/conversations/c12', 'a', 50);
        expect((await store.acquireAndRead(turn, [])).acquired).to.equal(true);
        await sleep(100);
        const error = await store.writeAndRelease(turn, { 'ch/conversations/c12/': { v: 1 } }).catch((err: unknown) => err);
        expect(error).to.be.instanceOf(LockLostError);
        expect((error as LockLostError).reason).to.equal('expired');
        expect(await store.read(['ch/conversations/c12/'])).to.deep.equal({});
      });

      it('refuses to write another owner\'s key (the user\'s) in a turn commit: one slot per script', async () => {
        const turn = lock('ch/conversations/c5', 'a');
        await store.acquireAndRead(turn, []);
        let error: unknown;
        await store.writeAndRelease(turn, { 'ch/conversations/c5/': { v: 1 }, 'ch/users/u5/': { v: 1 } }).catch((err) => (error = err));
        expect((error as Error).message).to.contain('does not belong');
        expect(await store.read(['ch/conversations/c5/', 'ch/users/u5/'])).to.deep.equal({});
        await store.writeAndRelease(turn, {});
      });

      it('sets a key only if its eTag is still the one read (none: only if absent), and says what is there instead', async () => {
        expect(await store.replaceIf('ch/users/u6/', undefined, { n: 1 })).to.deep.equal({ written: true });
        const first = (await store.read(['ch/users/u6/']))['ch/users/u6/'];
        const again = await store.replaceIf('ch/users/u6/', undefined, { n: 99 });
        expect(again.written).to.equal(false);
        if (!again.written) expect(again.current?.eTag).to.equal(first.eTag);
        expect(await store.replaceIf('ch/users/u6/', first.eTag as string, { n: 2 })).to.deep.equal({ written: true });
        const stale = await store.replaceIf('ch/users/u6/', first.eTag as string, { n: 3 });
        expect(stale.written).to.equal(false);
        if (!stale.written) expect(stale.current?.n).to.equal(2);
        const now = (await store.read(['ch/users/u6/']))['ch/users/u6/'];
        expect(await store.replaceIf('ch/users/u6/', now.eTag as string, null)).to.deep.equal({ written: true });
        expect(await store.read(['ch/users/u6/'])).to.deep.equal({});
        const gone = await store.replaceIf('ch/users/u6/', now.eTag as string, { n: 4 });
        expect(gone).to.deep.equal({ written: false, current: undefined });
      });

      it('extends a lock only for its holder, so a live turn keeps a short lease', async () => {
        const other = await twin();
        const turn = lock('ch/conversations/c7', 'a', 200);
        expect((await store.acquireAndRead(turn, [])).acquired).to.equal(true);
        for (let i = 0; i < 3; i++) {
          await sleep(100);
          expect(await store.extend(turn)).to.equal(true);
        }
        expect((await other.acquireAndRead(lock('ch/conversations/c7', 'b'), [])).acquired).to.equal(false);
        expect(await other.extend(lock('ch/conversations/c7', 'b', 200))).to.equal(false);
        await sleep(260);
        expect(await store.extend(turn)).to.equal(false);
        const thief = lock('ch/conversations/c7', 'b');
        expect((await other.acquireAndRead(thief, [])).acquired).to.equal(true);
        await other.writeAndRelease(thief, {});
      });

      it('reads the user\'s key beside the conversation\'s lock and restarts its retention', async () => {
        const short = await impl.make(400);
        await short.store.write({ 'ch/users/u8/': { locale: 'en' } });
        await sleep(250);
        const turn = lock('ch/conversations/c8', 'a');
        const read = await short.store.acquireAndRead(turn, ['ch/conversations/c8/', 'ch/users/u8/']);
        expect(read.acquired && read.items['ch/users/u8/'].locale).to.equal('en');
        await short.store.writeAndRelease(turn, {});
        await sleep(250);
        expect((await short.store.read(['ch/users/u8/']))['ch/users/u8/']?.locale).to.equal('en');
        await short.store.close();
      });

      it('remembers a committed turn by its activity id: a retry is a duplicate with the recorded answer, within the window only', async () => {
        const other = await twin();
        const first = { ...lock('ch/conversations/c9', 'a'), activityId: 'act-1' };
        expect((await store.acquireAndRead(first, ['ch/conversations/c9/'])).acquired).to.equal(true);
        await store.writeAndRelease(first, { 'ch/conversations/c9/': { turns: 1 } }, { windowMs: 300, replies: '[{"text":"hi"}]' });
        const retry = await other.acquireAndRead({ ...lock('ch/conversations/c9', 'b'), activityId: 'act-1' }, ['ch/conversations/c9/']);
        expect(retry).to.deep.equal({ acquired: false, duplicate: true, replies: '[{"text":"hi"}]' });
        // Not taken by the duplicate: the next turn gets the lock at once.
        const next = { ...lock('ch/conversations/c9', 'c'), activityId: 'act-2' };
        expect((await other.acquireAndRead(next, [])).acquired).to.equal(true);
        await other.writeAndRelease(next, {}, { windowMs: 300 });
        const retry2 = await store.acquireAndRead({ ...lock('ch/conversations/c9', 'd'), activityId: 'act-2' }, []);
        expect(retry2).to.deep.equal({ acquired: false, duplicate: true, replies: undefined });
        // Another conversation's activity with the same id is not a duplicate.
        const elsewhere = { ...lock('ch/conversations/c10', 'e'), activityId: 'act-1' };
        expect((await store.acquireAndRead(elsewhere, [])).acquired).to.equal(true);
        await store.writeAndRelease(elsewhere, {});
        await sleep(350);
        const late = { ...lock('ch/conversations/c9', 'f'), activityId: 'act-1' };
        expect((await store.acquireAndRead(late, [])).acquired).to.equal(true);
        await store.writeAndRelease(late, {});
      });

      it('does not remember a turn released without a record (a failed turn may be retried)', async () => {
        const failed = { ...lock('ch/conversations/c11', 'a'), activityId: 'act-x' };
        expect((await store.acquireAndRead(failed, [])).acquired).to.equal(true);
        await store.writeAndRelease(failed, {});
        const retry = { ...lock('ch/conversations/c11', 'b'), activityId: 'act-x' };
        expect((await store.acquireAndRead(retry, [])).acquired).to.equal(true);
        await store.writeAndRelease(retry, {}, { windowMs: 60_000 });
        const erase = { ...lock('ch/conversations/c11', 'c'), activityId: 'act-y' };
        expect((await store.acquireAndRead(erase, [])).acquired).to.equal(true);
        await store.writeAndRelease(erase, { 'ch/conversations/c11/': null }, { windowMs: 60_000, forgetEarlier: true });
        // Erased: earlier turns are forgotten, the erasing turn itself is remembered.
        expect((await store.acquireAndRead({ ...lock('ch/conversations/c11', 'd'), activityId: 'act-y' }, [])).acquired).to.equal(false);
        const earlier = { ...lock('ch/conversations/c11', 'e'), activityId: 'act-x' };
        expect((await store.acquireAndRead(earlier, [])).acquired).to.equal(true);
        await store.writeAndRelease(earlier, {});
      });

      it('rejects a turn write with a stale eTag and writes nothing of that turn', async () => {
        await store.write({ 'ch/conversations/c3/': { v: 1 } });
        const seen = (await store.read(['ch/conversations/c3/']))['ch/conversations/c3/'] as StoreItem;
        await store.write({ 'ch/conversations/c3/': { v: 2 } });
        const turn = lock('ch/conversations/c3', 'a');
        await store.acquireAndRead(turn, []);
        let error: unknown;
        try {
          await store.writeAndRelease(turn, { 'ch/conversations/c3/': { ...seen, v: 3 } });
        } catch (err) {
          error = err;
        }
        expect(error).to.be.instanceOf(EtagConflictError);
        expect((await store.read(['ch/conversations/c3/']))['ch/conversations/c3/'].v).to.equal(2);
      });
    });
  });
}

describe('RedisStore on one Redis process (oneNode): other keys read by the lock-and-read', () => {
  it('reads a key of another store as it is, in the same step as the lock, without restarting its retention; a Cluster refuses', async () => {
    const client = new Redis(testRedisUrl(), { enableAutoPipelining: true });
    clients.push(client);
    expect(new RedisStore(client, { prefix: uniquePrefix('contract-raw'), ttlMs: 60_000 }).readsRawInLock, 'not without oneNode (REDIS_ONE_NODE)').to.equal(false);
    const store = new RedisStore(client, { prefix: uniquePrefix('contract-raw'), ttlMs: 60_000, oneNode: true });
    expect(store.readsRawInLock).to.equal(true);
    const other = `${uniquePrefix('contract-raw-other')}ho:{c1}:rec`;
    await client.set(other, '{"state":"queued"}', 'PX', 5000);
    const turn = lock('ch/conversations/c1', 'a');
    const read = await store.acquireAndRead(turn, ['ch/conversations/c1/', 'ch/users/u1/'], [other, `${other}-absent`]);
    expect(read.acquired && read.raw).to.deep.equal(['{"state":"queued"}', undefined]);
    expect(await client.pttl(other)).to.be.at.most(5000);
    // held by another turn: nothing is read
    expect(await store.acquireAndRead(lock('ch/conversations/c1', 'b'), [], [other])).to.deep.include({ acquired: false });
    await store.writeAndRelease(turn, {});
    const cluster = new RedisStore(createRedisClient({ redisUrl: undefined, redisClusterNodes: (await testRedisCluster()).nodes }, quiet), { prefix: uniquePrefix('contract-raw'), ttlMs: 60_000, oneNode: true });
    expect(cluster.readsRawInLock, 'never on a Cluster').to.equal(false);
    await cluster.close();
  });
});

describe('ConversationStore contract: the reference', () => {
  it('MemoryStorage (botbuilder) agrees with the stale-eTag rule the suite expects', async () => {
    const reference = new MemoryStorage();
    await reference.write({ k: { n: 1 } });
    const seen = (await reference.read(['k'])).k;
    await reference.write({ k: { ...seen, n: 2 } });
    let rejected = false;
    await reference.write({ k: { ...seen, n: 3 } }).catch(() => (rejected = true));
    expect(rejected).to.equal(true);
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
