import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EmbeddedRecognizer } from './embeddedRecognizer';
import { DEV_DIR, evaluate, loadDevSet } from './evaluation';
import type { SafetyScreen } from './safety';
import { evaluateSafety, loadSafetyFolder } from './safetyEvaluation';

/** The dev and probe folders of the tuning rounds (test/nlu-dev/dev-*, dev2-*, probe-*), never a held-out one. */
export function tuningFolders(dir: string = DEV_DIR): string[] {
  return readdirSync(dir).filter((d) => /^(dev|dev2|probe)-/.test(d)).sort();
}

export interface FolderFigures {
  intent: { correct: number; total: number };
  /** Emergencies given the reply at once. */
  atOnce: { correct: number; total: number };
  /** Emergencies given the reply or the "are you in danger?" question. */
  caught: number;
  /** Ordinary messages (the folder's look-alikes and its intent messages) that raised the reply. */
  falseAlarms: { correct: number; total: number };
}

/** A folder's figures: its intent messages (if it has them) and its safety cases (if it has a safety/ folder). */
export function folderFigures(recognizer: EmbeddedRecognizer, screen: SafetyScreen, name: string, dir: string = DEV_DIR): FolderFigures {
  const folder = join(dir, name);
  const intents = existsSync(join(folder, 'da.jsonl')) ? loadDevSet(folder) : [];
  const intent = intents.length > 0 ? evaluate(recognizer, intents).overall : { correct: 0, total: 0 };
  const cases = existsSync(join(folder, 'safety')) ? loadSafetyFolder(join(folder, 'safety')) : [];
  const s = evaluateSafety(screen, cases, intents.map((c) => ({ text: c.text, locale: c.locale })));
  return { intent, atOnce: s.recall, caught: s.caught.correct, falseAlarms: s.falseAlarms };
}
