import { expect } from 'chai';
import { ConversationState, MemoryStorage, TestAdapter, TurnContext, UserState, type StoreItems } from 'botbuilder';
import { LeanConversationState, LeanUserState } from '../../src/state/leanState';

/** MemoryStorage that counts writes. */
class CountingStorage extends MemoryStorage {
  writes: StoreItems[] = [];
  override write(changes: StoreItems): Promise<void> {
    this.writes.push(JSON.parse(JSON.stringify(changes)) as StoreItems);
    return super.write(changes);
  }
}

const turn = () => new TurnContext(new TestAdapter(), { type: 'message', channelId: 'test', conversation: { id: 'c' } as never, from: { id: 'u', name: 'u' }, recipient: { id: 'bot', name: 'bot' } });

// botbuilder's own states run the same tests: the lean ones must behave as they do
for (const [name, Conversation, User] of [
  ['lean states (JSON change mark)', LeanConversationState, LeanUserState],
  ["botbuilder's states (the reference)", ConversationState, UserState],
] as const) describe(`bot states, ${name}`, () => {
  it('saves a state only when its content changed, once per change, as botbuilder does', async () => {
    const storage = new CountingStorage();
    const state = new Conversation(storage);
    const data = state.createProperty<{ turns: number }>('data');
    const first = turn();
    await state.load(first);
    await state.saveChanges(first);
    expect(storage.writes, 'nothing changed, nothing written').to.have.length(0);
    (await data.get(first, { turns: 0 })).turns += 1;
    await state.saveChanges(first);
    await state.saveChanges(first);
    expect(storage.writes, 'one change, one write').to.have.length(1);
    const second = turn();
    expect(await data.get(second)).to.deep.equal({ turns: 1 });
    await state.saveChanges(second);
    expect(storage.writes, 'read again, unchanged: no write').to.have.length(1);
    await state.saveChanges(second, true);
    expect(storage.writes, 'forced').to.have.length(2);
  });

  it('copies a default value (never shares it), clears and deletes like botbuilder', async () => {
    const storage = new CountingStorage();
    const state = new User(storage);
    const profile = state.createProperty<{ locale?: string; tags: string[] }>('profile');
    const fallback = { tags: [] as string[] };
    const context = turn();
    const value = await profile.get(context, fallback);
    value.tags.push('x');
    expect(fallback.tags, 'the default is copied').to.deep.equal([]);
    expect(state.get(context)).to.deep.equal({ profile: { tags: ['x'] } });
    await state.saveChanges(context);
    await state.clear(context);
    await state.saveChanges(context);
    expect(storage.writes.at(-1), 'a cleared state is written empty').to.deep.equal({ 'test/users/u/': { eTag: '*' } });
    await profile.set(context, { locale: 'da', tags: [] });
    await profile.delete(context);
    expect(await profile.get(context)).to.equal(undefined);
    await state.delete(context);
    expect(state.get(context)).to.equal(undefined);
    expect(await storage.read(['test/users/u/'])).to.deep.equal({});
  });
});
