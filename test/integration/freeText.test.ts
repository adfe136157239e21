import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import type { App } from '../../src/app';
import { startApp } from '../support/botServer';
import { activity, post, type Conversation } from '../support/activities';

type Reply = Partial<Activity>;
const nodeOf = (r: Reply) => (r.channelData as { node?: string } | undefined)?.node;
const nodes = (replies: Reply[]) => replies.map(nodeOf);
const buttons = (r: Reply | undefined) => r?.suggestedActions?.actions.map((a) => a.title) ?? [];

/** Free text at every step and the first conversation, through the real HTTP server. */
describe('understanding people as they write: free text at every step, the first conversation', () => {
  let app: App;
  let url: string;
  let n = 0;

  before(async () => ({ app, url } = await startApp({ ENABLED_LOCALES: 'da,en,de,ar' })));
  after(() => app.stop());

  const newConv = (channelId = 'webchat'): Conversation => ({ channelId, conversationId: `free-${Date.now()}-${n++}`, userId: `free-user-${n}` });
  const say = (c: Conversation, text: string, fields: Partial<Activity> = {}) => post(url, activity(c, { text, ...fields }));

  /** Language by its own name, the two profile questions answered: the user stands at the main menu. */
  async function atMenu(c: Conversation, language: string): Promise<void> {
    await say(c, 'hej');
    await say(c, language);
    await say(c, '1');
    expect(nodes(await say(c, '2'))).to.deep.equal(['welcome.done']);
  }

  it('reads a long message with a word meaning "finished" as a whole, not as the stop command', async () => {
    const c = newConv();
    await atMenu(c, 'English');
    // Two sentences: the recogniser's "stop" (0.69 today) is part of what is said, not the command.
    const replies = await say(c, 'I stop here. what is igu');
    expect(nodes(replies)).to.not.include('command.stop');
    expect(nodes(await say(c, 'stop'))).to.deep.equal(['command.stop']);
  });

  it('understands asking for a person inside a topic menu', async () => {
    const c = newConv();
    await atMenu(c, 'Deutsch');
    await say(c, '2'); // a topic menu
    const replies = await say(c, 'ich brauche einen Menschen');
    expect(nodes(replies).some((id) => id?.startsWith('contact.'))).to.equal(true);
    const arabic = newConv();
    await atMenu(arabic, 'العربية');
    await say(arabic, '2');
    expect(nodes(await say(arabic, 'أريد التحدث مع موظف')).some((id) => id?.startsWith('contact.'))).to.equal(true);
  });

  it('goes to the node a question names, from another menu ("what is IGU")', async () => {
    const c = newConv();
    await atMenu(c, 'English');
    expect(nodes(await say(c, 'Work'))).to.deep.equal(['work.start']);
    expect(nodes(await say(c, 'what is IGU'))[0]).to.equal('work.igu');
  });

  it('never reads a button label as a message in another language ("DU1, DU2 and DU3")', async () => {
    const c = newConv();
    await atMenu(c, 'English');
    await say(c, 'School');
    await say(c, 'Danish for adults');
    const replies = await say(c, 'DU1, DU2 and DU3');
    expect(nodes(replies)).to.not.include('language.offer');
    expect(nodes(replies)[0]).to.equal('school.du');
  });

  it('takes "back" and "menu" at the language prompt', async () => {
    const c = newConv();
    await atMenu(c, 'English');
    await say(c, 'Work');
    expect(nodes(await say(c, 'language'))).to.deep.equal(['language.prompt']);
    const back = await say(c, 'back');
    expect(nodes(back)).to.deep.equal(['work.start']);
    expect(back[0].locale).to.equal('en');
    expect(nodes(await say(c, 'language'))).to.deep.equal(['language.prompt']);
    expect(nodes(await say(c, 'menu'))).to.deep.equal(['menu.start']);
  });

  it('takes an age written in words ("she is two years old")', async () => {
    const c = newConv();
    await atMenu(c, 'English');
    await say(c, 'School');
    expect(nodes(await say(c, 'My child'))).to.deep.equal(['school.child_age']);
    expect(nodes(await say(c, 'she is two years old'))[0]).to.equal('school.small');
  });

  it('offers a person after two misunderstandings in a row', async () => {
    const c = newConv();
    await atMenu(c, 'English');
    const first = await say(c, 'blorp');
    expect(nodes(first)).to.not.include('contact.start');
    const second = await say(c, 'zibble');
    expect(nodes(second)[0]).to.equal('contact.start');
  });

  it('uses the language chosen on the web page without asking, greets in it, and says at most two messages before the first question', async () => {
    const c = newConv('directline');
    const replies = await say(c, 'hallo', { locale: 'de-DE' });
    expect(nodes(replies)).to.not.include('language.prompt');
    expect(replies.every((r) => r.locale === 'de'), JSON.stringify(replies.map((r) => r.locale))).to.equal(true);
    const question = replies.findIndex((r) => buttons(r).length > 0);
    expect(nodes(replies)[question]).to.equal('welcome.group');
    // After the greeting: the language is set (one message), the welcome (one message), then the question.
    expect(question - 1).to.be.at.most(2);
  });

  it('answers a first message written in the person\'s own language once the language is settled', async () => {
    const c = newConv('emulator');
    const replies = await say(c, 'Wie finde ich Arbeit in Tønder?');
    expect(nodes(replies)).to.include('language.chosen');
    expect(nodes(replies)).to.include('work.start');
    expect(replies.filter((r) => nodeOf(r) !== 'welcome.hello').every((r) => r.locale === 'de')).to.equal(true);
  });

  it('changes the bot\'s language when the web page\'s language changes (setLanguage event), where the user is', async () => {
    const c = newConv('directline');
    await atMenu(c, 'English');
    expect(nodes(await say(c, 'Work'))).to.deep.equal(['work.start']);
    const replies = await post(url, activity(c, { type: 'event', name: 'setLanguage', value: 'de' }));
    expect(nodes(replies)).to.deep.equal(['language.chosen', 'work.start']);
    expect(replies.every((r) => r.locale === 'de')).to.equal(true);
    expect((await say(c, 'menu'))[0].locale).to.equal('de');
  });
});
