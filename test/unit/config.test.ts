import { expect } from 'chai';
import { ConfigError, isLocalMode, loadConfig } from '../../src/config';

describe('configuration', () => {
  it('has working defaults: port 3978, embedded store, 30 days retention, every language in locales/ (Danish first), local mode', () => {
    const config = loadConfig({});
    expect(config.port).to.equal(3978);
    expect(config.redisUrl).to.equal(undefined);
    expect(config.stateTtlSeconds).to.equal(30 * 86400);
    expect(config.enabledLocales).to.deep.equal(['da', 'en', 'ar', 'de', 'fa', 'ps', 'ru', 'so', 'ti', 'uk']);
    expect(config.defaultLocale).to.equal('da');
    expect(isLocalMode(config)).to.equal(true);
  });

  const invalid: [Record<string, string>, string][] = [
    [{ PORT: '70000' }, 'PORT must be a whole number from 0 to 65535'],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL must be a redis:// or rediss:// URL'],
    [{ REDIS_KEY_PREFIX: 'a{b}' }, 'REDIS_KEY_PREFIX must be up to 64 characters without spaces or braces'],
    [{ STATE_TTL_DAYS: '0' }, 'STATE_TTL_DAYS must be a whole number from 1 to 3650'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of'],
    [{ LOG_PRETTY: 'maybe' }, 'LOG_PRETTY must be true or false'],
    [{ ENABLED_LOCALES: 'da,english' }, 'ENABLED_LOCALES must be a comma-separated list'],
    [{ DEFAULT_LOCALE: 'fr' }, 'DEFAULT_LOCALE must be one of ENABLED_LOCALES'],
    [{ MicrosoftAppPassword: 'x' }, 'MicrosoftAppId must be set'],
    [{ MicrosoftAppId: 'id' }, 'MicrosoftAppPassword must be set'],
    [{ MicrosoftAppId: 'id', MicrosoftAppPassword: 'p', MicrosoftAppType: 'SingleTenant' }, 'MicrosoftAppTenantId must be set'],
    [{ MicrosoftAppType: 'Personal' }, 'MicrosoftAppType must be one of MultiTenant, SingleTenant, UserAssignedMSI'],
    [{ TEAMS_CASEWORKER_CHANNEL: 'General' }, 'TEAMS_CASEWORKER_CHANNEL must be a Teams channel id such as 19:abc…@thread.tacv2'],
    [{ TEAMS_CASEWORKER_CHANNEL: '19:abc@thread.tacv2;messageid=1' }, 'TEAMS_CASEWORKER_CHANNEL must be a Teams channel id'],
    [{ TEAMS_TENANT_ID: 'toender.dk' }, 'TEAMS_TENANT_ID must be a GUID'],
  ];
  for (const [env, message] of invalid) {
    it(`refuses ${JSON.stringify(env)} with "${message}…"`, () => {
      expect(() => loadConfig(env)).to.throw(ConfigError, message);
    });
  }

  it('reads TEAMS_CASEWORKER_CHANNEL as written or URL-encoded (as in "Get link to channel"); unset: the General channel of the team the app is installed in', () => {
    expect(loadConfig({}).teams.caseworkerChannel).to.equal(undefined);
    expect(loadConfig({ TEAMS_CASEWORKER_CHANNEL: '19:a1b2c3@thread.tacv2' }).teams.caseworkerChannel).to.equal('19:a1b2c3@thread.tacv2');
    expect(loadConfig({ TEAMS_CASEWORKER_CHANNEL: '19%3Aa1b2c3%40thread.tacv2' }).teams.caseworkerChannel).to.equal('19:a1b2c3@thread.tacv2');
  });

  it('takes the Teams tenant from TEAMS_TENANT_ID, else MicrosoftAppTenantId (lower case); unset: none', () => {
    const tenant = '3F0C8A51-0000-4B1E-9D7A-00000000AAAA';
    expect(loadConfig({}).teams.tenantId).to.equal(undefined);
    expect(loadConfig({ TEAMS_TENANT_ID: tenant }).teams.tenantId).to.equal(tenant.toLowerCase());
    expect(loadConfig({ MicrosoftAppId: 'id', MicrosoftAppPassword: 'p', MicrosoftAppType: 'SingleTenant', MicrosoftAppTenantId: tenant }).teams.tenantId).to.equal(tenant.toLowerCase());
  });

  it('leaves local mode when Bot Framework credentials are set', () => {
    const config = loadConfig({ MicrosoftAppId: 'app', MicrosoftAppPassword: 'secret', MicrosoftAppType: 'singletenant', MicrosoftAppTenantId: 't' });
    expect(isLocalMode(config)).to.equal(false);
    expect(config.microsoftApp.appType).to.equal('SingleTenant');
  });
});
