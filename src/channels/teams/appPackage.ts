import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';

/** The bot's commands in the Teams command menu, in the order shown; titles are each language's first command word. */
export const TEAMS_COMMANDS = ['menu', 'help', 'language', 'human'] as const;

const GUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;

export interface TeamsPackageOptions {
  /** The bot's Microsoft app id (MicrosoftAppId): a GUID. */
  botAppId: string;
  /** The Teams app's own id; the bot's app id when not given (Microsoft's samples do the same). */
  teamsAppId?: string;
  /** Where the service is reached from the internet, https (PUBLIC_URL). */
  publicUrl: string;
  /** The app's version (package.json's). */
  version: string;
  /** The manifest template, icons: deploy/teams/. */
  templateDir: string;
  /** Texts: locales/<lng>/teams.json and commands.json. */
  localesDir: string;
  /** Enabled languages; the first is the manifest's default language. */
  locales: string[];
}

export class TeamsPackageError extends Error {}

interface TeamsTexts {
  app: { name_short: string; name_full: string; description_short: string; description_full: string };
  commands: Record<(typeof TEAMS_COMMANDS)[number], string>;
}

function readJson<T>(path: string): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (err) {
    throw new TeamsPackageError(`${path}: ${(err as Error).message}`);
  }
}

function textsOf(localesDir: string, lng: string): TeamsTexts & { words: Record<string, string> } {
  const texts = readJson<TeamsTexts>(join(localesDir, lng, 'teams.json'));
  const commands = readJson<{ words: Record<string, string[]> }>(join(localesDir, lng, 'commands.json'));
  const words: Record<string, string> = {};
  for (const command of TEAMS_COMMANDS) {
    const word = commands.words[command]?.[0];
    if (!word) throw new TeamsPackageError(`${join(localesDir, lng, 'commands.json')} has no word for "${command}".`);
    if (!texts.commands?.[command]) throw new TeamsPackageError(`${join(localesDir, lng, 'teams.json')} has no "commands.${command}".`);
    words[command] = word;
  }
  return { ...texts, words };
}

/** Checks the options and says what is wrong in words an operator can act on. */
function checkOptions(options: TeamsPackageOptions): URL {
  if (!GUID.test(options.botAppId)) throw new TeamsPackageError(`The bot's app id must be a GUID (MicrosoftAppId or --app-id); got "${options.botAppId}".`);
  if (options.teamsAppId !== undefined && !GUID.test(options.teamsAppId)) throw new TeamsPackageError(`The Teams app id must be a GUID (TEAMS_APP_ID or --teams-app-id); got "${options.teamsAppId}".`);
  let url: URL;
  try {
    url = new URL(options.publicUrl);
  } catch {
    throw new TeamsPackageError(`PUBLIC_URL (or --public-url) must be the service's public https URL; got "${options.publicUrl}".`);
  }
  if (url.protocol !== 'https:') throw new TeamsPackageError(`Teams needs an https PUBLIC_URL; got "${options.publicUrl}".`);
  if (options.locales.length === 0) throw new TeamsPackageError('No language is enabled.');
  return url;
}

/** The manifest and one localization file per further language, as Teams reads them. */
export function buildManifest(options: TeamsPackageOptions): { manifest: Record<string, unknown>; localizations: Record<string, Record<string, unknown>> } {
  const url = checkOptions(options);
  const [defaultLng, ...others] = options.locales;
  const base = textsOf(options.localesDir, defaultLng);
  const values: Record<string, string> = {
    VERSION: options.version,
    TEAMS_APP_ID: options.teamsAppId ?? options.botAppId,
    BOT_APP_ID: options.botAppId,
    PUBLIC_URL: url.origin + url.pathname.replace(/\/$/, ''),
    PUBLIC_HOST: url.host,
    ...base.app,
  };
  for (const command of TEAMS_COMMANDS) {
    values[`${command}.title`] = base.words[command];
    values[`${command}.description`] = base.commands[command];
  }
  // Placeholders stand for whole JSON strings, so a value is substituted as a string, never as JSON text.
  const fill = (node: unknown): unknown => {
    if (typeof node === 'string') return node.replace(/\{\{([\w.]+)\}\}/g, (_, key: string) => {
      if (!(key in values)) throw new TeamsPackageError(`manifest.template.json uses {{${key}}}, which has no value.`);
      return values[key];
    });
    if (Array.isArray(node)) return node.map(fill);
    if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, fill(v)]));
    return node;
  };
  const manifest = fill(readJson(join(options.templateDir, 'manifest.template.json'))) as Record<string, unknown>;
  const version = String(manifest.manifestVersion);
  const localizations: Record<string, Record<string, unknown>> = {};
  const additionalLanguages: { languageTag: string; file: string }[] = [];
  for (const lng of others) {
    const texts = textsOf(options.localesDir, lng);
    const file: Record<string, unknown> = {
      $schema: `https://developer.microsoft.com/json-schemas/teams/v${version}/MicrosoftTeams.Localization.schema.json`,
      'name.short': texts.app.name_short,
      'name.full': texts.app.name_full,
      'description.short': texts.app.description_short,
      'description.full': texts.app.description_full,
    };
    TEAMS_COMMANDS.forEach((command, i) => {
      file[`bots[0].commandLists[0].commands[${i}].title`] = texts.words[command];
      file[`bots[0].commandLists[0].commands[${i}].description`] = texts.commands[command];
    });
    localizations[`${lng}.json`] = file;
    additionalLanguages.push({ languageTag: lng, file: `${lng}.json` });
  }
  manifest.localizationInfo = { defaultLanguageTag: defaultLng, additionalLanguages };
  return { manifest, localizations };
}

/** The app package Teams installs: a zip with manifest.json, the localization files and the two icons. */
export function buildPackage(options: TeamsPackageOptions): { zip: Uint8Array; manifest: Record<string, unknown>; localizations: Record<string, Record<string, unknown>> } {
  const { manifest, localizations } = buildManifest(options);
  const files: Record<string, Uint8Array> = { 'manifest.json': Buffer.from(JSON.stringify(manifest, null, 2)) };
  for (const [name, content] of Object.entries(localizations)) files[name] = Buffer.from(JSON.stringify(content, null, 2));
  const icons = manifest.icons as { color: string; outline: string };
  for (const icon of [icons.color, icons.outline]) files[icon] = readFileSync(join(options.templateDir, icon));
  // A fixed time: the same inputs give the same zip.
  return { zip: zipSync(files, { level: 9, mtime: new Date('2026-01-01T00:00:00Z') }), manifest, localizations };
}
