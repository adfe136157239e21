/**
 * `npx tsx src/nlu/tools/tuningFigures.ts`: per dev and probe folder of test/nlu-dev (never a held-out one), the intent
 * messages right, the emergencies given the reply at once, given the reply or the question, and the false alarms on
 * ordinary messages, as the table of test/unit/tuningSets.test.ts.
 */
import { EmbeddedRecognizer } from '../embeddedRecognizer';
import { SafetyScreen } from '../safety';
import { folderFigures, tuningFolders } from '../tuningSets';

const recognizer = new EmbeddedRecognizer();
const screen = SafetyScreen.load({ bank: recognizer.bank });
const lines = tuningFolders().map((name) => {
  const f = folderFigures(recognizer, screen, name);
  return `  '${name}': [${f.intent.correct}, ${f.atOnce.correct}, ${f.caught}, ${f.falseAlarms.correct}], // of ${f.intent.total} intent, ${f.atOnce.total} emergencies, ${f.falseAlarms.total} ordinary`;
});
process.stdout.write(lines.join('\n') + '\n');
