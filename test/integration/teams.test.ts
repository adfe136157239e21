import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/projectRoot';
import type { Activity, Attachment } from 'botbuilder';
import { startApp } from '../support/botServer';
import { FakeConnector } from '../support/fakeConnector';
import { TEAMS_MAX_ACTIONS } from '../../src/channels/teams/cards';
import type { App } from '../../src/app';

type Reply = Partial<Activity>;
interface AdaptiveAction {
  type: string;
  title: string;
  url?: string;
  data?: { msteams?: { type: string; value: string } };
  card?: AdaptiveCard;
}
interface AdaptiveCard {
  type: string;
  version: string;
  rtl?: boolean;
  body: { type: string; text: string }[];
  actions: AdaptiveAction[];
}

const nodeOf = (r: Reply) => (r.channelData as { node?: string } | undefined)?.node;
const cardOf = (r: Reply): AdaptiveCard | undefined => r.attachments?.find((a: Attachment) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content as AdaptiveCard | undefined;
/** Every answer a card offers, the ones behind "more" included, in order. */
function answers(card: AdaptiveCard): string[] {
  return card.actions.flatMap((a) => (a.type === 'Action.ShowCard' && a.card ? answers(a.card) : a.data?.msteams ? [a.data.msteams.value] : []));
}
function maxActions(card: AdaptiveCard): number {
  return Math.max(card.actions.length, ...card.actions.filter((a) => a.card).map((a) => maxActions(a.card!)));
}

let counter = 0;
interface TeamsChat {
  conversationId: string;
  userId: string;
  kind: 'personal' | 'channel';
}
function personalChat(): TeamsChat {
  counter += 1;
  return { conversationId: `a:1teams-${Date.now()}-${counter}`, userId: `29:user-${counter}`, kind: 'personal' };
}

describe('Microsoft Teams (msteams activities through /api/messages, replies to a local Bot Connector stand-in)', () => {
  let app: App;
  let url: string;
  const connector = new FakeConnector();

  before(async function () {
    // Training the recogniser for ten languages took over 20 s on a loaded machine.
    this.timeout(90_000);
    await connector.start();
    ({ app, url } = await startApp({ ENABLED_LOCALES: 'da,en,de,uk,ru,ar,fa,ps,ti,so' }));
  });
  after(async () => {
    await app.stop();
    await connector.stop();
  });

  function teamsActivity(chat: TeamsChat, fields: Partial<Activity>): Partial<Activity> {
    counter += 1;
    const inTeam = chat.kind === 'channel';
    return {
      type: 'message',
      id: `1700000000${counter}`,
      channelId: 'msteams',
      serviceUrl: connector.url,
      timestamp: new Date(),
      locale: 'en-US',
      conversation: { id: chat.conversationId, conversationType: chat.kind, tenantId: 'tenant-1', isGroup: inTeam } as Activity['conversation'],
      from: { id: chat.userId, name: 'Amina', aadObjectId: '6b8c2f0e-1111-4a4a-9c9c-000000000001' },
      recipient: { id: '28:bot-app-id', name: 'Ny i Tønder' },
      channelData: inTeam ? { tenant: { id: 'tenant-1' }, team: { id: '19:team@thread.skype' }, channel: { id: '19:channel@thread.skype' } } : { tenant: { id: 'tenant-1' } },
      ...fields,
    };
  }

  /** Posts like Teams does (no expectReplies) and returns what the bot sent to the connector in this conversation. */
  async function send(chat: TeamsChat, fields: Partial<Activity>): Promise<Reply[]> {
    const res = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(teamsActivity(chat, fields)) });
    expect(res.status, await res.clone().text()).to.be.oneOf([200, 201, 202]);
    await res.text();
    return connector.take(chat.conversationId);
  }

  it('walks a path in a personal chat: language card within Teams\' action limit with "more", then the welcome questions as Adaptive Cards', async () => {
    const chat = personalChat();
    const first = await send(chat, { type: 'conversationUpdate', membersAdded: [{ id: chat.userId, name: 'Amina' }] });
    const languageCard = cardOf(first.find((r) => nodeOf(r) === 'language.prompt')!)!;
    expect(languageCard.version).to.equal('1.5');
    expect(languageCard.actions).to.have.length(TEAMS_MAX_ACTIONS);
    expect(languageCard.actions[TEAMS_MAX_ACTIONS - 1].type).to.equal('Action.ShowCard');
    expect(maxActions(languageCard)).to.be.at.most(TEAMS_MAX_ACTIONS);
    const languages = answers(languageCard);
    expect(languages).to.have.length(10);
    expect(languages[0], 'the Teams locale (en-US) is offered first').to.equal('English');

    const chosen = await send(chat, { text: 'English' });
    expect(chosen.map(nodeOf)).to.include('language.chosen');
    expect(chosen.every((r) => r.locale === 'en')).to.equal(true);
    const question = chosen.find((r) => cardOf(r));
    expect(question, JSON.stringify(chosen.map(nodeOf))).to.not.equal(undefined);
    const options = answers(cardOf(question!)!);
    expect(options.length).to.be.greaterThan(1);

    // Answering with a card button's value (what Teams sends for msteams imBack) moves the path on.
    const next = await send(chat, { text: options[0] });
    expect(next.length).to.be.greaterThan(0);
    expect(next.map(nodeOf)).not.to.include('not_understood');
    for (const reply of [...first, ...chosen, ...next]) {
      const card = cardOf(reply);
      if (card) expect(maxActions(card), nodeOf(reply)).to.be.at.most(TEAMS_MAX_ACTIONS);
      expect(reply.attachments?.some((a) => a.contentType === 'application/vnd.microsoft.card.hero') ?? false, 'no hero card is left').to.equal(false);
    }
  });

  it('lays cards out right to left in Arabic, Farsi and Pashto, and left to right in the others', async () => {
    const nameOf = (lng: string) => (JSON.parse(readFileSync(join(PROJECT_ROOT, 'locales', lng, 'meta.json'), 'utf8')) as { name: string }).name;
    for (const [name, rtl] of [[nameOf('ar'), true], [nameOf('fa'), true], [nameOf('ps'), true], [nameOf('de'), false]] as const) {
      const chat = personalChat();
      const first = await send(chat, { type: 'conversationUpdate', membersAdded: [{ id: chat.userId, name: 'Amina' }] });
      const languages = answers(cardOf(first.find((r) => nodeOf(r) === 'language.prompt')!)!);
      expect(languages, name).to.include(name);
      const replies = await send(chat, { text: name });
      const card = replies.map(cardOf).find(Boolean)!;
      expect(card, name).to.not.equal(undefined);
      expect(card.rtl === true, name).to.equal(rtl);
    }
  });

  it('takes message edits and deletes quietly: answered, nothing sent, the conversation goes on', async () => {
    const chat = personalChat();
    await send(chat, { type: 'conversationUpdate', membersAdded: [{ id: chat.userId, name: 'Amina' }] });
    expect(await send(chat, { type: 'messageUpdate', text: 'English', channelData: { tenant: { id: 'tenant-1' }, eventType: 'editMessage' } })).to.deep.equal([]);
    expect(await send(chat, { type: 'messageDelete', channelData: { tenant: { id: 'tenant-1' }, eventType: 'softDeleteMessage' } })).to.deep.equal([]);
    const chosen = await send(chat, { text: 'English' });
    expect(chosen.map(nodeOf)).to.include('language.chosen');
  });

  it('installing the app in a team and people joining the team send no newcomer welcome to the channel', async () => {
    const team: TeamsChat = { conversationId: `19:channel-${Date.now()}@thread.skype`, userId: '29:caseworker-1', kind: 'channel' };
    expect(await send(team, { type: 'installationUpdate', action: 'add' })).to.deep.equal([]);
    expect(await send(team, { type: 'conversationUpdate', membersAdded: [{ id: '28:bot-app-id', name: 'Ny i Tønder' }], recipient: { id: '28:bot-app-id', name: 'Ny i Tønder' } })).to.deep.equal([]);
    expect(await send(team, { type: 'conversationUpdate', membersAdded: [{ id: '29:new-colleague', name: 'Lars' }] })).to.deep.equal([]);
  });

  it('reads a channel message after its @mention of the bot', async () => {
    const team: TeamsChat = { conversationId: `19:channel-m-${Date.now()}@thread.skype;messageid=1`, userId: '29:caseworker-2', kind: 'channel' };
    const replies = await send(team, {
      text: '<at>Ny i Tønder</at> English',
      entities: [{ type: 'mention', mentioned: { id: '28:bot-app-id', name: 'Ny i Tønder' }, text: '<at>Ny i Tønder</at>' }],
    });
    // The first message of a conversation asks for the language; "English" after the mention answers it next time.
    expect(replies.length).to.be.greaterThan(0);
    const chosen = await send(team, {
      text: '<at>Ny i Tønder</at> English',
      entities: [{ type: 'mention', mentioned: { id: '28:bot-app-id', name: 'Ny i Tønder' }, text: '<at>Ny i Tønder</at>' }],
    });
    expect(chosen.map(nodeOf)).to.include('language.chosen');
  });
});

describe('Microsoft Teams with app credentials', () => {
  it('refuses an unsigned Teams activity (401) and sends nothing', async () => {
    const connector = new FakeConnector();
    await connector.start();
    const { app, url } = await startApp({ MicrosoftAppId: '0b8a6d52-7c1e-4f0e-9d7a-3f2c1b0a9e8d', MicrosoftAppPassword: 'not-a-real-secret' });
    try {
      const res = await fetch(`${url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', channelId: 'msteams', serviceUrl: connector.url, text: 'hello', conversation: { id: 'a:1unsigned', conversationType: 'personal' }, from: { id: '29:x' }, recipient: { id: '28:bot' } }),
      });
      expect(res.status).to.equal(401);
      expect(connector.calls).to.deep.equal([]);
    } finally {
      await app.stop();
      await connector.stop();
    }
  });
});
