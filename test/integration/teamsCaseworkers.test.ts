import { expect } from 'chai';
import Redis from 'ioredis';
import type { Activity } from 'botbuilder';
import type { App } from '../../src/app';
import { Accounts } from '../../src/handoff/console/accounts';
import { RedisConsoleStore } from '../../src/handoff/console/consoleStore';
import { startApp } from '../support/botServer';
import { type ConnectorCall, FakeConnector } from '../support/fakeConnector';
import { DirectLineUser } from '../support/handoffClients';
import { testRedisUrl } from '../support/hooks';
import { testRedisCluster } from '../support/redisCluster';
import { freePort } from '../support/freePort';
import { startTestRedis } from '../support/redisServer';
import { runCaseworkerAdd } from '../support/caseworkerCli';
import { uniquePrefix } from '../support/testKeys';

/**
 * Caseworkers in Teams, through the real service: two instances on one Redis, a web chat user
 * (self-hosted Direct Line) asking for a person, and Teams-shaped activities (installation in a
 * team, invoke adaptiveCard/action, replies in a card's thread) posted to /api/messages, with the
 * bot's Bot Connector calls captured by a local stand-in at the activities' serviceUrl.
 */
const SECRET = 'teams-caseworker-test-direct-line-secret-0123';
const PUBLIC_URL = 'https://bot.example.test';
const TENANT = '3f0c8a51-0000-4b1e-9d7a-00000000aaaa';
const TEAM = '19:caseworkers-general@thread.tacv2';
const AAD = { anna: '6b8c2f0e-1111-4a4a-9c9c-00000000000a', bo: '6b8c2f0e-1111-4a4a-9c9c-00000000000b', stranger: '6b8c2f0e-1111-4a4a-9c9c-00000000000f' };
const node = (a: { channelData?: unknown }) => (a.channelData as { node?: string } | undefined)?.node;

interface CardJson {
  version: string;
  body: { type: string; text?: string; facts?: { title: string; value: string }[] }[];
  actions: { type: string; verb?: string; url?: string; data?: { conversationId?: string } }[];
}
const cardOf = (activity: Partial<Activity>): CardJson | undefined => activity.attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content as CardJson | undefined;
const textOf = (card: CardJson) => JSON.stringify(card.body);
const path = (c: ConnectorCall) => decodeURIComponent(c.path);

const targets: { name: string; env(): Promise<Record<string, string>> }[] = [
  { name: 'one Redis', env: async () => ({ REDIS_URL: testRedisUrl() }) },
  { name: 'a Redis Cluster', env: async () => ({ REDIS_CLUSTER_NODES: (await testRedisCluster()).nodes.join(',') }) },
];

for (const target of targets) describe(`Caseworkers in Teams: handoff cards in the team channel, claimed and answered from Teams (two instances, ${target.name})`, function () {
  this.timeout(60_000);
  let a: App;
  let b: App;
  let urlA: string;
  let urlB: string;
  const connector = new FakeConnector();
  let counter = 0;

  before(async () => {
    await connector.start();
    const env = { ...(await target.env()), REDIS_KEY_PREFIX: uniquePrefix('teamscw'), DIRECTLINE_TOKEN_SECRET: SECRET, PUBLIC_URL };
    ({ app: a, url: urlA } = await startApp(env));
    ({ app: b, url: urlB } = await startApp(env));
    await a.handoff.accounts.linkTeams('anna', AAD.anna);
    await a.handoff.accounts.linkTeams('bo', AAD.bo);
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    await connector.stop();
  });

  /** An activity as Teams posts it from the caseworkers' team. */
  function fromTeam(fields: Partial<Activity> & { aad?: string }): Partial<Activity> {
    counter += 1;
    const { aad, ...rest } = fields;
    return {
      type: 'message',
      id: `1733140000${String(counter).padStart(3, '0')}`,
      channelId: 'msteams',
      serviceUrl: connector.url,
      timestamp: new Date(),
      locale: 'da-DK',
      conversation: { id: TEAM, conversationType: 'channel', isGroup: true, tenantId: TENANT } as Activity['conversation'],
      from: { id: `29:${aad ?? 'someone'}`, name: 'Caseworker', aadObjectId: aad },
      recipient: { id: '28:bot-app-id', name: 'Ny i Tønder' },
      channelData: { tenant: { id: TENANT }, team: { id: TEAM, name: 'Integration' }, channel: { id: TEAM, name: 'General' } },
      ...rest,
    };
  }

  async function post(url: string, activity: Partial<Activity>): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  }

  /** Clicks a card's Action.Execute as Teams does: an invoke adaptiveCard/action in the card's thread. */
  async function clickCard(url: string, aad: string, verb: string, conversationId: string, cardId: string): Promise<{ status: number; card: CardJson; type: string }> {
    const res = await post(
      url,
      fromTeam({
        aad,
        type: 'invoke',
        name: 'adaptiveCard/action',
        replyToId: cardId,
        conversation: { id: `${TEAM};messageid=${cardId}`, conversationType: 'channel', isGroup: true, tenantId: TENANT } as Activity['conversation'],
        value: { action: { type: 'Action.Execute', id: verb, verb, data: { conversationId } }, trigger: 'manual' },
      }),
    );
    const body = res.body as { statusCode: number; type: string; value: CardJson };
    return { status: res.status, card: body.value, type: body.type };
  }

  async function install(): Promise<void> {
    const res = await post(urlB, fromTeam({ type: 'installationUpdate', action: 'add' }));
    expect(res.status).to.be.oneOf([200, 201, 202]);
  }

  /** A web chat user on instance A who asks for a person; resolves with the card posted to the channel. */
  async function queuedUser(): Promise<{ user: DirectLineUser; card: ConnectorCall; cardId: string }> {
    const user = new DirectLineUser(urlA);
    await user.start();
    await user.say('English');
    await user.until((x) => node(x) === 'welcome.group', 'the welcome asks who the user is');
    await user.say('talk to a person');
    await user.until((x) => node(x) === 'handoff.queued', 'queued');
    const card = await connector.until((c) => c.status === 200 && c.method === 'POST' && path(c) === `/v3/conversations/${TEAM}/activities` && cardOf(c.activity)?.actions.some((x) => x.data?.conversationId === user.conversationId) === true, 'the handoff card in the channel');
    return { user, card, cardId: card.responseId! };
  }

  it('captures the team channel when the app is installed in a team', async () => {
    await install();
    const team = await a.teamsCaseworkers.team();
    expect(team).to.include({ serviceUrl: connector.url, teamId: TEAM, channelId: TEAM, tenantId: TENANT });
    expect(team?.bot.id).to.equal('28:bot-app-id');
    expect(connector.calls.filter((c) => path(c).includes(TEAM)), 'installing says nothing in the channel').to.deep.equal([]);
  });

  it('ignores an installation in a team of another tenant (anyone can add a multi-tenant bot to their own team)', async () => {
    await install();
    const other = '9a9a9a9a-0000-4b1e-9d7a-00000000bbbb';
    const res = await post(urlA, fromTeam({ type: 'installationUpdate', action: 'add', conversation: { id: '19:elsewhere@thread.tacv2', conversationType: 'channel', isGroup: true, tenantId: other } as Activity['conversation'], channelData: { tenant: { id: other }, team: { id: '19:elsewhere@thread.tacv2' } } }));
    expect(res.status).to.be.oneOf([200, 201, 202]);
    expect(await b.teamsCaseworkers.team()).to.include({ teamId: TEAM, tenantId: TENANT });
  });

  it('posts a web chat user\'s handoff ONCE across two instances, as an Adaptive Card 1.5 with "Assign to me" and "Open in console"', async () => {
    await install();
    const { user, card } = await queuedUser();
    await new Promise((r) => setTimeout(r, 500));
    const posts = connector.calls.filter((c) => c.method === 'POST' && path(c) === `/v3/conversations/${TEAM}/activities` && cardOf(c.activity)?.actions.some((x) => x.data?.conversationId === user.conversationId));
    expect(posts, 'one card, whichever instance won').to.have.length(1);
    const json = cardOf(card.activity)!;
    expect(json.version).to.equal('1.5');
    expect(json.actions.find((x) => x.type === 'Action.Execute')).to.include({ verb: 'handoff.claim' });
    expect(json.actions.find((x) => x.type === 'Action.OpenUrl')?.url).to.equal(`${PUBLIC_URL}/console#conversation=${encodeURIComponent(user.conversationId)}`);
    const facts = Object.fromEntries(json.body.flatMap((x) => x.facts ?? []).map((f) => [f.title, f.value]));
    expect(facts).to.include({ Kanal: 'directline', Sprog: 'English (en)', Emne: 'other', Prioritet: 'Normal' });
    expect(textOf(json), 'no message text, no user id').not.to.match(/talk to a person|dl-user/);
  });

  it('refuses a Teams user without a caseworker account politely, and the handoff stays queued', async () => {
    await install();
    const { user, cardId } = await queuedUser();
    const answer = await clickCard(urlA, AAD.stranger, 'handoff.claim', user.conversationId, cardId);
    expect(answer.status).to.equal(200);
    expect(answer.type).to.equal('application/vnd.microsoft.card.adaptive');
    expect(textOf(answer.card)).to.contain('ikke knyttet til en medarbejderkonto').and.to.contain(AAD.stranger);
    expect((await a.handoff.store.get(user.conversationId))?.state).to.equal('queued');
  });

  it('answers a card action on an unknown or erased conversation with a short card, and one without a value with 400', async () => {
    await install();
    const unknown = await clickCard(urlA, AAD.anna, 'handoff.claim', 'no-such-conversation', '999');
    expect(unknown.status).to.equal(200);
    expect(textOf(unknown.card)).to.contain('findes ikke længere');
    const res = await post(urlA, fromTeam({ aad: AAD.anna, type: 'invoke', name: 'adaptiveCard/action' }));
    expect(res.status).to.equal(400);
  });

  it('two caseworkers click "Assign to me" at once on two instances: exactly one wins, the other is told a colleague has it, the card updates for everyone', async () => {
    await install();
    const { user, cardId } = await queuedUser();
    const [first, second] = await Promise.all([clickCard(urlA, AAD.anna, 'handoff.claim', user.conversationId, cardId), clickCard(urlB, AAD.bo, 'handoff.claim', user.conversationId, cardId)]);
    expect(first.status).to.equal(200);
    expect(second.status).to.equal(200);
    const record = (await a.handoff.store.get(user.conversationId))!;
    expect(record.state).to.equal('assigned');
    const winner = record.owner!;
    expect(winner).to.be.oneOf(['anna', 'bo']);
    const [won, lost] = winner === 'anna' ? [first, second] : [second, first];
    expect(textOf(won.card)).to.contain(`${winner} har samtalen`).and.to.contain('skriv @Ny i Tønder først');
    expect(won.card.actions.map((x) => x.verb).filter(Boolean)).to.deep.equal(['handoff.release']);
    expect(textOf(lost.card)).to.contain(`En kollega (${winner}) har allerede taget samtalen`);
    await user.until((x) => node(x) === 'handoff.claimed' && (x.text ?? '').includes(winner), 'the user is told who has it');
    expect(user.received.filter((x) => node(x) === 'handoff.claimed'), 'the user hears of one claim').to.have.length(1);
    const update = await connector.until((c) => c.method === 'PUT' && path(c) === `/v3/conversations/${TEAM}/activities/${cardId}` && textOf(cardOf(c.activity)!).includes(`${winner} har samtalen`), 'the card updated in the channel');
    expect(cardOf(update.activity)!.actions.map((x) => x.verb).filter(Boolean)).to.deep.equal(['handoff.release']);
    await new Promise((r) => setTimeout(r, 500));
    const updates = connector.calls.filter((c) => c.method === 'PUT' && path(c) === `/v3/conversations/${TEAM}/activities/${cardId}`);
    expect(updates, 'the claim updates the card once, though both instances heard of it').to.have.length(1);
  });

  it('relays a reply in the card\'s thread to the web chat user, the user\'s answer into the thread, a colleague gets a notice, and "Hand back to bot" returns the user to the bot', async () => {
    await install();
    const { user, cardId } = await queuedUser();
    const thread = `${TEAM};messageid=${cardId}`;
    expect((await clickCard(urlA, AAD.anna, 'handoff.claim', user.conversationId, cardId)).status).to.equal(200);
    await user.until((x) => node(x) === 'handoff.claimed', 'claimed');

    // In a channel Teams sends the bot only messages that @mention it, so a reply starts with the mention.
    const mention = '<at>Ny i Tønder</at>';
    const inThread = (aad: string, text: string) =>
      fromTeam({
        aad,
        text: `${mention} ${text}`,
        entities: [{ type: 'mention', mentioned: { id: '28:bot-app-id', name: 'Ny i Tønder' }, text: mention }],
        replyToId: cardId,
        conversation: { id: thread, conversationType: 'channel', isGroup: true, tenantId: TENANT } as Activity['conversation'],
      });
    expect((await post(urlB, inThread(AAD.anna, 'Hej, jeg hedder Anna. Hvordan kan jeg hjælpe?'))).status).to.be.oneOf([200, 201, 202]);
    const reply = await user.until((x) => node(x) === 'handoff.caseworker', 'the caseworker\'s reply from Teams');
    expect(reply.text).to.equal('anna (caseworker): Hej, jeg hedder Anna. Hvordan kan jeg hjælpe?');

    await user.say('I have a letter from the jobcentre');
    const relayed = await connector.until((c) => c.method === 'POST' && path(c).startsWith(`/v3/conversations/${thread}/activities`) && (c.activity.text ?? '').includes('I have a letter from the jobcentre'), 'the user\'s message in the thread');
    expect(relayed.activity.text).to.equal('Borgeren: I have a letter from the jobcentre');
    expect(relayed.activity.textFormat).to.equal('plain');

    const before = user.received.length;
    await post(urlA, inThread(AAD.bo, 'Jeg kan også hjælpe'));
    const notice = await connector.until((c) => path(c).startsWith(`/v3/conversations/${thread}/activities`) && (c.activity.text ?? '').includes('Kun anna'), 'a notice to the colleague');
    expect(notice.activity.text).to.contain('Kun anna, som har samtalen');
    await new Promise((r) => setTimeout(r, 300));
    expect(user.received.slice(before).some((x) => (x.text ?? '').includes('Jeg kan også hjælpe')), 'a colleague\'s message is not sent to the user').to.equal(false);

    const released = await clickCard(urlB, AAD.anna, 'handoff.release', user.conversationId, cardId);
    expect(textOf(released.card)).to.contain('Tilbage hos botten');
    await user.until((x) => node(x) === 'handoff.released', 'the user is told the bot is back');
    await user.until((x) => node(x) === 'menu.start', 'the bot answers at the main menu');
    await connector.until((c) => c.method === 'PUT' && path(c) === `/v3/conversations/${TEAM}/activities/${cardId}` && textOf(cardOf(c.activity)!).includes('Tilbage hos botten'), 'the card says the bot has it again');
  });

  it('relays both ways with a newcomer in a Teams personal chat too (the user\'s own Teams conversation)', async () => {
    await install();
    const personal = `a:1newcomer-${Date.now()}`;
    const fromNewcomer = (text: string) =>
      fromTeam({
        text,
        conversation: { id: personal, conversationType: 'personal', tenantId: TENANT } as Activity['conversation'],
        from: { id: '29:newcomer', name: 'Amina', aadObjectId: '6b8c2f0e-1111-4a4a-9c9c-0000000000cc' },
        channelData: { tenant: { id: TENANT } },
        locale: 'en-US',
      });
    const inPersonal = (c: ConnectorCall) => path(c).startsWith(`/v3/conversations/${personal}/activities`);
    for (const text of ['hello', 'English', 'talk to a person']) expect((await post(urlA, fromNewcomer(text))).status).to.be.oneOf([200, 201, 202]);
    await connector.until((c) => inPersonal(c) && node(c.activity) === 'handoff.queued', 'queued in the personal chat');
    const card = await connector.until((c) => c.status === 200 && path(c) === `/v3/conversations/${TEAM}/activities` && cardOf(c.activity)?.actions.some((x) => x.data?.conversationId === personal) === true, 'the card');
    const cardId = card.responseId!;
    expect(textOf(cardOf(card.activity)!)).to.contain('msteams');
    expect((await clickCard(urlB, AAD.bo, 'handoff.claim', personal, cardId)).card.actions.map((x) => x.verb).filter(Boolean)).to.deep.equal(['handoff.release']);
    const mention = '<at>Ny i Tønder</at>';
    await post(
      urlB,
      fromTeam({
        aad: AAD.bo,
        text: `${mention} Hello, this is Bo.`,
        entities: [{ type: 'mention', mentioned: { id: '28:bot-app-id', name: 'Ny i Tønder' }, text: mention }],
        conversation: { id: `${TEAM};messageid=${cardId}`, conversationType: 'channel', isGroup: true, tenantId: TENANT } as Activity['conversation'],
      }),
    );
    const reply = await connector.until((c) => inPersonal(c) && node(c.activity) === 'handoff.caseworker', 'the reply in the personal chat');
    expect(reply.activity.text).to.equal('bo (caseworker): Hello, this is Bo.');
    await post(urlA, fromNewcomer('Thank you, Bo'));
    await connector.until((c) => path(c).startsWith(`/v3/conversations/${TEAM};messageid=${cardId}/activities`) && c.activity.text === 'Borgeren: Thank you, Bo', 'the answer in the thread');
  });

  it('a throttled post to the channel (429 with Retry-After) is retried after the wait and the card posted; the 429 is counted in the metrics', async () => {
    await install();
    const retriesBefore = await retries();
    connector.failNext(429, 1, { 'retry-after': '1' });
    const started = Date.now();
    const { card } = await queuedUser();
    expect(card.status).to.equal(200);
    const throttled = connector.calls.filter((c) => c.status === 429);
    expect(throttled.length).to.equal(1);
    expect(path(throttled[0])).to.equal(`/v3/conversations/${TEAM}/activities`);
    expect(Date.now() - started, 'Retry-After (1 s) was waited for').to.be.greaterThan(1000);
    expect((await retries()) - retriesBefore).to.equal(1);
  });

  it('a post that meets a 503 (no Retry-After) is retried with backoff and the card posted; the 503 is counted', async () => {
    await install();
    const before = await retries('503');
    connector.failNext(503, 1);
    const { card } = await queuedUser();
    expect(card.status).to.equal(200);
    expect((await retries('503')) - before).to.equal(1);
  });

  async function retries(status = '429'): Promise<number> {
    let sum = 0;
    for (const app of [a, b]) {
      const metric = await app.metrics.registry.getSingleMetricAsString('bot_connector_transient_responses_total');
      for (const line of metric.split('\n')) if (line.startsWith('bot_connector_transient_responses_total{') && line.includes(`status="${status}"`)) sum += Number(line.split(' ').pop());
    }
    return sum;
  }
});

describe('npm run caseworker:add -- --teams-aad-id', function () {
  this.timeout(60_000);
  const prefix = uniquePrefix('cwteams');
  const run = (args: string[], input = '') => runCaseworkerAdd(prefix, args, input);

  it('links a Teams user to an existing account (its password kept), makes a Teams-only account, and refuses an id that is not a GUID', async () => {
    const password = 'correct horse battery staple';
    expect((await run(['--user', 'ida'], `${password}\n`)).code).to.equal(0);
    const linked = await run(['--user', 'ida', '--teams-aad-id', AAD.anna.toUpperCase()]);
    expect(linked.code, linked.out).to.equal(0);
    expect(linked.out).to.contain(AAD.anna);
    const bad = await run(['--user', 'ida', '--teams-aad-id', 'not-a-guid']);
    expect(bad.code).to.equal(1);
    expect(bad.out).to.contain('Refused').and.contain('object id');
    expect((await run(['--user', 'jon', '--teams-aad-id', AAD.bo])).code).to.equal(0);
    const client = new Redis(testRedisUrl());
    const accounts = new Accounts(new RedisConsoleStore(client, prefix));
    try {
      const ida = (await accounts.findByTeamsAadId(AAD.anna))!;
      expect(ida.user).to.equal('ida');
      expect(ida.hash, 'the password stays').to.match(/^\$argon2id\$/);
      expect(await accounts.verify('ida', password)).to.not.equal(undefined);
      const jon = (await accounts.findByTeamsAadId(AAD.bo))!;
      expect(jon).to.include({ user: 'jon', role: 'caseworker', hash: '' });
    } finally {
      await client.quit();
    }
  });
});

describe('Caseworkers in Teams with TEAMS_CASEWORKER_CHANNEL (one instance, no Redis)', function () {
  this.timeout(30_000);
  const CHANNEL = '19:handoffs-channel@thread.tacv2';

  it('posts to the configured channel of the team the app is installed in, not to General', async () => {
    const connector = new FakeConnector();
    await connector.start();
    const { app, url } = await startApp({ TEAMS_CASEWORKER_CHANNEL: encodeURIComponent(CHANNEL) });
    try {
      const res = await fetch(`${url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'conversationUpdate',
          id: 'install-1',
          channelId: 'msteams',
          serviceUrl: connector.url,
          conversation: { id: TEAM, conversationType: 'channel', isGroup: true, tenantId: TENANT },
          from: { id: '29:admin', aadObjectId: AAD.stranger },
          recipient: { id: '28:bot-app-id', name: 'Ny i Tønder' },
          membersAdded: [{ id: '28:bot-app-id' }],
          channelData: { tenant: { id: TENANT }, team: { id: TEAM }, eventType: 'teamMemberAdded' },
        }),
      });
      expect(res.status).to.be.oneOf([200, 201, 202]);
      expect(await app.teamsCaseworkers.team()).to.include({ teamId: TEAM, channelId: CHANNEL });
      const user = new DirectLineUser(url);
      await user.start();
      await user.say('English');
      await user.until((x) => node(x) === 'welcome.group', 'welcome');
      await user.say('talk to a person');
      const card = await connector.until((c) => c.method === 'POST' && cardOf(c.activity) !== undefined, 'the card');
      expect(path(card)).to.equal(`/v3/conversations/${CHANNEL}/activities`);
    } finally {
      await app.stop();
      await connector.stop();
    }
  });
});

describe('Caseworkers in Teams: a handoff that waits before the app is installed in a team (one instance, no Redis)', function () {
  this.timeout(30_000);

  it('gets its card when the app is installed', async () => {
    const connector = new FakeConnector();
    await connector.start();
    const { app, url } = await startApp();
    try {
      const user = new DirectLineUser(url);
      await user.start();
      await user.say('English');
      await user.until((x) => node(x) === 'welcome.group', 'welcome');
      await user.say('talk to a person');
      await user.until((x) => node(x) === 'handoff.queued', 'queued');
      await new Promise((r) => setTimeout(r, 200));
      expect(connector.calls).to.deep.equal([]);
      const res = await fetch(`${url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'installationUpdate', action: 'add', id: 'install-late', channelId: 'msteams', serviceUrl: connector.url, conversation: { id: TEAM, conversationType: 'channel', isGroup: true, tenantId: TENANT }, from: { id: '29:admin' }, recipient: { id: '28:bot-app-id', name: 'Ny i Tønder' }, channelData: { tenant: { id: TENANT }, team: { id: TEAM } } }),
      });
      expect(res.status).to.be.oneOf([200, 201, 202]);
      const card = await connector.until((c) => c.method === 'POST' && cardOf(c.activity)?.actions.some((x) => x.data?.conversationId === user.conversationId) === true, 'the waiting handoff\'s card');
      expect(path(card)).to.equal(`/v3/conversations/${TEAM}/activities`);
    } finally {
      await app.stop();
      await connector.stop();
    }
  });
});

describe('Caseworkers in Teams when Redis is down at start-up', function () {
  this.timeout(150_000);

  it('the service starts anyway, and once Redis is up the handoff events arrive and the card is posted', async () => {
    const port = await freePort();
    const connector = new FakeConnector();
    await connector.start();
    const { app, url } = await startApp({ REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_KEY_PREFIX: uniquePrefix('teamsdown'), LOG_LEVEL: process.env.DEBUG_LOG ?? 'silent' });
    const redis = await startTestRedis(port);
    try {
      const install = {
        type: 'installationUpdate',
        action: 'add',
        channelId: 'msteams',
        serviceUrl: connector.url,
        conversation: { id: TEAM, conversationType: 'channel', isGroup: true, tenantId: TENANT },
        from: { id: '29:admin' },
        recipient: { id: '28:bot-app-id', name: 'Ny i Tønder' },
        channelData: { tenant: { id: TENANT }, team: { id: TEAM } },
      };
      const deadline = Date.now() + 60_000;
      // The clients reconnect with their own backoff: install until the team is kept.
      while (!(await app.teamsCaseworkers.team().catch(() => undefined))) {
        if (Date.now() > deadline) throw new Error('the team was never captured after Redis came up');
        await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...install, id: `i-${Date.now()}` }) }).catch(() => undefined);
        await new Promise((r) => setTimeout(r, 500));
      }
      const user = new DirectLineUser(url);
      await user.start();
      await user.say('English');
      await user.until((x) => node(x) === 'welcome.group', 'welcome', 30_000);
      await user.say('talk to a person');
      await user.until((x) => node(x) === 'handoff.queued', 'queued', 30_000);
      const card = await connector.until((c) => c.method === 'POST' && cardOf(c.activity) !== undefined, 'the card, posted from the event subscribed after Redis came up', 40_000);
      expect(path(card)).to.equal(`/v3/conversations/${TEAM}/activities`);
    } finally {
      await app.stop();
      await redis.stop();
      await connector.stop();
    }
  });
});
