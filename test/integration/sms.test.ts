import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import Redis from 'ioredis';
import twilio from 'twilio';
import type { ConversationReference } from 'botbuilder';
import type { App } from '../../src/app';
import { createI18n } from '../../src/i18n';
import { NumberHash } from '../../src/channels/sms/numberHash';
import { countSms } from '../../src/channels/sms/segments';
import { spawnServer, startApp, type ServerProcess } from '../support/botServer';
import { FakeTwilio } from '../support/fakeTwilio';
import { ConsoleClient } from '../support/handoffClients';
import { say } from '../support/activities';
import { testRedisUrl } from '../support/hooks';
import { uniquePrefix } from '../support/testKeys';

const LOCALES = ['da', 'en', 'de', 'uk', 'ru', 'ar', 'fa', 'ps', 'ti', 'so'];
const TOKEN = randomBytes(16).toString('hex');
const HASH_SECRET = randomBytes(24).toString('hex');
const PUBLIC_URL = 'https://sms.tonder.test';
const WEBHOOK = `${PUBLIC_URL}/api/sms`;
const FROM = '+4570707070';
const MAX_SEGMENTS = 3;
const i18n = createI18n({ locales: LOCALES, fallback: 'da' });

let numberSeq = 0;
/** A fresh Danish mobile number for each conversation. */
function newNumber(): string {
  return `+452${String(process.pid % 1000).padStart(3, '0')}${String(++numberSeq).padStart(4, '0')}`;
}

function params(from: string, body: string, sid = `SM${randomBytes(16).toString('hex')}`): Record<string, string> {
  return { ToCountry: 'DK', To: FROM, From: from, Body: body, MessageSid: sid, SmsMessageSid: sid, AccountSid: 'AC' + '0'.repeat(32), NumMedia: '0', NumSegments: '1', ApiVersion: '2010-04-01' };
}

/** Posts Twilio's webhook as Twilio does, signed with the real library (or with what the test says). */
async function webhook(server: string, form: Record<string, string>, sign: { token?: string; url?: string; none?: boolean } = {}): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (!sign.none) headers['x-twilio-signature'] = twilio.getExpectedTwilioSignature(sign.token ?? TOKEN, sign.url ?? WEBHOOK, form);
  return fetch(`${server}/api/sms`, { method: 'POST', headers, body: new URLSearchParams(form).toString() });
}

async function metric(server: string, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${server}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line ? Number(line.split(' ').pop()) : 0;
}

async function waitForMetric(server: string, name: string, labels: string, atLeast: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while ((await metric(server, name, labels)) < atLeast) {
    if (Date.now() > deadline) throw new Error(`${name}{${labels}} never reached ${atLeast}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('SMS through the self-hosted Twilio bridge (two instances on one Redis, a local stand-in for Twilio)', function () {
  this.timeout(120_000);
  let fake: FakeTwilio;
  let a: ServerProcess;
  let b: ServerProcess;
  let c: { app: App; url: string };
  let prefix: string;
  let env: Record<string, string>;
  const hash = new NumberHash(HASH_SECRET);

  before(async () => {
    fake = await new FakeTwilio().start();
    prefix = uniquePrefix('sms');
    env = {
      REDIS_URL: testRedisUrl(),
      REDIS_KEY_PREFIX: prefix,
      ENABLED_LOCALES: LOCALES.join(','),
      TWILIO_ACCOUNT_SID: 'AC' + '1'.repeat(32),
      TWILIO_AUTH_TOKEN: TOKEN,
      TWILIO_FROM: FROM,
      TWILIO_API_BASE: fake.url,
      PUBLIC_URL,
      SMS_HASH_SECRET: HASH_SECRET,
      SMS_MAX_SEGMENTS: String(MAX_SEGMENTS),
    };
    [a, b, c] = await Promise.all([spawnServer(env), spawnServer(env), startApp(env)]);
  });

  after(async () => {
    await Promise.all([a?.stop(), b?.stop(), c?.app.stop()]);
    await fake?.stop();
  });

  /** Texts `body` from `from` to `server` and returns the one text that comes back. */
  async function text(server: string, from: string, body: string): Promise<string> {
    const before = fake.textsTo(from).length;
    const res = await webhook(server, params(from, body));
    expect(res.status, await res.clone().text()).to.equal(200);
    const texts = await fake.waitForTexts(from, before + 1);
    return texts[before].body;
  }

  function numberedChoices(body: string): string[] {
    return body
      .split('\n')
      .map((l) => /^(\d+)\. (.+)$/.exec(l.trim()))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => m[2]);
  }

  function expectWithinLimits(body: string, lng: string): void {
    const count = countSms(body);
    expect(count.segments, `segments of ${JSON.stringify(body)}`).to.be.at.most(MAX_SEGMENTS);
    expect(body.length).to.be.at.most(1600);
    if (lng === 'da' || lng === 'en') expect(count.encoding, `a ${lng} text in GSM-7: ${JSON.stringify(body)}`).to.equal('GSM-7');
  }

  it('answers a validly signed webhook at once with empty TwiML, and refuses forged, missing and replayed signatures with 403, nothing processed, counted', async () => {
    const from = newNumber();
    const ok = await webhook(a.url, params(from, 'hej'));
    expect(ok.status).to.equal(200);
    expect(ok.headers.get('content-type')).to.match(/text\/xml/);
    expect(await ok.text()).to.match(/<Response><\/Response>$/);
    await fake.waitForTexts(from, 1);

    const forged = await webhook(a.url, params(from, 'forged'), { token: randomBytes(16).toString('hex') });
    const missing = await webhook(a.url, params(from, 'missing'), { none: true });
    // A body signed for another service's address, replayed here.
    const replayed = await webhook(a.url, params(from, 'replayed'), { url: 'https://other.example/api/sms' });
    for (const res of [forged, missing, replayed]) {
      expect(res.status).to.equal(403);
      expect(((await res.json()) as { message: string }).message).to.match(/X-Twilio-Signature/);
    }
    expect(await metric(a.url, 'sms_webhooks_total', 'outcome="forbidden"')).to.equal(3);
    // A later, valid text is answered: the three refused ones ran no turn in between.
    await text(a.url, from, '1');
    expect(fake.textsTo(from)).to.have.length(2);
  });

  const walks: { lng: string; first: string; byWords: string }[] = [
    { lng: 'da', first: 'Hej, jeg vil gerne vide noget om arbejde', byWords: 'dansk' },
    { lng: 'ar', first: 'مرحبا، أريد أن أعرف عن العمل في تونر', byWords: 'arabisk' },
    { lng: 'uk', first: 'Привіт, я хочу дізнатися про роботу', byWords: 'українська' },
  ];
  for (const { lng, first, byWords } of walks) {
    for (const mode of ['numbers', 'words'] as const) {
      it(`walks the work path to the IGU by ${mode} in ${lng}, every text within ${MAX_SEGMENTS} segments (the language prompt within 2)`, async () => {
        const from = newNumber();
        const more = i18n.t('sms:more_hint', { lng });
        const moreWord = mode === 'numbers' ? '0' : (i18n.t('sms:more_words', { lng, returnObjects: true }) as string[])[0];
        const bodies: string[] = [];
        // Alternating instances: any instance serves any text of the conversation.
        let turn = 0;
        /** Sends `body` and reads the whole answer, asking for "more" while it continues; returns all its texts. */
        const send = async (body: string): Promise<string> => {
          const answer = [await text(turn++ % 2 === 0 ? a.url : b.url, from, body)];
          for (let i = 0; i < 10 && answer[answer.length - 1].endsWith(more); i++) answer.push(await text(turn++ % 2 === 0 ? a.url : b.url, from, moreWord));
          bodies.push(...answer);
          return answer.join('\n');
        };
        const prompt = await text(a.url, from, first);
        expect(countSms(prompt).segments, prompt).to.be.at.most(2);
        const offered = numberedChoices(prompt);
        expect(offered, prompt).to.have.length(LOCALES.length);
        const position = offered.indexOf(i18n.t('sms:language_name', { lng })) + 1 || offered.indexOf(i18n.t('meta:name', { lng })) + 1;
        expect(position, prompt).to.be.above(0);

        // Language, group (the first), children (no), menu: work (the second), work: work offers, offers: IGU.
        const plan: ((choices: string[]) => string)[] = [
          () => (mode === 'numbers' ? String(position) : byWords),
          (ch) => (mode === 'numbers' ? '1' : ch[0]),
          (ch) => (mode === 'numbers' ? '2' : ch[1]),
          (ch) => (mode === 'numbers' ? '2' : ch[1]),
          (ch) => (mode === 'numbers' ? '4' : ch[3]),
          (ch) => (mode === 'numbers' ? '3' : ch[2]),
        ];
        let answer = prompt;
        for (const step of plan) answer = await send(step(numberedChoices(answer)));
        for (const body of bodies) expectWithinLimits(body, lng);
        const all = bodies.join('\n');
        // The IGU answer's long link became a short link of this service.
        expect(all, all).to.match(new RegExp(`${PUBLIC_URL}/l/[A-Za-z0-9_-]{8}`));
        expect(all).not.to.match(/https:\/\/www\.ug\.dk/);
        const replyLanguage = fake.textsTo(from).slice(-1)[0].body;
        if (lng !== 'da') expect(replyLanguage).not.to.equal(i18n.t('sms:more_hint', { lng: 'da' }));
        console.log(`      ${lng} by ${mode}: ${bodies.length} texts, segments ${bodies.map((x) => countSms(x).segments).join(',')}`);
      });
    }
  }

  it("renders Azure's SMS channel (channelId sms on /api/messages) exactly like the bridge", async () => {
    const from = newNumber();
    const azure = { channelId: 'sms', conversationId: from, userId: from };
    for (const body of ['hej', '1', '0', '0', '1', '2', '2', '4', '3']) {
      const bridged = await text(b.url, from, body);
      const replies = await say(c.url, azure, body);
      expect(replies, body).to.have.length(1);
      expect(replies[0].text, body).to.equal(bridged);
    }
  });

  it('serves the short links: a redirect to the long address', async () => {
    const from = newNumber();
    for (const body of ['hej', '1', '1', '2', '2', '4', '3']) {
      await text(a.url, from, body);
      while (fake.textsTo(from).slice(-1)[0].body.endsWith(i18n.t('sms:more_hint', { lng: 'da' }))) await text(a.url, from, '0');
    }
    const link = fake.textsTo(from).map((t) => t.body).join('\n').match(new RegExp(`${PUBLIC_URL}/l/([A-Za-z0-9_-]{8})`));
    expect(link).to.not.equal(null);
    const res = await fetch(`${b.url}/l/${link![1]}`, { redirect: 'manual' });
    expect(res.status).to.equal(302);
    expect(res.headers.get('location')).to.match(/^https:\/\/(?!sms\.tonder\.test)/);
    expect((await fetch(`${b.url}/l/nosuchcode`)).status).to.equal(404);
  });

  it('honours STOP across instances until START: no reply, no caseworker message, then START texts again', async () => {
    const from = newNumber();
    await text(a.url, from, 'hej');
    await text(b.url, from, '1');
    const before = fake.textsTo(from).length;
    expect((await webhook(a.url, params(from, 'STOP'))).status).to.equal(200);
    await waitForMetric(a.url, 'sms_opt_out_keywords_total', 'keyword="stop"', 1);
    // Twilio itself confirms its own STOP keyword: the bot adds nothing.
    expect((await webhook(b.url, params(from, 'menu'))).status).to.equal(200);
    await waitForMetric(b.url, 'sms_suppressed_total', 'kind="ignored_inbound"', 1);

    const reference = referenceOf(from);
    await c.app.adapter.continueConversationAsync('', reference, async (ctx) => {
      await ctx.sendActivity('Hej, det er din sagsbehandler.');
    });
    expect(await metric(c.url, 'sms_suppressed_total', 'kind="proactive"')).to.equal(1);
    expect(fake.textsTo(from)).to.have.length(before);

    const started = await text(b.url, from, 'START');
    expect(started).to.equal(i18n.t('sms:started', { lng: 'da' }));
    await c.app.adapter.continueConversationAsync('', reference, async (ctx) => {
      await ctx.sendActivity('Hej, det er din sagsbehandler.');
    });
    const texts = await fake.waitForTexts(from, before + 2);
    expect(texts[before + 1].body).to.equal('Hej, det er din sagsbehandler.');
  });

  it('confirms a STOP word Twilio does not know itself (Danish "afmeld"), and answers HELP', async () => {
    const from = newNumber();
    expect(await text(a.url, from, 'HELP')).to.equal(i18n.t('sms:help', { lng: 'da' }));
    expect(await text(b.url, from, 'afmeld')).to.equal(i18n.t('sms:stopped', { lng: 'da' }));
    expect(await text(a.url, from, 'help')).to.equal(i18n.t('sms:help', { lng: 'da' }));
    expect(await text(b.url, from, 'start')).to.equal(i18n.t('sms:started', { lng: 'da' }));
  });

  it('answers a danger message with 112 in its first text, within the segments', async () => {
    const from = newNumber();
    await text(a.url, from, 'hej');
    await text(a.url, from, '1');
    const reply = await text(b.url, from, 'jeg vil slå mig selv ihjel');
    expectWithinLimits(reply, 'da');
    expect(reply).to.contain('112');
    expect(reply.search(/\d/)).to.equal(reply.indexOf('112'));
  });

  it('processes a webhook delivered twice (same MessageSid, to both instances) once', async () => {
    const from = newNumber();
    const form = params(from, 'hej');
    const [r1, r2] = await Promise.all([webhook(a.url, form), webhook(b.url, form)]);
    expect([r1.status, r2.status]).to.deep.equal([200, 200]);
    await fake.waitForTexts(from, 1);
    const duplicates = (await metric(a.url, 'sms_webhooks_total', 'outcome="duplicate"')) + (await metric(b.url, 'sms_webhooks_total', 'outcome="duplicate"'));
    expect(duplicates).to.be.at.least(1);
    // The next text's answer comes after any second answer to the first would have (turns are serialised).
    await text(a.url, from, '1');
    expect(fake.textsTo(from)).to.have.length(2);
  });

  /** What a caseworker's side keeps to write to the user later (see ConversationReference). */
  function referenceOf(from: string): Partial<ConversationReference> {
    const conversationId = `sms-${hash.of(from)}`;
    return {
      channelId: 'sms',
      serviceUrl: `${PUBLIC_URL}/api/sms/bot`,
      conversation: { id: conversationId } as ConversationReference['conversation'],
      user: { id: conversationId, name: '' },
      bot: { id: 'bot', name: '' },
    };
  }

  it("delivers a caseworker's proactive message (continueConversationAsync, from a third instance) as an SMS", async () => {
    const from = newNumber();
    await text(a.url, from, 'hej');
    await c.app.adapter.continueConversationAsync('', referenceOf(from), async (ctx) => {
      await ctx.sendActivity('Hej. Jeg er Mette fra Tønder Kommune. Jeg kan ringe til dig i morgen kl. 10.');
    });
    const texts = await fake.waitForTexts(from, 2);
    expect(texts[1]).to.include({ to: from, from: FROM, body: 'Hej. Jeg er Mette fra Tønder Kommune. Jeg kan ringe til dig i morgen kl. 10.' });
    expect(texts[1].accountSid).to.equal(env.TWILIO_ACCOUNT_SID);
    expect(texts[1].authorization).to.equal(`Basic ${Buffer.from(`${env.TWILIO_ACCOUNT_SID}:${TOKEN}`).toString('base64')}`);
  });

  it('a person asked for by SMS: one short text says what happens next; the caseworker claims and answers in the console; the answers arrive as SMS; handed back, the bot answers again', async () => {
    const password = 'sms caseworker password 42';
    await c.app.handoff.accounts.add('sara', password);
    const sara = new ConsoleClient(c.url);
    expect((await sara.login('sara', password)).status).to.equal(200);
    const from = newNumber();
    await text(a.url, from, 'hej');
    await text(b.url, from, 'dansk');
    const queued = await text(a.url, from, 'tal med en person');
    expectWithinLimits(queued, 'da');
    expect(queued, 'a person answers, not the bot').to.contain('Nu svarer en person dig, ikke botten.');
    expect(queued, 'office hours are to be confirmed: no promised time').to.contain('Jeg kan ikke love, hvornår en person svarer.');

    const queue = await sara.call('GET', '/queue');
    const item = (queue.body.items as { conversationId: string; channel: string; language: string }[]).find((i) => i.channel === 'sms' && i.conversationId === `sms-${hash.of(from)}`);
    expect(item, JSON.stringify(queue.body)).to.include({ language: 'da' });
    const id = item!.conversationId;
    expect(JSON.stringify(queue.body), 'the console never shows the number').not.to.contain(from.slice(1));

    const beforeClaim = fake.textsTo(from).length;
    expect((await sara.call('POST', `/conversations/${id}/claim`)).status).to.equal(200);
    await fake.waitForTexts(from, beforeClaim + 1);
    expect((await sara.call('POST', `/conversations/${id}/messages`, { text: 'Hej, jeg hedder Sara. Hvad kan jeg hjælpe med?' })).status).to.equal(200);
    const afterReply = await fake.waitForTexts(from, beforeClaim + 2);
    expect(afterReply[afterReply.length - 1].body).to.contain('Hej, jeg hedder Sara. Hvad kan jeg hjælpe med?');

    // The user's answer by SMS goes to the caseworker (transcript), not to the bot.
    const beforeAnswer = fake.textsTo(from).length;
    expect((await webhook(b.url, params(from, 'Jeg har fået et brev'))).status).to.equal(200);
    const deadline = Date.now() + 10_000;
    let transcript: { from: string; text: string }[] = [];
    while (Date.now() < deadline) {
      transcript = (await sara.call('GET', `/conversations/${id}`)).body.transcript as { from: string; text: string }[];
      if (transcript.some((e) => e.from === 'user' && e.text === 'Jeg har fået et brev')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(transcript.filter((e) => e.from === 'user').map((e) => e.text)).to.include('Jeg har fået et brev');
    expect(fake.textsTo(from).length, 'with a caseworker, the bot sends no text').to.equal(beforeAnswer);

    expect((await sara.call('POST', `/conversations/${id}/release`)).status).to.equal(200);
    const released = await fake.waitForTexts(from, beforeAnswer + 1);
    expectWithinLimits(released[released.length - 1].body, 'da');
    const help = await text(a.url, from, 'hjælp');
    expect(help.length).to.be.greaterThan(0);
  });

  it('retries a transient Twilio failure, stops at a permanent one, and counts both', async () => {
    const from = newNumber();
    fake.failNext(1, 503, 20500);
    await text(c.url, from, 'hej');
    expect(await metric(c.url, 'sms_delivery_failures_total', 'kind="transient"')).to.equal(1);
    fake.failNext(1, 400, 21211);
    const res = await webhook(c.url, params(from, '1'));
    expect(res.status).to.equal(200);
    await waitForMetric(c.url, 'sms_delivery_failures_total', 'kind="permanent"', 1);
    expect(fake.textsTo(from)).to.have.length(1);
  });

  it('"delete my data" deletes the number too; no number in clear in a key, a value or a log line', async () => {
    const from = newNumber();
    await text(a.url, from, 'hej');
    await text(a.url, from, '1');
    await text(b.url, from, 'slet mine data');
    const done = await text(a.url, from, 'ja');
    expect(done).to.contain(i18n.t('commands:delete.done', { lng: 'da' }).split('.')[0]);
    const redis = new Redis(testRedisUrl());
    try {
      const keys = await redis.keys(`${prefix}*`);
      expect(keys.some((k) => k.includes(hash.of(`sms-${hash.of(from)}`)) && k.endsWith(':number'))).to.equal(false);
      const digits = from.slice(1);
      expect(keys.filter((k) => k.includes(digits))).to.deep.equal([]);
      for (const key of keys) {
        const type = await redis.type(key);
        if (type === 'string') expect(await redis.get(key), key).not.to.contain(digits);
      }
    } finally {
      redis.disconnect();
    }
    const before = fake.textsTo(from).length;
    await c.app.adapter.continueConversationAsync('', referenceOf(from), async (ctx) => {
      await ctx.sendActivity('Er du der?').catch(() => undefined);
    });
    expect(fake.textsTo(from)).to.have.length(before);
    for (const output of [a.output(), b.output()]) expect(output).not.to.contain(from.slice(3));
  });
});
