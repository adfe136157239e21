import { expect } from 'chai';
import Redis from 'ioredis';
import type { Activity } from 'botbuilder';
import { startApp } from '../support/botServer';
import { testRedisUrl } from '../support/hooks';
import { uniquePrefix } from '../support/testKeys';
import { activity, join, post, say, type Conversation } from '../support/activities';
import { fixtureContent } from '../support/pathFixtures';
import type { App } from '../../src/app';

type Reply = Partial<Activity>;
const nodeOf = (r: Reply) => (r.channelData as { node?: string } | undefined)?.node;
const nodes = (replies: Reply[]) => replies.filter((r) => r.type === 'message').map(nodeOf);
/** The transcript (src/handoff) is a list of texts, kept apart from the conversation's state. */
const isTranscript = (key: string) => key.includes(':tr:{');

let counter = 0;
function newConversation(channelId = 'webchat'): Conversation {
  counter += 1;
  return { channelId, conversationId: `paths-${Date.now()}-${counter}`, userId: `user-${Date.now()}-${counter}` };
}

/** Every message the bot sends says which node produced it and in which language. */
function expectStamped(replies: Reply[], locale: string): void {
  for (const r of replies.filter((x) => x.type === 'message')) {
    expect(nodeOf(r), JSON.stringify(r)).to.be.a('string').and.not.equal('bot');
    expect(r.locale, JSON.stringify(r)).to.equal(locale);
  }
}

describe('paths through the real adapter (fixture paths, Redis store)', () => {
  let app: App;
  let url: string;
  const prefix = uniquePrefix('paths');

  before(async () => {
    ({ app, url } = await startApp({ ...fixtureContent('good').env, REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix }));
  });
  after(() => app.stop());

  /** A new user through the language choice and the welcome's profile questions; returns the replies of each step. */
  async function onboard(conv: Conversation, lng: 'da' | 'en', group: 1 | 2 | 3, childAge?: number): Promise<Reply[][]> {
    const steps: Reply[][] = [];
    steps.push(await join(url, conv));
    steps.push(await say(url, conv, lng === 'da' ? 'Dansk' : 'English'));
    steps.push(await say(url, conv, String(group)));
    if (childAge === undefined) steps.push(await say(url, conv, lng === 'da' ? 'nej' : 'no'));
    else {
      steps.push(await say(url, conv, lng === 'da' ? 'ja' : 'yes'));
      steps.push(await say(url, conv, String(childAge)));
    }
    return steps;
  }

  it('runs the welcome path after the language, then the main menu, in Danish and in English', async () => {
    for (const lng of ['da', 'en'] as const) {
      const conv = newConversation();
      const steps = await onboard(conv, lng, 1, 7);
      expect(steps.map(nodes)).to.deep.equal([
        ['welcome.hello', 'language.prompt'],
        ['language.chosen', 'welcome.start', 'welcome.group'],
        ['welcome.children'],
        ['welcome.age'],
        ['menu.main'],
      ]);
      steps.slice(1).forEach((s) => expectStamped(s, lng));
      expect(steps[1][1].text).to.equal(lng === 'da' ? 'Jeg er en bot.' : 'I am a bot.');
      expect(steps[4][0].suggestedActions?.actions.map((a) => a.title)).to.deep.equal(
        lng === 'da' ? ['Arbejde', 'Skole', 'Om mig', 'Kontakt', 'Farvel'] : ['Work', 'School', 'About me', 'Contact', 'Goodbye'],
      );
      // The welcome runs once: a later conversation of the same user starts at the main menu.
      const again = await join(url, { ...conv, conversationId: `${conv.conversationId}-b` });
      expect(nodes(again)).to.deep.equal(['welcome.hello', 'menu.main']);
    }
  });

  it('sends each group down its own branch of the work path', async () => {
    const expected: Record<number, string[]> = { 1: ['work.selfsupport'], 2: ['work.ukraine'], 3: ['work.other', 'handoff.queued'] };
    for (const [group, branch] of Object.entries(expected)) {
      const conv = newConversation();
      await onboard(conv, 'en', Number(group) as 1 | 2 | 3);
      expect(nodes(await say(url, conv, 'Work'))).to.deep.equal(['work.menu']);
      const replies = await say(url, conv, 'My programme');
      expect(nodes(replies), `group ${group}`).to.deep.equal(branch);
      expectStamped(replies, 'en');
    }
  });

  it('sends children of each age and adults without children to their own school answer', async () => {
    const cases: [number | undefined, string][] = [[3, 'school.daycare'], [10, 'school.compulsory'], [20, 'school.adults'], [undefined, 'school.adults']];
    for (const [age, node] of cases) {
      const conv = newConversation();
      await onboard(conv, 'da', 1, age);
      expect(nodes(await say(url, conv, 'Skole')), `age ${age}`).to.deep.equal([node]);
    }
  });

  it('re-asks a number outside its range and accepts one inside', async () => {
    const conv = newConversation();
    await join(url, conv);
    await say(url, conv, 'English');
    await say(url, conv, '1');
    await say(url, conv, 'yes');
    const wrong = await say(url, conv, '45');
    expect(nodes(wrong)).to.deep.equal(['welcome.age']);
    expect(wrong[0].text).to.equal('Write a number.');
    expect(nodes(await say(url, conv, 'she is 4'))).to.deep.equal(['menu.main']);
    expect(nodes(await say(url, conv, 'School'))).to.deep.equal(['school.daycare']);
  });

  it('answers something it does not understand with the same choices again', async () => {
    const conv = newConversation();
    await onboard(conv, 'en', 1);
    const replies = await say(url, conv, 'purple elephants');
    expect(nodes(replies)).to.deep.equal(['menu.main']);
    expect(replies[0].text).to.equal('I did not understand. Choose an answer, or write its number.');
    expect(replies[0].suggestedActions?.actions).to.have.length(5);
  });

  it('an info node that leads back carries the menu\'s buttons; back and menu work from anywhere', async () => {
    const conv = newConversation();
    await onboard(conv, 'en', 1);
    await say(url, conv, 'Work');
    const info = await say(url, conv, 'Internship');
    expect(nodes(info)).to.deep.equal(['work.internship']);
    expect(info[0].suggestedActions?.actions.map((a) => a.title)).to.deep.equal(['My programme', 'Internship', 'Back']);
    expect((info[0].channelData as { awaiting?: string }).awaiting).to.equal('work.menu');
    expect(nodes(await say(url, conv, 'back'))).to.deep.equal(['menu.main']);
    await say(url, conv, 'Work');
    expect(nodes(await say(url, conv, 'Back')), 'the menu\'s own Back button').to.deep.equal(['menu.main']);
    await say(url, conv, 'Work');
    expect(nodes(await say(url, conv, 'tilbage')), 'a Danish command word in an English conversation').to.deep.equal(['menu.main']);
    await say(url, conv, 'Work');
    expect(nodes(await say(url, conv, 'start over'))).to.deep.equal(['menu.main']);
  });

  it('answers help, talk to a person (with facts or "ask your caseworker"), about me and stop', async () => {
    const conv = newConversation();
    await onboard(conv, 'da', 1);
    const help = await say(url, conv, 'hjælp');
    expect(nodes(help)).to.deep.equal(['command.help']);
    expect(help[0].text).to.contain('slet mine data');
    expect(help[0].suggestedActions?.actions).to.have.length(5);
    // A person: the conversation is queued for a caseworker; "bot" goes back to the bot at the main menu.
    const person = await say(url, conv, 'menneske');
    expect(nodes(person)).to.deep.equal(['handoff.queued']);
    expect(person.find((r) => r.type === 'event')?.name).to.equal('handoff.initiate');
    expect(nodes(await say(url, conv, 'bot'))).to.deep.equal(['handoff.cancelled', 'menu.main']);
    expect(nodes(await say(url, conv, 'Om mig'))).to.deep.equal(['welcome.group']);
    await say(url, conv, '2');
    expect(nodes(await say(url, conv, 'nej'))).to.deep.equal(['menu.main']);
    expect(nodes(await say(url, conv, 'Arbejde'))).to.deep.equal(['work.menu']);
    expect(nodes(await say(url, conv, '1')), 'the changed group takes effect').to.deep.equal(['work.ukraine']);
    expect(nodes(await say(url, conv, 'stop'))).to.deep.equal(['command.stop']);
    expect(nodes(await say(url, conv, 'hej')), 'after stop, a new message starts at the menu').to.deep.equal(['menu.main']);
    expect(nodes(await say(url, conv, 'Farvel'))).to.deep.equal(['command.end']);
  });

  it('goes to a path when its title is written at any step', async () => {
    const conv = newConversation();
    await onboard(conv, 'da', 1, 10);
    expect(nodes(await say(url, conv, 'Arbejde'))).to.deep.equal(['work.menu']);
    expect(nodes(await say(url, conv, 'skole')), 'a title that is not a button here').to.deep.equal(['school.compulsory']);
    expect(nodes(await say(url, conv, 'Om mig'))).to.deep.equal(['welcome.group']);
    expect(nodes(await say(url, conv, 'Velkommen')), 'never back into the welcome by its title').to.deep.equal(['welcome.group']);
  });

  it('says how to reach a person even before a language is chosen', async () => {
    const conv = newConversation();
    await join(url, conv);
    const person = await say(url, conv, 'talk to a person');
    expect(nodes(person)).to.deep.equal(['handoff.queued']);
    expect(person[0].locale).to.equal('da');
    expect(nodes(await say(url, conv, 'menu')), 'back to the bot').to.deep.equal(['handoff.cancelled', 'menu.main']);
    expect(nodes(await say(url, conv, 'language'))).to.deep.equal(['language.prompt']);
  });

  it('switches language at any time and carries on in the new one, where the user was', async () => {
    const conv = newConversation();
    await onboard(conv, 'da', 1);
    expect(nodes(await say(url, conv, 'Arbejde'))).to.deep.equal(['work.menu']);
    const prompt = await say(url, conv, 'language');
    expect(nodes(prompt)).to.deep.equal(['language.prompt']);
    const switched = await say(url, conv, 'English');
    expect(nodes(switched)).to.deep.equal(['language.chosen', 'work.menu']);
    expect((switched[0].channelData as { notice?: string }).notice).to.equal('language.machine_notice');
    expectStamped(switched, 'en');
    expect(nodes(await say(url, conv, 'back'))).to.deep.equal(['menu.main']);
  });

  describe('rendering per channel', () => {
    it('Teams: an Adaptive Card whose buttons answer with their text (imBack), and the button text selects', async () => {
      const conv = newConversation('msteams');
      const steps = await onboard(conv, 'en', 1);
      const menu = steps[steps.length - 1][0];
      expect(menu.attachments?.[0].contentType).to.equal('application/vnd.microsoft.card.adaptive');
      const card = menu.attachments![0].content as { body: { text: string }[]; actions: { type: string; data: { msteams: { type: string; value: string } } }[] };
      expect(card.body[0].text).to.equal('What do you want to know?');
      expect(card.actions.map((a) => a.data.msteams.type)).to.deep.equal(Array(5).fill('imBack'));
      expect(nodes(await say(url, conv, card.actions[0].data.msteams.value))).to.deep.equal(['work.menu']);
      // In a group chat Teams puts the bot's mention in front of the text.
      const mentioned = await post(url, activity(conv, {
        text: '<at>Bot</at> Back',
        entities: [{ type: 'mention', mentioned: { id: 'bot', name: 'Bot' }, text: '<at>Bot</at>' }],
      }));
      expect(nodes(mentioned)).to.deep.equal(['menu.main']);
    });

    it('SMS: a short numbered list, where "2" selects the second choice and the label text works too', async () => {
      const conv: Conversation = { channelId: 'sms', conversationId: `+45${Date.now() % 1e8}`, userId: `+45${Date.now() % 1e8}` };
      await say(url, conv, 'hej');
      await say(url, conv, '1');
      await say(url, conv, '1');
      const menu = await say(url, conv, 'nej');
      expect(menu[0].text).to.equal('Hvad vil du vide?\n1. Arbejde\n2. Skole\n3. Om mig\n4. Kontakt\n5. Farvel');
      expect(menu[0].suggestedActions).to.equal(undefined);
      expect(menu[0].attachments ?? []).to.have.length(0);
      const second = await say(url, conv, '2');
      expect(nodes(second)).to.deep.equal(['school.adults']);
      expect(second[0].text!.length).to.be.below(160);
      expect(nodes(await say(url, conv, 'arbejde'))).to.deep.equal(['work.menu']);
      const selfsupport = await say(url, conv, '1');
      expect(selfsupport[0].text).to.equal('Du får selvforsørgelsesprogram.\nLæs mere: https://www.borger.dk\n1. Mit program\n2. Praktik\n3. Tilbage');
    });
  });

  describe('delete my data', () => {
    async function keysOf(conv: Conversation): Promise<string[]> {
      const client = new Redis(testRedisUrl());
      try {
        const all = (await client.keys(`${prefix}*`)).filter((k) => k.includes(conv.conversationId) || k.includes(conv.userId));
        // A released turn lock stays '-' (no data) for RELEASE_REMEMBERED_MS; not after an erasure.
        const released = await Promise.all(all.map(async (k) => k.endsWith('#lock') && (await client.get(k)) === '-'));
        return all.filter((_, i) => !released[i]);
      } finally {
        await client.quit();
      }
    }

    it('asks first, keeps everything on no, and really erases the user\'s and the conversation\'s state on yes', async () => {
      const conv = newConversation();
      await onboard(conv, 'en', 2, 9);
      expect((await keysOf(conv)).filter((k) => !isTranscript(k))).to.have.length(2);
      expect((await keysOf(conv)).filter(isTranscript), 'the transcript').to.have.length(1);

      const confirm = await say(url, conv, 'delete my data');
      expect(nodes(confirm)).to.deep.equal(['command.delete_data']);
      expect(confirm[0].suggestedActions?.actions.map((a) => a.title)).to.deep.equal(['Yes', 'No']);
      const kept = await say(url, conv, 'No');
      expect(nodes(kept)).to.deep.equal(['command.delete_data.kept', 'menu.main']);
      expect(await keysOf(conv)).to.have.length(3);

      await say(url, conv, 'delete my data');
      const done = await say(url, conv, 'yes');
      expect(nodes(done)).to.deep.equal(['command.delete_data.done']);
      expect(done[0].locale).to.equal('en');
      expect(await keysOf(conv), 'no key of this user or conversation is left in Redis').to.deep.equal([]);

      // The next message starts from nothing: greeting and language choice again.
      expect(nodes(await say(url, conv, 'hello'))).to.deep.equal(['welcome.hello', 'language.prompt']);
    });

    it('works before a language is chosen, in Danish', async () => {
      const conv = newConversation();
      await join(url, conv);
      expect(await keysOf(conv)).to.have.length.above(0);
      const confirm = await say(url, conv, 'slet mine data');
      expect(nodes(confirm)).to.deep.equal(['command.delete_data']);
      expect(confirm[0].locale).to.equal('da');
      expect(nodes(await say(url, conv, 'ja'))).to.deep.equal(['command.delete_data.done']);
      expect(await keysOf(conv)).to.deep.equal([]);
    });
  });

  it('keeps an idle conversation\'s state under 1 KB in Redis (node ids, not texts)', async () => {
    const conv = newConversation();
    await onboard(conv, 'da', 1, 8);
    await say(url, conv, 'Arbejde');
    await say(url, conv, 'Praktik');
    const client = new Redis(testRedisUrl());
    try {
      const keys = (await client.keys(`${prefix}*`)).filter((k) => (k.includes(conv.conversationId) || k.includes(conv.userId)) && !isTranscript(k));
      const sizes = await Promise.all(keys.map((k) => client.strlen(k)));
      const total = sizes.reduce((a, b) => a + b, 0);
      expect(total, `${keys.length} keys, ${total} bytes`).to.be.below(1024);
      const values = await Promise.all(keys.map((k) => client.get(k)));
      expect(values.join('')).not.to.contain('Praktik hos');
    } finally {
      await client.quit();
    }
  });
});
