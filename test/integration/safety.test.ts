import { expect } from 'chai';
import type { App } from '../../src/app';
import { startApp } from '../support/botServer';
import { join as joinConversation, say, type Conversation } from '../support/activities';

describe('safety screen in the real server', () => {
  let app: App;
  let url: string;

  before(async () => ({ app, url } = await startApp()));
  after(() => app.stop());

  const conv = (id: string): Conversation => ({ channelId: 'emulator', conversationId: `safety-${id}`, userId: `user-${id}` });

  it('answers a danger message at once with 112 first, then the doctor, the crisis line and a person, before any path logic', async () => {
    const c = conv('en');
    const replies = await say(url, c, 'Please help, my husband hits me and he has a knife');
    expect(replies, 'the emergency numbers, then the offer of a person with priority').to.have.length(2);
    const [reply, offer] = replies;
    expect((offer.channelData as { node: string }).node).to.equal('handoff.offer_urgent');
    expect(offer.suggestedActions?.actions.map((a) => a.title)).to.deep.equal(['Yes, I want a person']);
    expect(reply.locale).to.equal('en');
    expect((reply.channelData as { node: string; safety: string }).safety).to.equal('emergency.violence');
    const text = reply.text ?? '';
    const order = ['112', '70 11 07 07', '70 201 201', 'person'].map((s) => text.indexOf(s));
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
    expect(replies[0].text).to.contain('70 11 07 07');
  });

  it('lets ordinary messages through to the bot (no false alarm on "fire kroner")', async () => {
    const c = conv('calm');
    await joinConversation(url, c);
    const replies = await say(url, c, 'det koster fire kroner');
    expect(replies.some((r) => (r.channelData as { safety?: string } | undefined)?.safety)).to.equal(false);
  });

  it('counts alarms by category in /metrics, never the text', async () => {
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).to.match(/^bot_safety_alarms_total\{category="emergency.violence"\} 2$/m);
    expect(metrics).to.not.contain('knife');
  });
});
