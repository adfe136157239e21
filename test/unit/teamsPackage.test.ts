import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { PROJECT_ROOT } from '../../src/projectRoot';
import { availableLocales } from '../../src/i18n';
import { buildPackage, TEAMS_COMMANDS, TeamsPackageError, type TeamsPackageOptions } from '../../src/channels/teams/appPackage';
import { validateTeamsJson } from '../../src/channels/teams/tools/validateManifest';
import { decodePng } from '../../src/channels/teams/png';

const APP_ID = '0b8a6d52-7c1e-4f0e-9d7a-3f2c1b0a9e8d';
const options: TeamsPackageOptions = {
  botAppId: APP_ID,
  publicUrl: 'https://chat.example.org',
  version: '1.2.3',
  templateDir: join(PROJECT_ROOT, 'deploy', 'teams'),
  localesDir: join(PROJECT_ROOT, 'locales'),
  locales: availableLocales(),
};

describe('Teams app package (deploy/teams, npm run teams:package)', () => {
  const built = buildPackage(options);
  const files = unzipSync(built.zip);

  it('holds manifest.json, both icons and one localization file per further language', () => {
    const others = options.locales.slice(1).map((l) => `${l}.json`);
    expect(Object.keys(files).sort()).to.deep.equal(['color.png', 'manifest.json', 'outline.png', ...others].sort());
  });

  it('has a manifest valid against the schema of the version it declares (from @microsoft/app-manifest)', () => {
    const manifest = JSON.parse(Buffer.from(files['manifest.json']).toString('utf8')) as Record<string, unknown>;
    expect(manifest.$schema).to.match(/\/teams\/v1\.22\/MicrosoftTeams\.schema\.json$/);
    expect(validateTeamsJson(manifest)).to.deep.equal([]);
  });

  it('has every localization file valid against the localization schema of that version', () => {
    for (const lng of options.locales.slice(1)) {
      const file = JSON.parse(Buffer.from(files[`${lng}.json`]).toString('utf8')) as Record<string, unknown>;
      expect(validateTeamsJson(file), lng).to.deep.equal([]);
    }
  });

  it('the schema check catches a broken manifest (a short name over 30 characters, no bot id)', () => {
    const broken = JSON.parse(JSON.stringify(built.manifest)) as { name: { short: string }; bots: { botId?: string }[] };
    broken.name.short = 'x'.repeat(31);
    delete broken.bots[0].botId;
    const problems = validateTeamsJson(broken as unknown as Record<string, unknown>);
    expect(problems.join('\n')).to.match(/name\/short/).and.match(/botId/);
  });

  it('fills in the bot app id, the public host and the app version; personal scope for newcomers, team scope for caseworkers', () => {
    const manifest = built.manifest as { id: string; version: string; validDomains: string[]; bots: { botId: string; scopes: string[] }[]; developer: { privacyUrl: string } };
    expect(manifest.id).to.equal(APP_ID);
    expect(manifest.version).to.equal('1.2.3');
    expect(manifest.bots[0].botId).to.equal(APP_ID);
    expect(manifest.bots[0].scopes).to.have.members(['personal', 'team']);
    expect(manifest.validDomains).to.deep.equal(['chat.example.org']);
    expect(manifest.developer.privacyUrl).to.equal('https://chat.example.org/privacy.html');
    expect(JSON.stringify(built.manifest)).not.to.contain('{{');
  });

  it('offers the commands as words the bot understands in each language', () => {
    const manifest = built.manifest as { bots: { commandLists: { commands: { title: string }[] }[] }[] };
    const da = JSON.parse(readFileSync(join(PROJECT_ROOT, 'locales', 'da', 'commands.json'), 'utf8')) as { words: Record<string, string[]> };
    expect(manifest.bots[0].commandLists[0].commands.map((c) => c.title)).to.deep.equal(TEAMS_COMMANDS.map((c) => da.words[c][0]));
    const ar = built.localizations['ar.json'];
    const arWords = JSON.parse(readFileSync(join(PROJECT_ROOT, 'locales', 'ar', 'commands.json'), 'utf8')) as { words: Record<string, string[]> };
    expect(ar['bots[0].commandLists[0].commands[3].title']).to.equal(arWords.words.human[0]);
  });

  it('has a 192×192 colour icon and a 32×32 outline icon that is white on transparent', () => {
    const color = decodePng(Buffer.from(files['color.png']));
    expect([color.width, color.height]).to.deep.equal([192, 192]);
    const outline = decodePng(Buffer.from(files['outline.png']));
    expect([outline.width, outline.height]).to.deep.equal([32, 32]);
    let opaque = 0;
    for (let i = 0; i < outline.pixels.length; i += 4) {
      if (outline.pixels[i + 3] === 0) continue;
      opaque += 1;
      expect([outline.pixels[i], outline.pixels[i + 1], outline.pixels[i + 2]]).to.deep.equal([255, 255, 255]);
    }
    expect(outline.pixels[3], 'corner is transparent').to.equal(0);
    expect(opaque).to.be.within(50, 32 * 32 - 50);
  });

  it('refuses an app id that is not a GUID and a public URL that is not https, saying what to set', () => {
    expect(() => buildPackage({ ...options, botAppId: 'my-bot' })).to.throw(TeamsPackageError, /MicrosoftAppId/);
    expect(() => buildPackage({ ...options, publicUrl: 'http://chat.example.org' })).to.throw(TeamsPackageError, /https PUBLIC_URL/);
  });

  it('npm run teams:package writes the zip, and exits 2 with a message when the app id is missing', function () {
    this.timeout(60_000);
    const out = join(mkdtempSync(join(tmpdir(), 'teams-')), 'app.zip');
    const env = { ...process.env, MicrosoftAppId: '', PUBLIC_URL: '' };
    const tsx = join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
    const script = join(PROJECT_ROOT, 'src', 'channels', 'teams', 'tools', 'packageCli.ts');
    const ok = spawnSync(tsx, [script, '--app-id', APP_ID, '--public-url', 'https://chat.example.org', '--out', out], { env, encoding: 'utf8' });
    expect(ok.status, ok.stderr).to.equal(0);
    expect(Object.keys(unzipSync(readFileSync(out)))).to.include('manifest.json');
    const missing = spawnSync(tsx, [script, '--public-url', 'https://chat.example.org', '--out', out], { env, encoding: 'utf8' });
    expect(missing.status).to.equal(2);
    expect(missing.stderr).to.match(/app id must be a GUID/);
  });
});
