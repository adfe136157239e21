import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEV_DIR, type Tally } from './evaluation';
import { NLU_LANGUAGES, type NluLanguage } from './languages';
import { SAFETY_KINDS, type SafetyKind, type SafetyScreen } from './safety';

/** One line of a safety set (test/nlu-dev/safety/<set>/<lng>.jsonl): an emergency of a kind, or an ordinary message (kind null). */
export interface SafetyCase {
  text: string;
  locale: NluLanguage;
  kind: SafetyKind | null;
}

/** `dev`: tuned on, never trained on; `heldout`: written before the screen, never tuned on. */
export const SAFETY_SETS = ['dev', 'heldout'] as const;

export function loadSafetySet(set: string, dir: string = join(DEV_DIR, 'safety')): SafetyCase[] {
  return loadSafetyFolder(join(dir, set));
}

/** The safety cases of one folder of <lng>.jsonl files (e.g. a held-out set's `safety/`). */
export function loadSafetyFolder(folder: string): SafetyCase[] {
  const out: SafetyCase[] = [];
  for (const lng of NLU_LANGUAGES) {
    const path = join(folder, `${lng}.jsonl`);
    if (!existsSync(path)) continue;
    readFileSync(path, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (line.trim() === '') return;
        try {
          const parsed = JSON.parse(line) as { text: string; kind: SafetyKind | null };
          if (parsed.kind !== null && !(SAFETY_KINDS as readonly string[]).includes(parsed.kind)) throw new Error(`unknown kind "${String(parsed.kind)}"`);
          out.push({ locale: lng, text: parsed.text, kind: parsed.kind });
        } catch (err) {
          throw new Error(`${path} line ${i + 1}: ${(err as Error).message}`);
        }
      });
  }
  return out;
}

export interface SafetyReport {
  /** Emergencies answered with the emergency reply at once. */
  recall: Tally;
  /** Emergencies answered with the emergency reply or the "are you in danger?" question (no silent miss). */
  caught: Tally;
  /** Ordinary messages that raised the emergency reply. */
  falseAlarms: Tally;
  /** Ordinary messages that got the "are you in danger?" question. */
  asked: Tally;
  byLanguage: Record<string, { recall: Tally; caught: Tally; falseAlarms: Tally; asked: Tally }>;
  byKind: Record<string, { recall: Tally; caught: Tally }>;
  misses: { locale: string; kind: string; text: string; got: string }[];
  alarmsOnOrdinary: { locale: string; text: string; got: string }[];
}

const tally = (): Tally => ({ correct: 0, total: 0 });
const count = (t: Tally, ok: boolean): void => {
  t.total += 1;
  if (ok) t.correct += 1;
};

/** Recall and false alarms per language and kind; `ordinary` adds more ordinary messages (e.g. the intent dev set). */
export function evaluateSafety(screen: SafetyScreen, cases: SafetyCase[], ordinary: { text: string; locale: string }[] = []): SafetyReport {
  const r: SafetyReport = { recall: tally(), caught: tally(), falseAlarms: tally(), asked: tally(), byLanguage: {}, byKind: {}, misses: [], alarmsOnOrdinary: [] };
  const all = [...cases, ...ordinary.map((o) => ({ ...o, kind: null }))];
  for (const c of all) {
    const lang = (r.byLanguage[c.locale] ??= { recall: tally(), caught: tally(), falseAlarms: tally(), asked: tally() });
    const a = screen.assess(c.text, [c.locale]);
    if (c.kind) {
      const kind = (r.byKind[c.kind] ??= { recall: tally(), caught: tally() });
      for (const t of [r.recall, lang.recall, kind.recall]) count(t, a.alarm !== undefined);
      for (const t of [r.caught, lang.caught, kind.caught]) count(t, a.alarm !== undefined || a.borderline !== undefined);
      if (!a.alarm) r.misses.push({ locale: c.locale, kind: c.kind, text: c.text, got: a.borderline ? `asked (${a.borderline.kind} ${a.borderline.score})` : 'nothing' });
    } else {
      for (const t of [r.falseAlarms, lang.falseAlarms]) count(t, a.alarm !== undefined);
      for (const t of [r.asked, lang.asked]) count(t, a.borderline !== undefined);
      if (a.alarm || a.borderline) r.alarmsOnOrdinary.push({ locale: c.locale, text: c.text, got: a.alarm ? `alarm ${a.alarm.kind} ${a.alarm.rule ?? a.alarm.score}` : `asked ${a.borderline!.kind} ${a.borderline!.score}` });
    }
  }
  return r;
}
