/**
 * `npm run content:check`: checks dialogs/ and the texts in locales/ the way the engine will use
 * them. Prints every problem with its file, line, node and fix; exits 1 when there is an error.
 */
import { OFFICE_HOURS_FACT } from '../handoff/officeHours';
import { OPTIONAL_SAFETY_FACTS, SAFETY_FACTS } from '../nlu/safety';
import { DEFAULT_MAX_SOURCE_AGE_DAYS, checkContent } from './check';
import { enabledLocales } from './texts';
import { formatProblem } from './types';

/** Facts the code reads itself: the safety reply's numbers and the caseworkers' hours. */
const FACTS_READ_BY_CODE = [...SAFETY_FACTS, ...OPTIONAL_SAFETY_FACTS, OFFICE_HOURS_FACT];

function main(): number {
  const locales = enabledLocales(process.env, process.env.LOCALES_DIR?.trim() || undefined);
  const today = new Date().toISOString().slice(0, 10);
  // The same settings as the service: DIALOGS_DIR and LOCALES_DIR when set, else the project's folders.
  const dialogsDir = process.env.DIALOGS_DIR?.trim() || undefined;
  const localesDir = process.env.LOCALES_DIR?.trim() || undefined;
  const age = process.env.CONTENT_SOURCE_MAX_AGE_DAYS?.trim();
  const maxSourceAgeDays = age ? Number(age) : DEFAULT_MAX_SOURCE_AGE_DAYS;
  if (!Number.isInteger(maxSourceAgeDays) || maxSourceAgeDays < 1) throw new Error(`CONTENT_SOURCE_MAX_AGE_DAYS must be a whole number of days, not "${age}"`);
  const { problems, figures } = checkContent({ locales, today, dialogsDir, localesDir, maxSourceAgeDays, factsUsedByCode: FACTS_READ_BY_CODE });
  const errors = problems.filter((p) => p.level === 'error');
  const warnings = problems.filter((p) => p.level === 'warning');
  for (const p of [...errors, ...warnings]) process.stdout.write(`${formatProblem(p)}\n`);
  process.stdout.write(
    `\ncontent:check: ${figures.files} path files, ${figures.nodes} nodes, ${figures.facts} facts, ${figures.keys} text keys × ${figures.locales} languages (${locales.join(', ')}): ` +
      `${errors.length} errors, ${warnings.length} warnings\n`,
  );
  return errors.length > 0 ? 1 : 0;
}

try {
  process.exitCode = main();
} catch (err) {
  process.stderr.write(`content:check could not run: ${(err as Error).message}\n`);
  process.exitCode = 2;
}
