import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { startApp } from '../support/botServer';
import { activity, post, type Conversation } from '../support/activities';
import type { App } from '../../src/app';

const ALL = 'da,en,de,uk,ru,ar,fa,ps,ti,so';

describe('languages: choosing, hints, switching mid-path, free text', () => {
  let app: App;
  let url: string;
  let n = 0;

  before(async () => {
    ({ app, url } = await startApp({ ENABLED_LOCALES: ALL }));
  });
  after(() => app.stop());

  const newConv = (): Conversation => ({ channelId: 'webchat', conversationId: `lang-${Date.now()}-${n++}`, userId: `lang-user-${n}` });
  const say = (conv: Conversation, text: string, locale?: string) => post(url, activity(conv, { text, ...(locale ? { locale } : {}) }));
  const nodes = (replies: Partial<Activity>[]) => replies.map((r) => (r.channelData as { node: string }).node);
  const buttons = (reply: Partial<Activity>) => reply.suggestedActions?.actions.map((a) => a.title) ?? [];

  /** Language chosen by its own name, the profile answered: the user stands at the main menu. */
  async function atMenu(conv: Conversation, language: string): Promise<void> {
    await say(conv, 'hej');
    await say(conv, language);
    await say(conv, '1');
    const menu = await say(conv, '2');
    expect(nodes(menu)).to.deep.equal(['welcome.done']);
    expect(buttons(menu[0])).to.have.length(8);
  }

  it('offers all ten languages by their own names, the channel\'s language first but not chosen for the user', async () => {
    const conv = newConv();
    const replies = await say(conv, 'hello', 'ar-SA');
    const prompt = replies.find((r) => (r.channelData as { node: string }).node === 'language.prompt')!;
    expect(buttons(prompt)).to.deep.equal(['العربية', 'Dansk', 'English', 'Deutsch', 'Українська', 'Русский', 'فارسی / دری', 'پښتو', 'ትግርኛ', 'Soomaali']);
    expect(prompt.text).to.equal('اختر لغتك. / Vælg dit sprog. / Choose your language.');
    // The greeting is in the hinted language; the choice stays the user's.
    expect(replies.find((r) => (r.channelData as { node: string }).node === 'welcome.hello')?.locale).to.equal('ar');
    expect(prompt.locale).to.equal('da');
  });

  it('takes a number in Arabic-Indic, Persian or Ethiopic digits as the choice', async () => {
    const conv = newConv();
    await say(conv, 'hello', 'ar-SA');
    const chosen = await say(conv, '١');
    expect(chosen[0].locale).to.equal('ar');
    expect(nodes(await say(conv, '۱'))).to.deep.equal(['welcome.children']);
  });

  it('says once that a machine translated the texts in a language no native speaker reviewed', async () => {
    const conv = newConv();
    await say(conv, 'hej');
    const chosen = await say(conv, 'Soomaali');
    // One message: the language is set, and a machine translated the texts.
    expect(nodes(chosen)[0]).to.equal('language.chosen');
    expect((chosen[0].channelData as { notice?: string }).notice).to.equal('language.machine_notice');
    expect(chosen[0].locale).to.equal('so');
    // Once per conversation: another unreviewed language later says nothing of it again.
    await say(conv, 'language');
    const again = await say(conv, 'Deutsch');
    expect(again.map((r) => (r.channelData as { notice?: string }).notice).filter(Boolean)).to.deep.equal([]);
    const danish = newConv();
    await say(danish, 'hej');
    expect(nodes(await say(danish, 'Dansk'))).to.not.include('language.machine_notice');
  });

  it('keeps the user\'s place when the language changes in the middle of a path', async () => {
    const conv = newConv();
    await atMenu(conv, 'Dansk');
    const work = await say(conv, '2');
    expect(nodes(work)).to.deep.equal(['work.start']);
    const asked = await say(conv, 'sprog');
    expect(nodes(asked)).to.deep.equal(['language.prompt']);
    const switched = await say(conv, 'Deutsch');
    expect(nodes(switched)).to.deep.equal(['language.chosen', 'work.start']);
    expect(switched[1].locale).to.equal('de');
    const german = JSON.parse(readFileSync(join(__dirname, '..', '..', 'locales', 'de', 'paths.json'), 'utf8')) as { work: { start: string } };
    expect(switched[1].text).to.equal(german.work.start);
  });

  it('offers, never forces, a switch when the user writes three words or more in another language', async () => {
    const conv = newConv();
    await atMenu(conv, 'Dansk');
    await say(conv, '2');
    const offer = await say(conv, 'I want to find a job in Tønder');
    expect(nodes(offer)).to.deep.equal(['language.offer']);
    expect(buttons(offer[0])).to.deep.equal(['English', 'Dansk']);
    const kept = await say(conv, 'Dansk');
    expect(nodes(kept)).to.deep.equal(['language.chosen', 'work.start']);
    expect(kept[1].locale).to.equal('da');
  });

  it('asks between Farsi, Arabic and Pashto rather than guessing when it is unsure', async () => {
    const conv = newConv();
    await atMenu(conv, 'English');
    const offer = await say(conv, 'من کار می خواهم لطفا');
    expect(nodes(offer)).to.deep.equal(['language.offer']);
    const offered = buttons(offer[0]);
    expect(offered[offered.length - 1]).to.equal('English');
    expect(offered).to.include('فارسی / دری');
  });

  it('understands a topic written as free text on the main menu', async () => {
    const conv = newConv();
    await atMenu(conv, 'Dansk');
    expect(nodes(await say(conv, 'fodbold for min søn'))).to.deep.equal(['leisure.start']);
    await say(conv, 'menu');
    expect(nodes(await say(conv, 'kan jeg rejse hjem til mit land'))).to.deep.equal(['return_home.start']);
  });

  it('understands a command written as a sentence', async () => {
    const conv = newConv();
    await atMenu(conv, 'English');
    const replies = await say(conv, 'please delete my data');
    expect(nodes(replies)).to.deep.equal(['command.delete_data']);
  });
});
