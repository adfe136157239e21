/**
 * `npx tsx src/nlu/tools/tuningFigures.ts`: per dev and probe folder of test/nlu-dev (never a held-out one), the intent
 * messages right, the emergencies given the reply at once, given the reply or the question, and the false alarms on
 * ordinary messages, as the table of test/unit/tuningSets.test.ts.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { EmbeddedRecognizer } from '../embeddedRecognizer';
import { DEV_DIR, evaluate, loadDevSet } from '../evaluation';
import { SafetyScreen } from '../safety';
import { evaluateSafety, loadSafetyFolder } from '../safetyEvaluation';

const recognizer = new EmbeddedRecognizer();
const screen = SafetyScreen.load({ bank: recognizer.bank });
const lines: string[] = [];
for (const name of readdirSync(DEV_DIR).filter((d) => /^(dev|dev2|probe)-/.test(d)).sort()) {
  const dir = join(DEV_DIR, name);
  const intents = existsSync(join(dir, 'da.jsonl')) ? loadDevSet(dir) : [];
  const r = intents.length > 0 ? evaluate(recognizer, intents) : undefined;
  const cases = existsSync(join(dir, 'safety')) ? loadSafetyFolder(join(dir, 'safety')) : [];
  const s = evaluateSafety(screen, cases, intents.map((c) => ({ text: c.text, locale: c.locale })));
  lines.push(`  '${name}': [${r?.overall.correct ?? 0}, ${s.recall.correct}, ${s.caught.correct}, ${s.falseAlarms.correct}], // of ${r?.overall.total ?? 0} intent, ${s.recall.total} emergencies, ${s.falseAlarms.total} ordinary`);
}
process.stdout.write(lines.join('\n') + '\n');
