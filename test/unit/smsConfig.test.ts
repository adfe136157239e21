import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../src/config';

const TWILIO = { TWILIO_ACCOUNT_SID: 'AC' + 'a'.repeat(32), TWILIO_AUTH_TOKEN: 'token', TWILIO_FROM: '+4512345678', PUBLIC_URL: 'https://bot.example.dk' };

describe('SMS configuration', () => {
  it('is off without TWILIO_*: no bridge, 3 segments, no short links', () => {
    const { sms } = loadConfig({});
    expect(sms).to.deep.equal({ publicUrl: undefined, maxSegments: 3, hashSecret: undefined, twilio: undefined });
  });

  it('turns the bridge on with an account, a token, a sender and PUBLIC_URL', () => {
    const { sms } = loadConfig({ ...TWILIO, SMS_MAX_SEGMENTS: '2' });
    expect(sms.maxSegments).to.equal(2);
    expect(sms.twilio).to.deep.include({ accountSid: TWILIO.TWILIO_ACCOUNT_SID, from: '+4512345678', apiBase: 'https://api.twilio.com' });
    expect(loadConfig({ ...TWILIO, TWILIO_FROM: undefined, TWILIO_MESSAGING_SERVICE_SID: 'MG' + 'b'.repeat(32) }).sms.twilio?.messagingServiceSid).to.match(/^MG/);
  });

  for (const [env, message] of [
    [{ TWILIO_ACCOUNT_SID: TWILIO.TWILIO_ACCOUNT_SID }, /TWILIO_AUTH_TOKEN must be set/],
    [{ ...TWILIO, TWILIO_FROM: undefined }, /TWILIO_FROM must be the sending number/],
    [{ ...TWILIO, TWILIO_FROM: '12345' }, /TWILIO_FROM must be a number in E\.164 form/],
    [{ ...TWILIO, PUBLIC_URL: undefined }, /PUBLIC_URL must be the service's public/],
    [{ ...TWILIO, TWILIO_ACCOUNT_SID: 'XY1' }, /TWILIO_ACCOUNT_SID must be an account SID/],
    [{ SMS_MAX_SEGMENTS: '11' }, /SMS_MAX_SEGMENTS must be a whole number from 1 to 10/],
    [{ SMS_HASH_SECRET: 'short' }, /SMS_HASH_SECRET must be at least 32 characters/],
  ] as const) {
    it(`refuses ${JSON.stringify(Object.keys(env))} with "${message.source.slice(0, 40)}…"`, () => {
      expect(() => loadConfig({ ...env })).to.throw(ConfigError, message);
    });
  }
});
