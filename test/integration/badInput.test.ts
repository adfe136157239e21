import { expect } from 'chai';
import sinon from 'sinon';
import { startApp } from '../support/botServer';
import { activity, post, say, type Conversation } from '../support/activities';
import type { App } from '../../src/app';

describe('bad input and failing turns', () => {
  let app: App;
  let url: string;

  before(async () => {
    ({ app, url } = await startApp({ MAX_BODY_BYTES: '4096' }));
  });
  after(() => app.stop());
  afterEach(() => sinon.restore());

  async function send(body: string, contentType = 'application/json'): Promise<{ status: number; json: { code: string; message: string } }> {
    const res = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': contentType }, body });
    return { status: res.status, json: (await res.json()) as { code: string; message: string } };
  }

  const valid = activity({ channelId: 'emulator', conversationId: 'bad-input', userId: 'u' }, { text: 'hi' });

  it('answers non-JSON with 400 and says the JSON is invalid', async () => {
    const { status, json } = await send('{"type": "message",');
    expect(status).to.equal(400);
    expect(json.message).to.match(/Invalid JSON/);
  });

  it('answers a wrong content type with 415', async () => {
    const { status, json } = await send(JSON.stringify(valid), 'text/plain');
    expect(status).to.equal(415);
    expect(json.message).to.match(/application\/json/);
  });

  it('answers a body over the limit with 413', async () => {
    const { status, json } = await send(JSON.stringify({ ...valid, text: 'x'.repeat(5000) }));
    expect(status).to.equal(413);
    expect(json.message).to.match(/4096|too large|exceeded/i);
  });

  for (const field of ['type', 'conversation', 'serviceUrl', 'channelId'] as const) {
    it(`answers an activity without ${field} with 400 naming it`, async () => {
      const body: Record<string, unknown> = { ...valid };
      delete body[field];
      const { status, json } = await send(JSON.stringify(body));
      expect(status).to.equal(400);
      expect(json.message).to.contain(field === 'conversation' ? 'conversation.id' : field);
    });
  }

  it('answers a JSON array or a string with 400', async () => {
    expect((await send('[1,2]')).status).to.equal(400);
    expect((await send('"hello"')).status).to.equal(400);
  });

  it('answers a malformed "from" with 400', async () => {
    const { status, json } = await send(JSON.stringify({ ...valid, from: 'me' }));
    expect(status).to.equal(400);
    expect(json.message).to.contain('from');
  });

  it('apologises politely in the user\'s language when a turn throws, and keeps serving', async () => {
    const conv: Conversation = { channelId: 'emulator', conversationId: 'throws', userId: 'thrower' };
    await say(url, conv, 'hej');
    await say(url, conv, 'English');
    sinon.stub(app.bot, 'run').onFirstCall().rejects(new Error('injected fault'));
    const replies = await say(url, conv, 'hello');
    expect(replies.map((r) => r.text)).to.deep.equal(['Sorry, something went wrong on my side. Please try again in a moment.']);
    sinon.restore();
    const next = await say(url, conv, 'hello again');
    expect(next[0].locale).to.equal('en');
    expect(next[0].text).to.not.match(/Sorry/);
  });

  it('apologises in the default language when the store fails, and keeps serving', async () => {
    const conv: Conversation = { channelId: 'emulator', conversationId: 'store-down', userId: 'unlucky' };
    sinon.stub(app.store, 'acquireAndRead').rejects(new Error('injected: connection refused'));
    sinon.stub(app.store, 'read').rejects(new Error('injected: connection refused'));
    const replies = await post(url, activity(conv, { text: 'hej' }));
    expect(replies.map((r) => r.text)).to.deep.equal(['Undskyld, der gik noget galt hos mig. Prøv igen om lidt.']);
    sinon.restore();
    expect((await say(url, conv, 'hej'))[0].text).to.match(/chatbot/);
  });

  it('counts turns and errors in /metrics', async () => {
    const res = await fetch(`${url}/metrics`);
    const text = await res.text();
    expect(res.headers.get('content-type')).to.match(/text\/plain/);
    expect(text).to.match(/bot_turns_total\{channel="emulator",type="message"\} \d+/);
    expect(text).to.match(/bot_errors_total\{where="turn"\} [1-9]/);
    expect(text).to.contain('bot_turn_duration_seconds_bucket');
    expect(text).to.contain('bot_store_operation_duration_seconds');
  });
});

describe('Bot Framework authentication', () => {
  it('answers 401 to an unauthenticated activity when credentials are configured', async () => {
    const { app, url } = await startApp({ MicrosoftAppId: '00000000-0000-0000-0000-000000000001', MicrosoftAppPassword: 'not-a-real-secret' });
    try {
      const body = activity({ channelId: 'msteams', conversationId: 'auth', userId: 'u' }, { text: 'hi' });
      const res = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status).to.equal(401);
      expect(((await res.json()) as { message: string }).message).to.match(/not authenticated/);
    } finally {
      await app.stop();
    }
  });
});
