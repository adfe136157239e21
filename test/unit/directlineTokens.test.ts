import { expect } from 'chai';
import { DirectLineTokens, TOKEN_TTL_SECONDS, bearer } from '../../src/channels/directline/tokens';
import { SelfHostedConnector } from '../../src/channels/directline/connector';

const SECRET = 'unit-test-secret-unit-test-secret-0000';

describe('Direct Line tokens', () => {
  it('round-trips its claims and expires after 1800 s', () => {
    let now = 1_700_000_000_000;
    const tokens = new DirectLineTokens(SECRET, () => now);
    const token = tokens.issue({ kind: 'user', conversationId: 'c1', userId: 'u1' });
    const check = tokens.verify(token);
    expect(check).to.deep.equal({ ok: true, claims: { kind: 'user', conversationId: 'c1', userId: 'u1', exp: now / 1000 + TOKEN_TTL_SECONDS } });
    if (check.ok) expect(tokens.expiresIn(check.claims)).to.equal(1800);
    now += 1799_000;
    expect(tokens.verify(token).ok).to.equal(true);
    now += 1000;
    expect(tokens.verify(token)).to.deep.equal({ ok: false, reason: 'expired' });
    expect(tokens.verifyIgnoringExpiry(token)?.conversationId).to.equal('c1');
  });

  it('tells missing, malformed and forged tokens apart', () => {
    const tokens = new DirectLineTokens(SECRET);
    const token = tokens.issue({ kind: 'user', conversationId: 'c1', userId: 'u1' });
    expect(tokens.verify(undefined)).to.deep.equal({ ok: false, reason: 'missing' });
    expect(tokens.verify('abc')).to.deep.equal({ ok: false, reason: 'malformed' });
    expect(tokens.verify(`${token}x`)).to.deep.equal({ ok: false, reason: 'forged' });
    expect(new DirectLineTokens(`${SECRET}!`).verify(token)).to.deep.equal({ ok: false, reason: 'forged' });
    expect(new DirectLineTokens(`${SECRET}!`).verifyIgnoringExpiry(token)).to.equal(undefined);
  });

  it('recognises the secret itself and reads bearer headers', () => {
    const tokens = new DirectLineTokens(SECRET);
    expect(tokens.isSecret(SECRET)).to.equal(true);
    expect(tokens.isSecret(`${SECRET}x`)).to.equal(false);
    expect(tokens.isSecret(undefined)).to.equal(false);
    expect(bearer('Bearer abc.def')).to.equal('abc.def');
    expect(bearer('bearer  xyz ')).to.equal('xyz');
    expect(bearer('Basic abc')).to.equal(undefined);
    expect(bearer(undefined)).to.equal(undefined);
  });
});

describe('Self-hosted connector: where the bot token may go', () => {
  const tokens = new DirectLineTokens(SECRET);

  it('signs only for its own serviceUrls: the configured one and its path on loopback', () => {
    const connector = new SelfHostedConnector(tokens, { serviceUrl: 'https://bot.internal.example/directline/bot', appId: undefined });
    expect(connector.owns('https://bot.internal.example/directline/bot')).to.equal(true);
    expect(connector.owns('http://127.0.0.1:3978/directline/bot')).to.equal(true);
    expect(connector.owns('http://localhost:4000/directline/bot/')).to.equal(true);
    expect(connector.owns('https://smba.trafficmanager.net/emea/')).to.equal(false);
    expect(connector.owns('http://evil.example/directline/bot')).to.equal(false);
    expect(connector.owns('http://127.0.0.1:3978/other')).to.equal(false);
    expect(connector.owns(undefined)).to.equal(false);
    expect(connector.clientFor('https://smba.trafficmanager.net/emea/')).to.equal(undefined);
    expect(connector.clientFor('http://127.0.0.1:3978/directline/bot')).to.not.equal(undefined);
  });
});
