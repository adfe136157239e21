import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../projectRoot';
import type { EmbeddedRecognizer } from './embeddedRecognizer';
import { NLU_LANGUAGES, type NluLanguage } from './languages';
import type { SafetyScreen } from './safety';
import { topicOf } from './intents';

/** One line of the development set (test/nlu-dev/<lng>.jsonl): kept apart from the training phrases. */
export interface DevCase {
  text: string;
  locale: NluLanguage;
  intent: string;
  /** For numeric answers: the number expected as an entity. */
  number?: number;
}

export const DEV_DIR = join(PROJECT_ROOT, 'test', 'nlu-dev');

export function loadDevSet(dir: string = DEV_DIR): DevCase[] {
  const out: DevCase[] = [];
  for (const lng of NLU_LANGUAGES) {
    const lines = readFileSync(join(dir, `${lng}.jsonl`), 'utf8').split('\n').filter((l) => l.trim() !== '');
    lines.forEach((line, i) => {
      try {
        out.push({ locale: lng, ...(JSON.parse(line) as Omit<DevCase, 'locale'>) });
      } catch (err) {
        throw new Error(`${join(dir, `${lng}.jsonl`)} line ${i + 1}: ${(err as Error).message}`);
      }
    });
  }
  return out;
}

export interface Tally {
  correct: number;
  total: number;
}

export interface EvaluationReport {
  overall: Tally;
  /** Right at the top level: the topic (`topic.work` for `topic.work.igu`), command or answer. */
  topLevel: Tally;
  byLanguage: Record<string, Tally>;
  byIntent: Record<string, Tally>;
  /** Language identification on messages of three words or more. */
  languageId: Tally;
  languageIdByLanguage: Record<string, Tally>;
  confusions: { expected: string; got: string; count: number; example: string }[];
  languageConfusions: { expected: string; got: string; count: number; example: string }[];
  medianMs: number;
  /** The same for the safety screen, which runs on every message too. */
  safetyMedianMs: number;
}

function add(map: Record<string, Tally>, key: string, ok: boolean): void {
  const t = (map[key] ??= { correct: 0, total: 0 });
  t.total += 1;
  if (ok) t.correct += 1;
}

/** Top-1 accuracy per language and intent, language identification, confusions and timing. */
export function evaluate(recognizer: EmbeddedRecognizer, cases: DevCase[], safety?: SafetyScreen): EvaluationReport {
  const report: EvaluationReport = { overall: { correct: 0, total: 0 }, topLevel: { correct: 0, total: 0 }, byLanguage: {}, byIntent: {}, languageId: { correct: 0, total: 0 }, languageIdByLanguage: {}, confusions: [], languageConfusions: [], medianMs: 0, safetyMedianMs: 0 };
  const safetyTimes: number[] = [];
  const confusions = new Map<string, { count: number; example: string }>();
  const languageConfusions = new Map<string, { count: number; example: string }>();
  const times: number[] = [];
  for (const c of cases) {
    const start = process.hrtime.bigint();
    const r = recognizer.recognizeNow(c.text, c.locale);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (safety) {
      const before = process.hrtime.bigint();
      safety.screen(c.text, [c.locale]);
      safetyTimes.push(Number(process.hrtime.bigint() - before) / 1e6);
    }
    const ok = r.intent === c.intent && (c.number === undefined || r.entities?.number === c.number);
    add(report.byLanguage, c.locale, ok);
    add(report.byIntent, c.intent, ok);
    report.overall.total += 1;
    if (ok) report.overall.correct += 1;
    report.topLevel.total += 1;
    if (topicOf(r.intent) === topicOf(c.intent) && (c.number === undefined || r.entities?.number === c.number)) report.topLevel.correct += 1;
    else {
      const key = `${c.intent} → ${r.intent}`;
      const seen = confusions.get(key) ?? { count: 0, example: `${c.locale}: ${c.text}` };
      seen.count += 1;
      confusions.set(key, seen);
    }
    if (c.text.trim().split(/\s+/).length >= 3) {
      const langOk = r.language?.code === c.locale;
      report.languageId.total += 1;
      if (langOk) report.languageId.correct += 1;
      add(report.languageIdByLanguage, c.locale, langOk);
      if (!langOk) {
        const key = `${c.locale} → ${r.language?.code ?? '?'}`;
        const seen = languageConfusions.get(key) ?? { count: 0, example: c.text };
        seen.count += 1;
        languageConfusions.set(key, seen);
      }
    }
  }
  const sorted = (m: Map<string, { count: number; example: string }>) =>
    [...m].map(([k, v]) => ({ expected: k.split(' → ')[0], got: k.split(' → ')[1], ...v })).sort((a, b) => b.count - a.count);
  report.confusions = sorted(confusions);
  report.languageConfusions = sorted(languageConfusions);
  report.medianMs = median(times);
  report.safetyMedianMs = median(safetyTimes);
  return report;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

export function percent(t: Tally): string {
  return t.total === 0 ? '–' : `${((100 * t.correct) / t.total).toFixed(1)} %`;
}
