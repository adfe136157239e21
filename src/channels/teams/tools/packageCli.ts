/**
 * `npm run teams:package -- [--app-id GUID] [--teams-app-id GUID] [--public-url https://…] [--out FILE]`
 * writes the Teams app package (a zip to upload in Teams or its Developer Portal), with the bot's
 * app id and the service's public address filled in, after validating the manifest against the
 * schema of the version it declares. Defaults come from MicrosoftAppId, TEAMS_APP_ID, PUBLIC_URL
 * and ENABLED_LOCALES/DEFAULT_LOCALE (the default language becomes the manifest's).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../../../projectRoot';
import { availableLocales } from '../../../i18n';
import { buildPackage, TeamsPackageError } from '../appPackage';
import { validateTeamsJson } from './validateManifest';

function main(): number {
  const { values } = parseArgs({
    options: {
      'app-id': { type: 'string' },
      'teams-app-id': { type: 'string' },
      'public-url': { type: 'string' },
      out: { type: 'string' },
    },
  });
  const env = process.env;
  const localesDir = env.LOCALES_DIR ? resolve(env.LOCALES_DIR) : join(PROJECT_ROOT, 'locales');
  const enabled = env.ENABLED_LOCALES ? env.ENABLED_LOCALES.split(',').map((l) => l.trim().toLowerCase()) : availableLocales(localesDir);
  const defaultLocale = (env.DEFAULT_LOCALE ?? enabled[0]).toLowerCase();
  const locales = [defaultLocale, ...enabled.filter((l) => l !== defaultLocale)];
  const botAppId = values['app-id'] ?? env.MicrosoftAppId ?? '';
  const publicUrl = values['public-url'] ?? env.PUBLIC_URL ?? '';
  const out = resolve(values.out ?? join(PROJECT_ROOT, 'dist', 'teams', 'tonder-integration-bot.zip'));
  const version = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  try {
    const built = buildPackage({ botAppId, teamsAppId: values['teams-app-id'] ?? env.TEAMS_APP_ID, publicUrl, version, templateDir: join(PROJECT_ROOT, 'deploy', 'teams'), localesDir, locales });
    const problems = [
      ...validateTeamsJson(built.manifest).map((p) => `manifest.json ${p}`),
      ...Object.entries(built.localizations).flatMap(([name, file]) => validateTeamsJson(file).map((p) => `${name} ${p}`)),
    ];
    if (problems.length > 0) {
      console.error(`The Teams manifest does not validate:\n  ${problems.join('\n  ')}`);
      return 1;
    }
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, built.zip);
    process.stdout.write(`wrote ${out} (${built.zip.length} bytes; manifest v${String(built.manifest.manifestVersion)}, languages ${locales.join(', ')})\n`);
    return 0;
  } catch (err) {
    if (err instanceof TeamsPackageError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
}

process.exitCode = main();
