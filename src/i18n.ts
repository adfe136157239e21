import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './projectRoot';
import i18next, { type i18n, type Resource, type ResourceKey, type TFunction } from 'i18next';

export const LOCALES_DIR = join(PROJECT_ROOT, 'locales');

/**
 * The languages present in a locales folder: every folder with a meta.json (its own name,
 * direction and review status), Danish (the source) and English first, the rest by code. Adding a
 * language is adding a folder; ENABLED_LOCALES can narrow or reorder the list.
 */
export function availableLocales(dir: string = LOCALES_DIR): string[] {
  const found = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'meta.json')))
    .map((d) => d.name);
  const first = ['da', 'en'].filter((l) => found.includes(l));
  return [...first, ...found.filter((l) => !first.includes(l)).sort()];
}

/**
 * Every user-facing sentence lives in `locales/<lng>/*.json` (one i18next namespace per file) and
 * is loaded once at start-up. A file that is not valid JSON stops start-up with its path.
 */
export function createI18n(options: { locales: string[]; fallback: string; dir?: string }): i18n {
  const dir = options.dir ?? LOCALES_DIR;
  const resources: Resource = {};
  const namespaces = new Set<string>();
  for (const lng of options.locales) {
    resources[lng] = {};
    let files: string[];
    try {
      files = readdirSync(join(dir, lng)).filter((f) => f.endsWith('.json'));
    } catch {
      throw new Error(`Locale "${lng}" is enabled but ${join(dir, lng)} does not exist.`);
    }
    for (const file of files) {
      const path = join(dir, lng, file);
      try {
        resources[lng][file.slice(0, -5)] = JSON.parse(readFileSync(path, 'utf8')) as ResourceKey;
      } catch (err) {
        throw new Error(`${path} is not valid JSON: ${(err as Error).message}`);
      }
      namespaces.add(file.slice(0, -5));
    }
  }
  const instance = i18next.createInstance();
  void instance.init({
    resources,
    lng: options.fallback,
    fallbackLng: options.fallback,
    supportedLngs: options.locales,
    ns: [...namespaces],
    defaultNS: 'bot',
    initAsync: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return instance;
}

/** A translator fixed to one language. */
export function translator(i18n: i18n, lng: string): TFunction {
  return i18n.getFixedT(lng);
}
