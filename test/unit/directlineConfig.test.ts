import { expect } from 'chai';
import { loadConfig } from '../../src/config';

describe('config: web chat and Direct Line', () => {
  it('has working defaults for local use', () => {
    expect(loadConfig({}).directLine).to.deep.equal({
      tokenSecret: undefined,
      azureSecret: undefined,
      azureUrl: 'https://directline.botframework.com',
      serviceUrl: undefined,
      postsPerMinute: 60,
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      DIRECTLINE_TOKEN_SECRET: 'x'.repeat(32),
      DIRECTLINE_SECRET: 'azure',
      DIRECTLINE_AZURE_URL: 'https://europe.directline.botframework.com/',
      DIRECTLINE_SERVICE_URL: 'http://bot.internal:3978/directline/bot',
      DIRECTLINE_POSTS_PER_MINUTE: '20',
    });
    expect(config.directLine).to.deep.equal({
      tokenSecret: 'x'.repeat(32),
      azureSecret: 'azure',
      azureUrl: 'https://europe.directline.botframework.com',
      serviceUrl: 'http://bot.internal:3978/directline/bot',
      postsPerMinute: 20,
    });
  });

  for (const [env, message] of [
    [{ DIRECTLINE_TOKEN_SECRET: 'short' }, /DIRECTLINE_TOKEN_SECRET must be at least 32 characters/],
    [{ NODE_ENV: 'production' }, /DIRECTLINE_TOKEN_SECRET must be set when NODE_ENV is production/],
    [{ DIRECTLINE_AZURE_URL: 'directline.botframework.com' }, /DIRECTLINE_AZURE_URL must be an http/],
    [{ DIRECTLINE_SERVICE_URL: 'ftp://x' }, /DIRECTLINE_SERVICE_URL must be an http/],
    [{ DIRECTLINE_POSTS_PER_MINUTE: '0' }, /DIRECTLINE_POSTS_PER_MINUTE must be a whole number from 1/],
  ] as const) {
    it(`refuses ${JSON.stringify(env)} with a clear message`, () => {
      expect(() => loadConfig(env as Record<string, string>)).to.throw(message);
    });
  }

  it('never echoes the token secret in its error', () => {
    expect(() => loadConfig({ DIRECTLINE_TOKEN_SECRET: 'my-short-secret' })).to.throw().that.satisfies((e: Error) => !e.message.includes('my-short-secret'));
  });
});
