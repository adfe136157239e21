import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../../src/projectRoot';

/**
 * deploy/azure/main.bicep cannot be compiled here (no Bicep CLI on the npm registry or in
 * Debian). This is a structural check only: the resources, API versions, identity and secret
 * handling it must have, symbols that resolve, balanced brackets. `az bicep build` is the real check.
 */

const BICEP = readFileSync(join(PROJECT_ROOT, 'deploy/azure/main.bicep'), 'utf8');
const code = BICEP.split('\n')
  // Comments: whole lines, or after a space (so 'https://…' inside strings stays).
  .map((l) => l.replace(/(^|\s)\/\/.*$/, ''))
  .join('\n');

const resources = [...code.matchAll(/^resource (\w+) '([\w./]+)@([\w-]+)'( existing)? = /gm)].map((m) => ({
  symbol: m[1],
  type: m[2],
  version: m[3],
  existing: Boolean(m[4]),
}));
const params = [...code.matchAll(/((?:^@.*\n)*)^param (\w+) (\w+)/gm)].map((m) => ({ decorators: m[1], name: m[2], type: m[3] }));

/** The body of `resource <symbol> ... = [if (...)] { ... }`, brackets matched. */
function body(symbol: string): string {
  const start = code.search(new RegExp(`^resource ${symbol} `, 'm'));
  const open = code.indexOf('{', code.indexOf('=', start));
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if (code[i] === '{') depth++;
    if (code[i] === '}' && --depth === 0) return code.slice(open, i + 1);
  }
  throw new Error(`unbalanced braces in resource ${symbol}`);
}

describe('deploy/azure/main.bicep (structure; not compiled here)', () => {
  it('has balanced brackets and every symbol it uses is declared', () => {
    for (const [o, c] of [['{', '}'], ['[', ']'], ['(', ')']]) expect(code.split(o).length, `${o}${c}`).to.equal(code.split(c).length);
    const declared = new Set([...code.matchAll(/^(?:param|var|resource|output) (\w+)/gm)].map((m) => m[1]));
    const used = [...code.matchAll(/\b([a-z]\w*)\.(properties|id|name|listKeys)\b/g)].map((m) => m[1]);
    for (const symbol of used) expect(declared.has(symbol), `${symbol} is used but not declared`).to.equal(true);
    for (const m of code.matchAll(/parent: (\w+)/g)) expect(declared.has(m[1]), m[1]).to.equal(true);
  });

  it('declares Container Apps, Azure Managed Redis, Key Vault, a user-assigned identity and the Bot Service, on GA API versions', () => {
    const types = new Map(resources.map((r) => [r.type, r.version]));
    expect(types.get('Microsoft.App/containerApps')).to.equal('2024-03-01');
    expect(types.get('Microsoft.App/managedEnvironments')).to.equal('2024-03-01');
    expect(types.get('Microsoft.Cache/redisEnterprise')).to.equal('2025-07-01');
    expect(types.get('Microsoft.Cache/redisEnterprise/databases')).to.equal('2025-07-01');
    expect(types.get('Microsoft.BotService/botServices')).to.equal('2022-09-15');
    expect(types.get('Microsoft.BotService/botServices/channels')).to.equal('2022-09-15');
    expect(types.has('Microsoft.KeyVault/vaults')).to.equal(true);
    expect(types.has('Microsoft.ManagedIdentity/userAssignedIdentities')).to.equal(true);
    for (const r of resources) expect(r.version, r.type).not.to.match(/preview/);
  });

  it('registers the bot with Direct Line, Web Chat, SMS and Teams channels', () => {
    const channels = resources.filter((r) => r.type === 'Microsoft.BotService/botServices/channels').map((r) => /channelName: '(\w+)'/.exec(body(r.symbol))?.[1]);
    expect(channels.sort()).to.deep.equal(['DirectLineChannel', 'MsTeamsChannel', 'SmsChannel', 'WebChatChannel']);
  });

  it('authenticates the bot with the user-assigned managed identity, no password', () => {
    const bot = body(resources.find((r) => r.type === 'Microsoft.BotService/botServices')!.symbol);
    expect(bot).to.match(/msaAppType: 'UserAssignedMSI'/);
    expect(bot).to.match(/msaAppId: identity\.properties\.clientId/);
    expect(bot).to.match(/msaAppMSIResourceId: identity\.id/);
    const app = body('app');
    expect(app).to.match(/userAssignedIdentities: \{ '\$\{identity\.id\}': \{\} \}/);
    expect(app).to.match(/\{ name: 'MicrosoftAppType', value: 'UserAssignedMSI' \}/);
    expect(app).to.match(/\{ name: 'MicrosoftAppId', value: identity\.properties\.clientId \}/);
    expect(app).to.match(/\{ name: 'MicrosoftAppTenantId', value: tenant\(\)\.tenantId \}/);
    expect(app).not.to.include('MicrosoftAppPassword');
  });

  it('keeps secrets in Key Vault: secure parameters, Key Vault references in the app, no secret in an output', () => {
    for (const p of params.filter((p) => /secret|token|password|key/i.test(p.name))) expect(p.decorators, p.name).to.include('@secure()');
    const app = body('app');
    const secrets = app.slice(app.indexOf('secrets: ['), app.indexOf(']', app.indexOf('secrets: [')));
    expect(secrets).to.include('keyVaultUrl');
    expect(secrets).not.to.match(/\bvalue:/);
    for (const ref of app.matchAll(/secretRef: '([\w-]+)'/g)) expect(secrets, ref[1]).to.include(`name: '${ref[1]}'`);
    for (const o of code.matchAll(/^output (\w+)/gm)) expect(o[1]).not.to.match(/secret|key(?!VaultName)|password|token|redisUrl/i);
  });

  it('reaches Redis over TLS only', () => {
    expect(body('redis')).to.match(/minimumTlsVersion: '1\.2'/);
    expect(body('redisDatabase')).to.match(/clientProtocol: 'Encrypted'/);
    expect(body('redisUrlSecret')).to.match(/value: 'rediss:\/\//);
  });

  it('probes /readyz and /healthz and lets turns finish: terminationGracePeriodSeconds above SHUTDOWN_GRACE_MS', () => {
    const app = body('app');
    expect(app).to.match(/type: 'Readiness'\s+httpGet: \{ path: '\/readyz'/);
    expect(app).to.match(/type: 'Liveness'\s+httpGet: \{ path: '\/healthz'/);
    const grace = Number(/terminationGracePeriodSeconds: (\d+)/.exec(app)?.[1]);
    const shutdownMs = Number(/\{ name: 'SHUTDOWN_GRACE_MS', value: '(\d+)' \}/.exec(app)?.[1]);
    expect(grace * 1000).to.be.greaterThan(shutdownMs);
  });
});
