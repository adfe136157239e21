import type { IncomingMessage } from 'node:http';
import { expect } from 'chai';
import { clientAddress, isLoopbackUrl, rateSubject } from '../../src/server/clientAddress';
import { activityFieldProblem } from '../../src/server/activityShape';
import { failureOf } from '../../src/server/guard';
import { errorForLog, hashForLog, redactIds } from '../../src/log';

const req = (peer: string, xff?: string) => ({ socket: { remoteAddress: peer }, headers: xff ? { 'x-forwarded-for': xff } : {} }) as unknown as IncomingMessage;

describe('client addresses', () => {
  it('ignores X-Forwarded-For unless proxies are trusted, then takes the entry the nearest untrusted hop gave', () => {
    expect(clientAddress(req('::ffff:127.0.0.1', '203.0.113.1'), 0)).to.equal('127.0.0.1');
    expect(clientAddress(req('10.0.0.2', '203.0.113.1'), 1)).to.equal('203.0.113.1');
    expect(clientAddress(req('10.0.0.2', 'spoofed, 203.0.113.1, 10.0.0.1'), 2)).to.equal('203.0.113.1');
    expect(clientAddress(req('10.0.0.2', '203.0.113.1'), 5)).to.equal('203.0.113.1');
    expect(clientAddress(req('10.0.0.2'), 1)).to.equal('10.0.0.2');
  });

  it('counts IPv6 clients by their /64', () => {
    expect(rateSubject('2001:db8:1:2:aaaa::1')).to.equal('2001:db8:1:2::/64');
    expect(rateSubject('2001:db8:1:2:bbbb:cccc:dddd:eeee')).to.equal('2001:db8:1:2::/64');
    expect(rateSubject('2001:db8::1')).to.equal('2001:db8:0:0::/64');
    expect(rateSubject('192.0.2.7')).to.equal('192.0.2.7');
  });

  it('knows loopback URLs', () => {
    for (const url of ['http://127.0.0.1:9/x', 'http://localhost:3978', 'https://[::1]:1/', 'http://127.8.0.1']) expect(isLoopbackUrl(url), url).to.equal(true);
    for (const url of ['http://169.254.169.254/', 'http://127.0.0.1.example.org/', 'file:///etc/passwd', 'gopher://127.0.0.1', 'nonsense']) expect(isLoopbackUrl(url), url).to.equal(false);
  });
});

describe('activity field types', () => {
  it('names the first wrong-typed field and lets good and unknown fields pass', () => {
    expect(activityFieldProblem({ type: 'message', text: 'hi', locale: 'da', timestamp: new Date().toISOString(), futureField: { x: 1 } })).to.equal(undefined);
    expect(activityFieldProblem({ type: 'message', text: null })).to.equal(undefined);
    expect(activityFieldProblem({ text: { a: 1 } })).to.contain('"text"');
    expect(activityFieldProblem({ locale: 5 })).to.contain('"locale"');
    expect(activityFieldProblem({ from: { id: 5 } })).to.contain('"from.id"');
    expect(activityFieldProblem({ membersAdded: [{}] })).to.contain('"membersAdded"');
    expect(activityFieldProblem({ suggestedActions: { actions: 'x' } })).to.contain('suggestedActions.actions');
    expect(activityFieldProblem({ locale: 'x'.repeat(51) })).to.contain('"locale"');
  });
});

describe('failures and logs', () => {
  it('answers 4xx refusals as they are, outages 503, anything else 500 without its message', () => {
    expect(failureOf(Object.assign(new Error('nope'), { status: 403, code: 'Forbidden' }))).to.include({ status: 403, code: 'Forbidden', message: 'nope' });
    expect(failureOf(Object.assign(new Error('x'), { name: 'MaxRetriesPerRequestError' }))).to.include({ status: 503 });
    expect(failureOf(new Error('Command timed out'))).to.include({ status: 503 });
    expect(failureOf(new Error('secret detail'))).to.deep.equal({ status: 500, code: 'InternalError', message: 'The service could not handle the request.' });
    expect(failureOf('a string')).to.include({ status: 500 });
  });

  it('replaces ids in error messages by a stable hash', () => {
    const id = 'DqY3bD0cS8Xq1Zr2Wn4Vt5Uu';
    const logged = errorForLog(new Error(`no conversation ${id} in directline/conversations/${id}`));
    expect(logged.message).to.not.contain(id);
    expect(logged.stack).to.not.contain(id);
    expect(redactIds(id)).to.equal(redactIds(id));
    expect(redactIds('a short word and ConnectionRefused')).to.equal('a short word and ConnectionRefused');
  });

  it('replaces a Direct Line id without any digit too (one in about 60 has none)', () => {
    for (const id of ['HBhxxKcUZwStlcfDgkANFVyU', 'qWeRtYuIoPaSdFgH']) {
      expect(redactIds(`failed in directline/conversations/${id}`)).to.not.contain(id);
    }
    for (const word of ['processTicksAndRejections', 'MaxRetriesPerRequestError', 'ECONNREFUSED', 'conversationReference']) {
      expect(redactIds(`at ${word}`)).to.equal(`at ${word}`);
    }
  });

  it('always replaces the ids of the turn at hand, whatever they look like', () => {
    const id = 'conversationsfooxbar';
    const logged = errorForLog(new Error(`lost ${id}`), [id, undefined]);
    expect(logged.message).to.not.contain(id);
    expect(logged.message).to.contain(hashForLog(id));
  });
});
