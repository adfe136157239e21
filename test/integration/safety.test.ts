import { expect } from 'chai';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from '../../src/app';
import { startApp } from '../support/botServer';
import { join as joinConversation, say, type Conversation } from '../support/activities';
import { DirectLineUser } from '../support/handoffClients';

describe('safety screen in the real server', () => {
  let app: App;
  let url: string;

  before(async () => ({ app, url } = await startApp()));
  after(() => app.stop());

  const conv = (id: string): Conversation => ({ channelId: 'emulator', conversationId: `safety-${id}`, userId: `user-${id}` });

  it('answers a danger message at once with 112 first, then the help for its kind (violence: the national helpline) and a person, before any path logic', async () => {
    const c = conv('en');
    const replies = await say(url, c, 'Please help, my husband hits me and he has a knife');
    expect(replies, 'the emergency numbers, then the offer of a person with priority').to.have.length(2);
    const [reply, offer] = replies;
    expect((offer.channelData as { node: string }).node).to.equal('handoff.offer_urgent');
    expect(offer.suggestedActions?.actions.map((a) => a.title)).to.deep.equal(['Yes, I want a person']);
    expect(reply.locale).to.equal('en');
    expect((reply.channelData as { node: string; safety: string }).safety).to.equal('emergency.violence');
    const text = reply.text ?? '';
    const order = ['112', '1888', 'person'].map((s) => text.indexOf(s));
    expect(order.every((i) => i >= 0), text).to.equal(true);
    expect(order).to.deep.equal([...order].sort((a, b) => a - b));
    expect(text.search(/\d/)).to.equal(text.indexOf('112'));
  });

  it('answers in the language the message was written in, even before a language is chosen', async () => {
    const replies = await say(url, conv('ar'), 'ساعدوني زوجي يضربني');
    expect(replies).to.have.length(2);
    expect(replies[0].locale).to.equal('ar');
    expect(replies[1].locale, 'the offer of a person in the same language').to.equal('ar');
    expect(replies[0].text).to.match(/^[^\d]*112/);
    expect(replies[0].text).to.contain('1888');
  });

  it('lets ordinary messages through to the bot (no false alarm on "fire kroner")', async () => {
    const c = conv('calm');
    await joinConversation(url, c);
    const replies = await say(url, c, 'det koster fire kroner');
    expect(replies.some((r) => (r.channelData as { safety?: string } | undefined)?.safety)).to.equal(false);
  });

  const nodeOf = (r: { channelData?: unknown }) => (r.channelData as { node?: string } | undefined)?.node;
  const buttons = (r: { suggestedActions?: { actions?: { title?: string }[] } }) => (r.suggestedActions?.actions ?? []).map((a) => a.title);

  it('names the violence helpline after 112, then offers a person with priority as a button that works', async () => {
    const c = { ...conv('button'), channelId: 'webchat' };
    const replies = await say(url, c, 'he is hitting me');
    expect(replies.map(nodeOf)).to.deep.equal(['safety', 'handoff.offer_urgent']);
    const text = replies[0].text ?? '';
    expect(text.indexOf('112')).to.be.lessThan(text.indexOf('1888'));
    expect(buttons(replies[1])).to.deep.equal(['Yes, I want a person']);
    const next = await say(url, c, 'Yes, I want a person');
    expect(next.map(nodeOf)).to.include('handoff.queued');
  });

  it('on a yes/no step, a sentence saying the person does not want to live is never taken as "no"', async () => {
    const c = conv('yesno');
    await joinConversation(url, c);
    await say(url, c, '2'); // English
    const confirm = await say(url, c, 'delete my data');
    expect(confirm.map(nodeOf)).to.include('command.delete_data');
    const replies = await say(url, c, "no, I don't want to live anymore");
    // The emergency reply, then the offer of a person: never the delete step's "no" answer.
    expect(replies.map(nodeOf)).to.deep.equal(['safety', 'handoff.offer_urgent']);
    expect((replies[0].channelData as { safety: string }).safety).to.equal('emergency.self_harm');
    expect(replies[0].text).to.contain('70 201 201');
  });

  it('asks "are you or someone else in danger now?" when unsure: yes gives the emergency reply, no lets the conversation go on', async () => {
    const c = conv('borderline');
    await joinConversation(url, c);
    await say(url, c, '2');
    const [question] = await say(url, c, 'everything is too much for me');
    expect(nodeOf(question)).to.equal('safety.check');
    expect(buttons(question)).to.deep.equal(['Yes', 'No']);
    const [yes] = await say(url, c, 'Yes');
    expect(nodeOf(yes)).to.equal('safety');
    expect(yes.text).to.contain('70 201 201');
    await say(url, c, 'everything is too much for me');
    const [no] = await say(url, c, 'No');
    expect(nodeOf(no)).to.equal('safety.check.no');
    const after = await say(url, c, 'menu');
    expect(after.map(nodeOf)).to.not.include('safety');
  });

  it('after "no" to the question about a message that read like thoughts of self-harm, still names the crisis line', async () => {
    const c = conv('self-harm-no');
    await joinConversation(url, c);
    await say(url, c, '2');
    const [question] = await say(url, c, 'after this weekend nobody here will have to think about me anymore');
    expect(nodeOf(question)).to.equal('safety.check');
    const [no] = await say(url, c, 'No');
    expect(nodeOf(no)).to.equal('safety.check.no');
    expect(no.text).to.contain('Livslinien');
    expect(no.text).to.contain('70 201 201');
  });

  it('gives the emergency reply when the answer to the question is itself another sign of danger, not passing it on', async () => {
    const c = conv('second-sign');
    await joinConversation(url, c);
    await say(url, c, '2');
    const [question] = await say(url, c, 'everything is too much for me');
    expect(nodeOf(question)).to.equal('safety.check');
    const [reply] = await say(url, c, 'everything is too much for me');
    expect(nodeOf(reply)).to.equal('safety');
    expect(reply.text?.indexOf('112')).to.be.greaterThan(-1);
  });

  it('asks the same question when only a danger word (danger.json) points at danger, never passing it silently', async () => {
    const c = conv('danger-word');
    await joinConversation(url, c);
    await say(url, c, '2');
    // "Foaming at the mouth" is a cue now (the reply at once); the word alone is only a danger word.
    const [question] = await say(url, c, 'my neighbour is foaming');
    expect(nodeOf(question)).to.equal('safety.check');
    const [yes] = await say(url, c, 'Yes');
    expect(nodeOf(yes)).to.equal('safety');
    expect(yes.text?.indexOf('112')).to.be.greaterThan(-1);
  });

  it('counts alarms by category in /metrics, never the text', async () => {
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).to.match(/^bot_safety_alarms_total\{category="emergency.violence"\} 3$/m);
    expect(metrics).to.not.contain('knife');
  });
});

describe('safety screen built from the configured DIALOGS_DIR', () => {
  let app: App;
  let url: string;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dialogs-'));
    cpSync(join(__dirname, '..', '..', 'dialogs'), dir, { recursive: true });
    const file = join(dir, 'municipality.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('value: "70 201 201"', 'value: "11 22 33 44"').replace('value: "1888"', 'value: "99 88"'));
    ({ app, url } = await startApp({ DIALOGS_DIR: dir }));
  });
  after(async () => {
    await app.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says the crisis line and the helpline of that folder, not of the project', async () => {
    const c = { channelId: 'emulator', conversationId: 'dialogs-dir', userId: 'user-dialogs-dir' };
    const [selfHarm] = await say(url, c, 'i want to kill myself');
    expect(selfHarm.text).to.contain('11 22 33 44').and.not.contain('70 201 201');
    const [violence] = await say(url, c, 'my husband beats me');
    expect(violence.text).to.contain('99 88').and.not.contain('1888');
  });
});

/** Arabic chosen on the web page, the message typed in Latin letters (a phone without an Arabic keyboard). */
describe('safety screen in the real server: Arabic typed in Latin letters', () => {
  let app: App;
  let url: string;

  before(async () => ({ app, url } = await startApp({ ENABLED_LOCALES: 'da,en,ar' })));
  after(() => app.stop());

  it('answers an emergency that only the Arabic cues know with 112 first, in Arabic, then the offer of a person', async () => {
    const user = new DirectLineUser(url);
    await user.start({ locale: 'ar' });
    await user.until((a) => (a.channelData as { node?: string } | undefined)?.node === 'welcome.group', 'the first question, in Arabic');
    const before = user.received.length;
    await user.say('el wled sharbo mawad tanzif');
    const offer = await user.until((a) => user.received.indexOf(a) >= before && (a.channelData as { node?: string } | undefined)?.node === 'handoff.offer_urgent', 'the offer of a person');
    const after = user.received.slice(before).filter((a) => a.type === 'message' && (a.channelData as { node?: string } | undefined)?.node);
    const reply = after[0];
    expect((reply.channelData as { node?: string; safetyKind?: string }).node).to.equal('safety');
    expect((reply.channelData as { node?: string; safetyKind?: string }).safetyKind).to.equal('overdose');
    expect(reply.locale).to.equal('ar');
    expect(offer.locale).to.equal('ar');
    expect(reply.text ?? '').to.match(/^[^\d]*112/);
  });

  it('reads a first message in Arabizi as Arabic before any language is chosen (the message\'s own language)', async () => {
    const replies = await say(url, { channelId: 'emulator', conversationId: 'safety-arabizi-first', userId: 'user-arabizi-first' }, 'el wled sharbo mawad tanzif');
    const nodes = replies.map((r) => (r.channelData as { node?: string } | undefined)?.node);
    expect(nodes).to.deep.equal(['safety', 'handoff.offer_urgent']);
    expect(replies[0].locale).to.equal('ar');
    expect(replies[0].text ?? '').to.match(/^[^\d]*112/);
  });
});
