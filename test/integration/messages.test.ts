import { expect } from 'chai';
import { startApp } from '../support/botServer';
import { testRedisUrl } from '../support/hooks';
import { uniquePrefix } from '../support/testKeys';
import { join, say, type Conversation } from '../support/activities';
import type { App } from '../../src/app';

for (const storeKind of ['memory', 'redis'] as const) {
  describe(`POST /api/messages (${storeKind} store)`, () => {
    let app: App;
    let url: string;

    before(async () => {
      ({ app, url } = await startApp(storeKind === 'redis' ? { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: uniquePrefix('messages') } : {}));
    });
    after(() => app.stop());

    it('welcomes a new user, says it is a bot, and asks for a language by each language\'s own name', async () => {
      const conv: Conversation = { channelId: 'emulator', conversationId: `c-${Date.now()}`, userId: 'u1' };
      const replies = await join(url, conv);
      expect(replies.map((r) => r.text)).to.deep.equal([
        'Hej! Jeg er en chatbot fra Tønder Kommune. Jeg er et computerprogram, ikke et menneske.',
        'Vælg dit sprog. / Choose your language.',
      ]);
      expect(replies[1].suggestedActions?.actions.map((a) => a.title)).to.deep.equal(['Dansk', 'English']);
    });

    it('keeps the chosen language for the rest of the conversation', async () => {
      const conv: Conversation = { channelId: 'emulator', conversationId: `c2-${Date.now()}`, userId: `u2-${Date.now()}` };
      await join(url, conv);
      const chosen = await say(url, conv, '2');
      expect(chosen[0].text).to.match(/Now I write in English/);
      expect(chosen[0].locale).to.equal('en');
      const later = await say(url, conv, 'hello');
      expect(later[0].locale).to.equal('en');
      const switched = await say(url, conv, 'Language');
      expect(switched[0].text).to.equal('Vælg dit sprog. / Choose your language.');
      expect((await say(url, conv, 'dansk'))[0].locale).to.equal('da');
    });

    it('greets once on SMS, where no conversationUpdate arrives', async () => {
      const conv: Conversation = { channelId: 'sms', conversationId: '+4511111111', userId: '+4511111111' };
      const replies = await say(url, conv, 'hej');
      // SMS: the turn's messages in one text; the language prompt says it is a chatbot itself.
      expect(replies).to.have.length(1);
      expect(replies[0].text).to.match(/chatbot/i);
      expect(replies[0].text).to.match(/1\. Dansk/);
    });
  });
}
