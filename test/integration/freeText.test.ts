import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import type { App } from '../../src/app';
import { startApp } from '../support/botServer';
import { activity, post, type Conversation } from '../support/activities';
import { DirectLineUser } from '../support/handoffClients';

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
    expect(nodes(replies), 'queued for a caseworker').to.include('handoff.queued');
    const arabic = newConv();
    await atMenu(arabic, 'العربية');
    await say(arabic, '2');
    expect(nodes(await say(arabic, 'أريد التحدث مع موظف'))).to.include('handoff.queued');
  });

  it('goes to the node a question names, from another menu ("what is IGU")', async () => {
    const c = newConv();
    await atMenu(c, 'English');
    expect(nodes(await say(c, 'Work'))).to.deep.equal(['work.start']);
    expect(nodes(await say(c, 'what is IGU'))[0]).to.equal('work.igu');
  });

  it('takes an adult asking where to learn Danish to the Danish lessons for adults (school.adult), from the main menu and from the work menu', async () => {
    const c = newConv();
    await atMenu(c, 'English');
    expect(nodes(await say(c, 'where can I learn danish'))[0]).to.equal('school.adult');
    expect(nodes(await say(c, 'menu'))).to.include('menu.start');
    expect(nodes(await say(c, 'Work'))).to.deep.equal(['work.start']);
    const danish = await say(c, 'Danish for adults');
    expect(nodes(danish)).to.deep.equal(['school.adult']);
    expect(buttons(danish.at(-1))).to.include('Danish and work');
    const german = newConv();
    await atMenu(german, 'Deutsch');
    expect(nodes(await say(german, 'Wo kann man als Erwachsener Dänisch lernen?'))[0]).to.equal('school.adult');
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
    const person = 'Talk to a person'; // locales/en/paths.json common.talk_to_person
    const first = await say(c, 'blorp');
    expect(buttons(first[first.length - 1])).to.not.include(person);
    const second = await say(c, 'zibble');
    expect(buttons(second[second.length - 1]), 'a "talk to a person" button').to.include(person);
    expect(nodes(await say(c, person))).to.include('handoff.queued');
  });

  it('on SMS, the "talk to a person" choice offered after two misunderstandings is taken by its number', async () => {
    const c = newConv('sms');
    await atMenu(c, 'English');
    await say(c, 'blorp');
    const offer = (await say(c, 'zibble')).map((r) => r.text ?? '').join('\n');
    const line = /^\s*(\d+)\. Talk to a person$/m.exec(offer);
    expect(line, offer).to.not.equal(null);
    expect(nodes(await say(c, line![1]))).to.include('handoff.queued');
  });

  it('uses the language chosen on the web page without asking, greets in it, and says at most two messages before the first question', async () => {
    // Through the self-hosted Direct Line, as the page starts a conversation: with the language chosen on the page.
    const user = new DirectLineUser(url);
    await user.start({ locale: 'de-DE' });
    await user.until((a) => nodeOf(a) === 'welcome.group', 'the first question');
    const replies = user.received.filter((a) => a.type === 'message' && a.from?.id !== user.userId);
    expect(nodes(replies)).to.not.include('language.prompt');
    expect(replies.every((r) => r.locale === 'de'), JSON.stringify(replies.map((r) => r.locale))).to.equal(true);
    const question = nodes(replies).indexOf('welcome.group');
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
    const user = new DirectLineUser(url);
    await user.start();
    await user.until((a) => nodeOf(a) === 'language.prompt', 'the language prompt');
    await user.say('English');
    await user.until((a) => nodeOf(a) === 'welcome.group', 'who are you');
    await user.say('1');
    await user.until((a) => nodeOf(a) === 'welcome.children', 'children');
    await user.say('2');
    await user.until((a) => nodeOf(a) === 'welcome.done', 'the menu');
    await user.say('Work');
    await user.until((a) => nodeOf(a) === 'work.start', 'the work path');
    const before = user.received.length;
    await user.send({ type: 'event', name: 'setLanguage', value: 'de', locale: 'de' });
    await user.until((a) => user.received.indexOf(a) >= before && nodeOf(a) === 'work.start', 'the work path again, in German');
    const after = user.received.slice(before).filter((a) => a.type === 'message' && a.from?.id !== user.userId);
    expect(nodes(after)).to.deep.equal(['language.chosen', 'work.start']);
    expect(after.every((r) => r.locale === 'de')).to.equal(true);
  });
});

/** A yes/no step answered in Latin letters, in a language whose "no" is another language's number word. */
describe('a yes/no step in Ukrainian typed in Latin letters, through the real HTTP server', () => {
  let app: App;
  let url: string;
  before(async () => ({ app, url } = await startApp({ ENABLED_LOCALES: 'da,en,uk' })));
  after(() => app.stop());

  it('takes "ni" as no, not as the Danish number nine', async () => {
    const c: Conversation = { channelId: 'webchat', conversationId: `free-uk-${Date.now()}`, userId: 'free-user-uk' };
    const say = (text: string) => post(url, activity(c, { text }));
    await say('привіт');
    await say('Українська');
    const children = await say('1');
    expect(buttons(children.at(-1)), 'the question about children, with yes/no buttons').to.have.length(2);
    const replies = await say('ni');
    expect(nodes(replies)).to.deep.equal(['welcome.done']);
    expect(replies.every((r) => r.locale === 'uk')).to.equal(true);
  });
});
