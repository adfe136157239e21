import { expect } from 'chai';
import { type Activity, ConversationState, TestAdapter, TurnContext } from 'botbuilder';
import type { ConversationStore } from '../../src/state/conversationStore';
import { LockLostError } from '../../src/state/conversationStore';
import { MemoryStore } from '../../src/state/memoryStore';
import { RedisStore } from '../../src/state/redisStore';
import { ConversationBusyError, TurnScopedStorage, TurnSerializer, type TurnSerializerOptions } from '../../src/state/turnSerializer';
import { type RedisClient, createRedisClient } from '../../src/infra/redis';
import { createLogger } from '../../src/log';
import { testRedisUrl } from '../support/hooks';
import { uniquePrefix } from '../support/testKeys';

/** The turn lock's lease: renewed while a turn runs; a turn that outlived it commits only if nobody else ran. */
const quiet = createLogger({ logLevel: 'silent', logPretty: false });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One "instance": its own serializer and state over the shared store. */
function instance(store: ConversationStore, options: TurnSerializerOptions) {
  const storage = new TurnScopedStorage(store);
  const state = new ConversationState(storage);
  const data = state.createProperty<{ by: string[] }>('data');
  const serializer = new TurnSerializer(store, options);
  const adapter = new TestAdapter(async () => undefined);
  return async (conversationId: string, by: string, pauseMs = 0) => {
    const context = new TurnContext(adapter, { type: 'message', channelId: 'test', conversation: { id: conversationId }, from: { id: 'u' }, recipient: { id: 'bot' } } as Activity);
    await serializer.onTurn(context, async () => {
      const value = await data.get(context, { by: [] });
      await sleep(pauseMs);
      value.by.push(by);
      await state.saveChanges(context);
    });
  };
}

for (const [name, make] of [
  ['embedded store', async () => new MemoryStore({ ttlMs: 60_000 })],
  ['Redis', async () => new RedisStore(createRedisClient(testRedisUrl(), quiet) as RedisClient, { prefix: uniquePrefix('lease'), ttlMs: 60_000 })],
] as const) {
  describe(`the turn lock's lease (${name})`, () => {
    let store: ConversationStore;
    before(async () => {
      store = await make();
    });
    after(async () => {
      await store.close();
    });
    const read = async (id: string) => ((await store.read([`test/conversations/${id}/`]))[`test/conversations/${id}/`] as { data?: { by: string[] } } | undefined)?.data?.by;

    it('is renewed while a turn runs, so another instance waits instead of taking over', async () => {
      const a = instance(store, { lockTtlMs: 10_000, leaseMs: 600, maxWaitMs: 5000 });
      const b = instance(store, { lockTtlMs: 10_000, leaseMs: 600, maxWaitMs: 5000 });
      const id = `renewed-${Date.now()}`;
      const slow = a(id, 'a', 1500);
      await sleep(50);
      await b(id, 'b');
      await slow;
      expect(await read(id)).to.deep.equal(['a', 'b']);
    });

    it('a turn that outlived its lease commits when nobody else ran meanwhile', async () => {
      const a = instance(store, { lockTtlMs: 150, leaseMs: 150, maxWaitMs: 5000 });
      const id = `outlived-${Date.now()}`;
      await a(id, 'a', 400);
      expect(await read(id)).to.deep.equal(['a']);
    });

    it('a turn that outlived its lease while another instance ran writes nothing and says so', async () => {
      const a = instance(store, { lockTtlMs: 400, leaseMs: 400, maxWaitMs: 5000 });
      const b = instance(store, { lockTtlMs: 5000, leaseMs: 1000, maxWaitMs: 5000 });
      const impatient = instance(store, { lockTtlMs: 5000, leaseMs: 1000, maxWaitMs: 10 });
      const id = `overtaken-${Date.now()}`;
      const slow = a(id, 'a', 1200).catch((err: unknown) => err);
      await sleep(50);
      // Within the lease the conversation is busy…
      expect(await impatient(id, 'early').catch((err: unknown) => err)).to.be.instanceOf(ConversationBusyError);
      await sleep(550);
      // …after it, another instance takes over.
      await b(id, 'b');
      expect(await slow).to.be.instanceOf(LockLostError);
      expect(await read(id)).to.deep.equal(['b']);
    });
  });
}
