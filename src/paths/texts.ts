import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../projectRoot';
import { availableLocales } from '../i18n';

export const LOCALES_DIR = join(PROJECT_ROOT, 'locales');

/** The i18next namespace (locales/<lng>/paths.json) that path texts live in. */
export const PATHS_NS = 'paths';
/** The namespace (locales/<lng>/commands.json) of the command words and the engine's own sentences. */
export const COMMANDS_NS = 'commands';

/** Keys in paths.json that the engine itself uses (see dialogs/README.md). */
export const ENGINE_PATH_KEYS = ['common.number_retry', 'common.ask_caseworker'];

/** Keys in commands.json the engine uses. */
export const ENGINE_COMMAND_KEYS = [
  'words.menu',
  'words.back',
  'words.help',
  'words.language',
  'words.human',
  'words.delete_data',
  'words.stop',
  'words.yes',
  'words.no',
  'labels.yes',
  'labels.no',
  'help',
  'not_understood',
  'delete.confirm',
  'delete.done',
  'delete.kept',
  'stop',
  'end',
];

/** The languages to check: ENABLED_LOCALES when set, else every folder in locales/ with a meta.json. */
export function enabledLocales(env: Record<string, string | undefined> = process.env, dir: string = LOCALES_DIR): string[] {
  const given = env.ENABLED_LOCALES?.trim();
  if (given) return given.split(',').map((l) => l.trim().toLowerCase()).filter(Boolean);
  return availableLocales(dir);
}

/** A locale file as JSON, or undefined when it does not exist. Throws with the path when it is not JSON. */
export function readLocaleFile(dir: string, lng: string, ns: string): Record<string, unknown> | undefined {
  const path = join(dir, lng, `${ns}.json`);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`${path} is not valid JSON: ${(err as Error).message}`);
  }
}

/** A dotted key looked up the way i18next does: nested objects, or the whole key written flat. */
export function lookup(resource: Record<string, unknown> | undefined, key: string): unknown {
  if (!resource) return undefined;
  if (key in resource) return resource[key];
  const parts = key.split('.');
  for (let i = parts.length - 1; i >= 1; i--) {
    const head = parts.slice(0, i).join('.');
    const child = resource[head];
    if (child && typeof child === 'object' && !Array.isArray(child)) {
      const found = lookup(child as Record<string, unknown>, parts.slice(i).join('.'));
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** `{{name}}` placeholders in a text. */
export function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g)].map((m) => m[1]);
}
