import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import Redis from 'ioredis';
import sinon from 'sinon';
import type { App } from '../../src/app';
import { startApp } from '../support/botServer';
import { ConsoleClient, DirectLineUser } from '../support/handoffClients';
import { testRedisUrl } from '../support/hooks';
import { runCaseworkerAdd } from '../support/caseworkerCli';
import { uniquePrefix } from '../support/testKeys';

/**
 * Caseworkers take over, through the real service: a web chat user (Direct Line) on one instance,
 * the console API on another, one Redis. Queue, claim, reply, hand back, transcript, erasure,
 * security of every console route, and never a dead end (fake clock).
 */
const ROOT = join(__dirname, '..', '..');
const SECRET = 'handoff-test-direct-line-secret-0123456789';
const PASSWORD = 'correct horse battery staple';
const node = (a: { channelData?: unknown }) => (a.channelData as { node?: string } | undefined)?.node;

describe('handoff: two instances, one Redis, web chat user and caseworker console', function () {
  this.timeout(60_000);
  let a: App;
  let b: App;
  let userUrl: string;
  let consoleUrl: string;
  const prefix = uniquePrefix('handoff');

  before(async () => {
    const env = { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix, DIRECTLINE_TOKEN_SECRET: SECRET, ENABLED_LOCALES: 'da,en,ar', CONSOLE_LOGIN_FAILURES_PER_ACCOUNT: '3' };
    ({ app: a, url: userUrl } = await startApp(env));
    ({ app: b, url: consoleUrl } = await startApp(env));
    await b.handoff.accounts.add('anna', PASSWORD);
    await b.handoff.accounts.add('bo', PASSWORD);
    await b.handoff.accounts.add('lead', PASSWORD, 'admin');
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
  });

  async function queuedUser(text = 'talk to a person'): Promise<DirectLineUser> {
    const user = new DirectLineUser(userUrl);
    await user.start();
    await user.say('English');
    await user.until((x) => node(x) === 'welcome.group', 'the welcome asks who the user is');
    await user.say(text);
    await user.until((x) => node(x) === 'handoff.queued', 'the user is told a person will answer');
    return user;
  }

  it('queues "talk to a person", shows it in the queue, claim → reply → the user gets it → hand back → the bot answers again', async () => {
    const user = await queuedUser();
    const queued = user.received.find((x) => node(x) === 'handoff.queued')!;
    expect(queued.text).to.contain('a person answers you, not the bot');
    expect(queued.text, 'office hours are to be confirmed: no promise').to.contain('I cannot promise when');
    const initiate = await user.until((x) => x.type === 'event' && x.name === 'handoff.initiate', 'handoff.initiate');
    const transcriptAttachment = initiate.attachments?.[0];
    expect(transcriptAttachment?.name).to.equal('Transcript');
    expect((transcriptAttachment?.content as { activities: { text: string }[] }).activities.map((x) => x.text)).to.include('talk to a person');

    const anna = new ConsoleClient(consoleUrl);
    expect((await anna.login('anna', PASSWORD)).status).to.equal(200);
    const queue = await anna.call('GET', '/queue');
    const item = (queue.body.items as Record<string, unknown>[]).find((i) => i.conversationId === user.conversationId)!;
    expect(item).to.include({ state: 'queued', language: 'en', topic: 'other', channel: 'directline', emergency: false });
    expect(item.waitingSeconds).to.be.a('number');

    // While queued, a message is kept for the caseworker and acknowledged; the bot does not answer the path.
    await user.say('I need help with a letter from the jobcenter');
    await user.until((x) => node(x) === 'handoff.saved', 'the message is saved for the caseworker');

    expect((await anna.call('POST', `/conversations/${user.conversationId}/claim`)).status).to.equal(200);
    await user.until((x) => node(x) === 'handoff.claimed' && (x.text ?? '').includes('anna'), 'the user is told a person has it');
    await user.until((x) => x.type === 'event' && x.name === 'handoff.status' && (x.value as { state?: string })?.state === 'accepted', 'handoff.status accepted');

    const details = await anna.call('GET', `/conversations/${user.conversationId}`);
    const transcript = details.body.transcript as { from: string; text: string; locale?: string }[];
    expect(transcript.filter((e) => e.from === 'user').map((e) => e.text)).to.include.members(['English', 'talk to a person', 'I need help with a letter from the jobcenter']);
    expect(transcript.some((e) => e.from === 'bot' && e.locale === 'en')).to.equal(true);
    expect(details.body.path as string[]).to.include('welcome.group');

    expect((await anna.call('POST', `/conversations/${user.conversationId}/messages`, { text: 'Hello, I am Anna. How can I help?' })).status).to.equal(200);
    const reply = await user.until((x) => node(x) === 'handoff.caseworker', 'the caseworker\'s reply');
    expect(reply.text).to.equal('anna (caseworker): Hello, I am Anna. How can I help?');

    await user.say('Thank you');
    await new Promise((r) => setTimeout(r, 300));
    const afterThanks = user.nodes().slice(-1)[0];
    expect(afterThanks, 'with a caseworker, the bot says nothing').to.equal('handoff.caseworker');
    expect(((await anna.call('GET', `/conversations/${user.conversationId}`)).body.transcript as { text: string }[]).map((e) => e.text)).to.include('Thank you');

    expect((await anna.call('POST', `/conversations/${user.conversationId}/release`)).status).to.equal(200);
    await user.until((x) => node(x) === 'handoff.released', 'the user is told the bot is back');
    await user.until((x) => node(x) === 'menu.start', 'the bot resumes at the main menu');
    await user.say('help');
    await user.until((x) => node(x) === 'command.help', 'the bot answers again');
    expect(((await anna.call('GET', '/queue')).body.items as { conversationId: string }[]).map((i) => i.conversationId)).not.to.include(user.conversationId);
  });

  it('asks for a person from a free-text sentence in Arabic', async () => {
    const user = new DirectLineUser(userUrl);
    await user.start();
    await user.say('العربية');
    await user.until((x) => node(x) === 'welcome.group', 'the welcome in Arabic');
    await user.say('أريد التحدث مع موظف');
    const queued = await user.until((x) => node(x) === 'handoff.queued', 'queued');
    expect(queued.locale).to.equal('ar');
    const anna = new ConsoleClient(consoleUrl);
    await anna.login('anna', PASSWORD);
    const item = ((await anna.call('GET', '/queue')).body.items as Record<string, unknown>[]).find((i) => i.conversationId === user.conversationId);
    expect(item).to.include({ language: 'ar', trigger: 'asked' });
  });

  it('lets the user go back to the bot ("bot") and tells the place in the queue', async () => {
    const user = await queuedUser();
    await user.say('My place in the queue');
    const position = await user.until((x) => node(x) === 'handoff.position', 'the place in the queue');
    expect(position.text).to.match(/You are number \d+ in the queue/);
    await user.say('bot');
    await user.until((x) => node(x) === 'handoff.cancelled', 'back to the bot');
    await user.until((x) => node(x) === 'menu.start', 'the main menu');
  });

  it('security: 401 without a session on every API route, 403 without CSRF, 403 in a colleague\'s conversation, 409 for a lost claim, 404 unknown', async () => {
    const user = await queuedUser();
    const id = user.conversationId;
    const anon = new ConsoleClient(consoleUrl);
    const routes: [string, string][] = [
      ['POST', '/logout'], ['GET', '/session'], ['GET', '/queue'], ['GET', `/conversations/${id}`], ['POST', `/conversations/${id}/claim`],
      ['POST', `/conversations/${id}/messages`], ['POST', `/conversations/${id}/notes`], ['POST', `/conversations/${id}/transfer`],
      ['POST', `/conversations/${id}/release`], ['POST', `/conversations/${id}/close`], ['GET', '/events'], ['GET', '/audit'],
    ];
    for (const [method, path] of routes) {
      const res = await anon.call(method, path, method === 'POST' ? { text: 'x', to: 'bo' } : undefined);
      expect(res.status, `${method} ${path}`).to.equal(401);
      expect((res.body.error as { code: string }).code).to.equal('unauthorized');
    }
    const anna = new ConsoleClient(consoleUrl);
    const bo = new ConsoleClient(consoleUrl);
    await anna.login('anna', PASSWORD);
    await bo.login('bo', PASSWORD);
    for (const [method, path] of routes.filter(([m]) => m === 'POST')) {
      const res = await anna.call(method, path, { text: 'x', to: 'bo' }, { csrf: false });
      expect(res.status, `${method} ${path} without CSRF`).to.equal(403);
      expect((res.body.error as { code: string }).code).to.equal('csrf');
    }
    const claims = await Promise.all([anna.call('POST', `/conversations/${id}/claim`), bo.call('POST', `/conversations/${id}/claim`)]);
    expect(claims.map((c) => c.status).sort()).to.deep.equal([200, 409]);
    const [owner, other] = claims[0].status === 200 ? [anna, bo] : [bo, anna];
    expect((await other.call('POST', `/conversations/${id}/messages`, { text: 'not mine' })).status).to.equal(403);
    expect((await other.call('POST', `/conversations/${id}/release`)).status).to.equal(403);
    expect((await owner.call('POST', `/conversations/${id}/messages`, {})).status, 'no text').to.equal(400);
    expect((await owner.call('POST', `/conversations/${id}/transfer`, { to: 'nobody-here' })).status).to.equal(400);
    expect((await owner.call('GET', '/conversations/no-such-conversation')).status).to.equal(404);
    expect((await owner.call('GET', '/audit')).status, 'audit is for admins').to.equal(403);
    // notes stay internal
    expect((await owner.call('POST', `/conversations/${id}/notes`, { text: 'internal: call back tomorrow' })).status).to.equal(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(user.received.map((x) => x.text ?? '').join('\n')).not.to.contain('internal: call back');
    // transfer to the colleague, who may then reply
    expect((await owner.call('POST', `/conversations/${id}/transfer`, { to: owner === anna ? 'bo' : 'anna' })).status).to.equal(200);
    await user.until((x) => node(x) === 'handoff.transferred', 'the user is told about the transfer');
    expect((await other.call('POST', `/conversations/${id}/messages`, { text: 'Now it is me' })).status).to.equal(200);
    expect((await other.call('POST', `/conversations/${id}/close`)).status).to.equal(200);
    await user.until((x) => node(x) === 'handoff.closed', 'closed');

    expect((await other.call('GET', `/conversations/${id}`)).status).to.equal(200);
    expect((await other.call('GET', `/conversations/${id}?refresh=1`)).status, 'the console refreshing after an event').to.equal(200);
    const lead = new ConsoleClient(consoleUrl);
    await lead.login('lead', PASSWORD);
    const audit = await lead.call('GET', '/audit');
    expect(audit.status).to.equal(200);
    const actions = (audit.body.entries as { action: string; conversationId?: string }[]).filter((e) => e.conversationId === id).map((e) => e.action);
    expect(actions).to.include.members(['claim', 'reply', 'note', 'transfer', 'close', 'open']);
    expect(actions.filter((x) => x === 'open'), 'a refresh is not a new "opened"').to.have.length(1);
    expect(JSON.stringify(audit.body), 'the audit log has no message text').not.to.contain('Now it is me');

    // logout ends the session
    expect((await anna.call('POST', '/logout')).status).to.equal(200);
    expect((await anna.call('GET', '/queue')).status).to.equal(401);
  });

  it('the login rate limit holds per account, and cookies are HttpOnly and SameSite=Strict', async () => {
    const c = new ConsoleClient(consoleUrl);
    const ok = await c.login('bo', PASSWORD);
    expect(ok.headers.get('set-cookie')).to.match(/HttpOnly/).and.match(/SameSite=Strict/);
    expect(ok.headers.get('set-cookie')).not.to.match(/Secure/);
    await b.handoff.accounts.add('carl', PASSWORD);
    for (let i = 0; i < 3; i++) expect((await new ConsoleClient(consoleUrl).login('carl', 'wrong password here')).status).to.equal(401);
    const blocked = await new ConsoleClient(consoleUrl).login('carl', PASSWORD);
    expect(blocked.status, 'even the right password waits').to.equal(429);
    expect((blocked.body.error as { code: string }).code).to.equal('too_many_attempts');
    expect(blocked.headers.get('retry-after')).to.equal('900');
  });

  it('streams handoff events (SSE) to the console on the other instance', async () => {
    const anna = new ConsoleClient(consoleUrl);
    await anna.login('anna', PASSWORD);
    const controller = new AbortController();
    const res = await fetch(`${consoleUrl}/console/api/events`, { headers: { cookie: anna.cookie }, signal: controller.signal });
    expect(res.headers.get('content-type')).to.contain('text/event-stream');
    const reader = res.body!.getReader();
    let seen = '';
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        seen += Buffer.from(value).toString();
        if (seen.includes('"type":"queued"')) return;
      }
    })();
    await new Promise((r) => setTimeout(r, 200));
    const user = await queuedUser();
    await Promise.race([reading, new Promise((_, reject) => setTimeout(() => reject(new Error(`no queued event: ${seen}`)), 10_000))]);
    expect(seen).to.contain(user.conversationId);
    expect(seen, 'events carry no message text').not.to.contain('talk to a person');
    controller.abort();
  });

  it('"delete my data" erases the transcript and the handoff record', async () => {
    const user = await queuedUser();
    await user.say('bot');
    await user.until((x) => node(x) === 'menu.start', 'back at the menu');
    const client = new Redis(testRedisUrl());
    try {
      const keysOf = async () => (await client.keys(`${prefix}*`)).filter((k) => k.includes(user.conversationId) && (k.includes(':tr:') || k.includes(':ho:')));
      expect((await keysOf()).length).to.equal(2);
      await user.say('delete my data');
      await user.until((x) => node(x) === 'command.delete_data', 'asks first');
      await user.say('yes');
      await user.until((x) => node(x) === 'command.delete_data.done', 'deleted');
      expect(await keysOf()).to.deep.equal([]);
    } finally {
      await client.quit();
    }
  });
});

describe('handoff: never a dead end (fake clock, office hours from municipality.yaml)', function () {
  this.timeout(60_000);
  let app: App;
  let url: string;
  let dir: string;
  let clock: sinon.SinonFakeTimers;

  before(async () => {
    // The real paths, with the caseworkers' hours confirmed: Monday to Friday, 8 to 15.
    dir = mkdtempSync(join(tmpdir(), 'tib-dialogs-'));
    cpSync(join(ROOT, 'dialogs'), dir, { recursive: true });
    const file = join(dir, 'municipality.yaml');
    const yaml = readFileSync(file, 'utf8').replace(/caseworker_hours:\n {4}value: null\n {4}status: to_be_confirmed/, 'caseworker_hours:\n    value: "mon-fri 08:00-15:00"\n    status: confirmed');
    expect(yaml).to.contain('mon-fri 08:00-15:00');
    writeFileSync(file, yaml);
    // Saturday 29 November 2026, 10:00 in Tønder: outside office hours. Only Date is faked: timers and I/O run for real.
    clock = sinon.useFakeTimers({ now: new Date('2026-11-28T09:00:00Z'), toFake: ['Date'] });
    ({ app, url } = await startApp({ DIALOGS_DIR: dir, DIRECTLINE_TOKEN_SECRET: SECRET, ENABLED_LOCALES: 'da,en,ar', HANDOFF_CLAIM_TIMEOUT_MINUTES: '10' }));
    await app.handoff.accounts.add('anna', PASSWORD);
  });
  after(async () => {
    clock?.restore();
    await app?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('outside office hours and after the claim timeout the user is told (in Arabic) when someone answers, and the caseworker later sees the message left', async () => {
    const user = new DirectLineUser(url);
    await user.start();
    await user.say('العربية');
    await user.until((x) => node(x) === 'welcome.group', 'the welcome in Arabic');
    await user.say('تحدث مع شخص');
    const queued = await user.until((x) => node(x) === 'handoff.queued', 'queued');
    expect(queued.text, 'not at work now, with the hours').to.contain('الموظفون ليسوا في العمل الآن').and.contain('mon-fri 08:00-15:00');
    expect(await app.handoff.service.sweepTimeouts(), 'nobody is told before the timeout').to.equal(0);

    clock.tick(11 * 60_000);
    expect(await app.handoff.service.sweepTimeouts()).to.equal(1);
    const timeout = await user.until((x) => node(x) === 'handoff.timeout', 'the timeout notice');
    expect(timeout.locale).to.equal('ar');
    expect(timeout.text).to.contain('لم يرد أي موظف بعد').and.contain('mon-fri 08:00-15:00');
    expect(await app.handoff.service.sweepTimeouts(), 'told once only').to.equal(0);

    await user.say('أحتاج مساعدة في رسالة من البلدية');
    await user.until((x) => node(x) === 'handoff.saved', 'the message left is saved');

    // Monday morning: the caseworker sees the request, the timeout and every message left.
    clock.tick(2 * 86_400_000);
    const anna = new ConsoleClient(url);
    await anna.login('anna', PASSWORD);
    const item = ((await anna.call('GET', '/queue')).body.items as Record<string, unknown>[]).find((i) => i.conversationId === user.conversationId)!;
    expect(item).to.include({ state: 'queued', timedOut: true, language: 'ar' });
    expect(item.waitingSeconds as number).to.be.above(2 * 86_400);
    const details = await anna.call('GET', `/conversations/${user.conversationId}`);
    expect((details.body.transcript as { text: string }[]).map((e) => e.text)).to.include('أحتاج مساعدة في رسالة من البلدية');
  });
});

describe('npm run caseworker:add', function () {
  this.timeout(60_000);
  const run = (args: string[], input: string) => runCaseworkerAdd(prefixCli, args, input);
  const prefixCli = uniquePrefix('cwadd');

  it('refuses an empty or short password and saves an argon2id hash for a good one', async () => {
    const empty = await run(['--user', 'dana'], '\n');
    expect(empty.code).to.equal(1);
    expect(empty.out).to.contain('Refused').and.contain('empty');
    const short = await run(['--user', 'dana'], 'short\n');
    expect(short.code).to.equal(1);
    expect(short.out).to.contain('too short');
    const ok = await run(['--user', 'dana', '--role', 'admin'], `${PASSWORD}\n`);
    expect(ok.code, ok.out).to.equal(0);
    expect(ok.out).not.to.contain(PASSWORD);
    const client = new Redis(testRedisUrl());
    try {
      const account = JSON.parse((await client.get(`${prefixCli}cw:acct:dana`))!) as { role: string; hash: string };
      expect(account.role).to.equal('admin');
      expect(account.hash).to.match(/^\$argon2id\$/);
    } finally {
      await client.quit();
    }
  });
});
