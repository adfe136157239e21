import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
export const FIXTURES = join(ROOT, 'test', 'fixtures', 'paths');

export interface FixtureContent {
  dialogsDir: string;
  localesDir: string;
  /** Environment for startApp: the fixture's paths and texts instead of the real ones. */
  env: Record<string, string>;
}

/**
 * A fixture's paths (test/fixtures/paths/<name>/dialogs) with a locales folder made of the real
 * bot.json, commands.json and meta.json plus the fixture's own paths.json, so the engine runs the
 * fixture with the real command words.
 */
export function fixtureContent(name: string, locales: string[] = ['da', 'en']): FixtureContent {
  const base = join(FIXTURES, name);
  const localesDir = mkdtempSync(join(tmpdir(), `tib-locales-${name}-`));
  for (const lng of locales) {
    mkdirSync(join(localesDir, lng));
    for (const file of readdirSync(join(ROOT, 'locales', lng))) {
      if (file.endsWith('.json') && file !== 'paths.json') copyFileSync(join(ROOT, 'locales', lng, file), join(localesDir, lng, file));
    }
    const own = join(base, 'locales', lng, 'paths.json');
    if (existsSync(own)) copyFileSync(own, join(localesDir, lng, 'paths.json'));
  }
  const dialogsDir = join(base, 'dialogs');
  return { dialogsDir, localesDir, env: { DIALOGS_DIR: dialogsDir, LOCALES_DIR: localesDir, ENABLED_LOCALES: locales.join(',') } };
}
