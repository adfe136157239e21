import { expect } from 'chai';
import { type Activity, ConversationState, TestAdapter, TurnContext, type StoreItem } from 'botbuilder';
import { LeanConversationState, LeanUserState } from '../../src/state/leanState';
import { MemoryStore } from '../../src/state/memoryStore';
import { TurnScopedStorage, TurnSerializer } from '../../src/state/turnSerializer';
import { encodeItem, forgetJson, rememberJson } from '../../src/state/conversationStore';

/**
 * The commit writes the JSON the lean state made for its change mark, not a second stringify of
 * the turn's snapshot: what is stored must be the same as before, and a reader of the written
 * item within the turn (read-your-writes) still gets a copy whose later changes are committed.
 */
const adapter = new TestAdapter(async () => undefined);
const context = (conversation: string, user = 'u') =>
  new TurnContext(adapter, { type: 'message', id: `${conversation}-${Math.random()}`, channelId: 'test', conversation: { id: conversation }, from: { id: user }, recipient: { id: 'bot' }, text: 'x' } as Activity);

function setup() {
  const store = new MemoryStore({ ttlMs: 60_000 });
  const storage = new TurnScopedStorage(store);
  const serializer = new TurnSerializer(store, { lockTtlMs: 5000, maxWaitMs: 5000 });
  return { store, storage, serializer };
}

const SHAPES: Record<string, unknown>[] = [
  { dialogState: { dialogStack: [{ id: 'main', state: { stepIndex: 2, values: { a: 1 } } }] }, data: { locale: 'ti', n: -0, big: 1e21, small: 5e-324 } },
  { text: 'ሰላም 👋 "quoted" \\ back\nline \u2028 \ud800 lone', nested: { list: [1, 'two', null, { three: [] }], empty: {} } },
  { skipped: undefined, kept: [undefined, 1], date: new Date(0), nan: Number.NaN },
];

describe('turn state: the change mark reused as the written JSON', () => {
  it('stores exactly what a stringify of the snapshot stored, for every shape; later changes to the live state are not written', async () => {
    for (const [i, shape] of SHAPES.entries()) {
      const { store, storage, serializer } = setup();
      const state = new LeanConversationState(storage);
      const ctx = context(`c${i}`);
      let expected = '';
      await serializer.onTurn(ctx, async () => {
        const loaded = await state.load(ctx);
        Object.assign(loaded, JSON.parse(JSON.stringify({ ...shape, marker: i })), shape);
        await state.saveChanges(ctx);
        // what the store got before: the snapshot JSON.parse(JSON.stringify(state)), then encoded
        expected = encodeItem(JSON.parse(JSON.stringify(loaded)) as StoreItem, 'E').slice(2);
        (loaded as Record<string, unknown>).afterSave = 'not written';
      });
      const key = `test/conversations/c${i}/`;
      const stored = (await store.read([key]))[key]!;
      expect(encodeItem(stored, 'E').slice(2)).to.equal(expected);
      expect(stored).not.to.have.property('afterSave');
    }
  });

  it('read-your-writes: the written item read again in the turn is the saved one, and a change to it is committed', async () => {
    const { store, storage, serializer } = setup();
    const state = new LeanConversationState(storage);
    const data = state.createProperty<{ n: number; tags?: string[] }>('data');
    const ctx = context('ryw');
    await serializer.onTurn(ctx, async () => {
      (await data.get(ctx, { n: 0 })).n = 1;
      await state.saveChanges(ctx);
      const again = await state.load(ctx, true);
      expect(again.data).to.deep.equal({ n: 1 });
      (again.data as { tags?: string[] }).tags = ['after read'];
    });
    const key = 'test/conversations/ryw/';
    expect((await store.read([key]))[key]?.data).to.deep.equal({ n: 1, tags: ['after read'] });
  });

  it("a state whose key is not given at once, and botbuilder's own states, write as before", async () => {
    const { store, storage, serializer } = setup();
    class SlowKey extends LeanConversationState {}
    const slow = new SlowKey(storage);
    // a key only by promise (as botbuilder's storageKey gives it)
    (slow as unknown as { lean: { keyNow?: unknown } }).lean.keyNow = undefined;
    const plain = new ConversationState(storage, 'ns');
    const user = new LeanUserState(storage);
    const ctx = context('other', 'u2');
    await serializer.onTurn(ctx, async () => {
      (await slow.load(ctx)).a = 1;
      (await plain.load(ctx)).b = 2;
      (await user.load(ctx)).c = 3;
      await Promise.all([slow.saveChanges(ctx), plain.saveChanges(ctx), user.saveChanges(ctx)]);
    });
    const keys = ['test/conversations/other/', 'test/conversations/other/ns', 'test/users/u2/'];
    const items = await store.read(keys);
    expect(items[keys[0]]).to.include({ a: 1 });
    expect(items[keys[1]]).to.include({ b: 2 });
    expect(items[keys[2]]).to.include({ c: 3 });
  });

  it('a turn that changes its conversation state stringifies it twice (the marks at load and save), not four times', async () => {
    const { storage, serializer } = setup();
    const state = new LeanConversationState(storage);
    const ctx = context('count');
    const stringify = JSON.stringify;
    let calls = 0;
    JSON.stringify = ((...args: Parameters<typeof stringify>) => {
      calls++;
      return stringify(...args);
    }) as typeof stringify;
    try {
      await serializer.onTurn(ctx, async () => {
        (await state.load(ctx)).n = 1;
        await state.saveChanges(ctx);
      });
    } finally {
      JSON.stringify = stringify;
    }
    expect(calls).to.equal(2);
  });

  it('encodeItem uses a remembered JSON until it is forgotten', () => {
    const item: StoreItem = { a: 1, eTag: '*' };
    rememberJson(item, '{"a":1}');
    item.a = 2; // (never done: a remembered item is not changed; shows which JSON is used)
    expect(encodeItem(item, 'E')).to.equal('E\n{"a":1}');
    forgetJson(item);
    expect(encodeItem(item, 'E')).to.equal('E\n{"a":2}');
  });
});
