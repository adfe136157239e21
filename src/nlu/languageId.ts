import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCALES_DIR } from '../i18n';
import { asciiDigits } from './fold';
import { NLU_LANGUAGES, type NluLanguage } from './languages';

export interface LanguageGuess {
  /** The most likely language of the message. */
  code: NluLanguage;
  /** 0…1; below about 0.8 the bot should ask rather than switch (Farsi/Arabic/Pashto, Ukrainian/Russian). */
  confidence: number;
  /** The other candidates of the same script, most likely first. */
  alternatives: { code: NluLanguage; confidence: number }[];
}

type Script = 'latin' | 'cyrillic' | 'arabic' | 'ethiopic';

/** Which languages a message in a script can be (Arabic and Farsi are also written in Latin letters). */
const CANDIDATES: Record<Script, NluLanguage[]> = {
  latin: ['da', 'en', 'de', 'so', 'ar', 'fa'],
  cyrillic: ['uk', 'ru'],
  arabic: ['ar', 'fa', 'ps'],
  ethiopic: ['ti'],
};

function scriptOfChar(ch: string): Script | undefined {
  if (/\p{Script=Latin}/u.test(ch)) return 'latin';
  if (/\p{Script=Cyrillic}/u.test(ch)) return 'cyrillic';
  if (/\p{Script=Arabic}/u.test(ch)) return 'arabic';
  if (/\p{Script=Ethiopic}/u.test(ch)) return 'ethiopic';
  return undefined;
}

/**
 * The script of the message: the non-Latin script with the most letters if there is one, else Latin.
 * Danish names ("ankestyrelsen", "rejsekort", "digital post") are written in Latin letters inside
 * messages in every language; they must not make a Cyrillic, Arabic or Ethiopic message Latin.
 */
function scriptOf(text: string): Script | undefined {
  const counts: Record<Script, number> = { latin: 0, cyrillic: 0, arabic: 0, ethiopic: 0 };
  for (const ch of text) {
    const script = scriptOfChar(ch);
    if (script) counts[script]++;
  }
  const [best, count] = (Object.entries(counts) as [Script, number][]).filter(([s]) => s !== 'latin').sort((a, b) => b[1] - a[1])[0];
  if (count > 0) return best;
  return counts.latin > 0 ? 'latin' : undefined;
}

/** The words of the message written in the script (the Danish names inside are left out). */
function wordsIn(folded: string, script: Script): string {
  return folded
    .split(' ')
    .filter((w) => [...w].some((ch) => scriptOfChar(ch) === script))
    .join(' ');
}

/**
 * Letters only one candidate of a script uses: Ukrainian і ї є ґ against Russian ы э ъ ё; the
 * Pashto letters ټ ډ ړ ښ ږ ځ څ ې ۍ ګ ڼ, which Arabic and Farsi do not have.
 */
const OWN_LETTERS: { language: NluLanguage; letters: RegExp; rivals?: RegExp }[] = [
  { language: 'uk', letters: /[іїєґ]/u, rivals: /[ыэъё]/u },
  { language: 'ru', letters: /[ыэъё]/u, rivals: /[іїєґ]/u },
  { language: 'ps', letters: /[ټډړښږځڅېۍګڼ]/u },
];

function candidatesFor(script: Script, words: string): NluLanguage[] {
  for (const own of OWN_LETTERS) {
    if (CANDIDATES[script].includes(own.language) && own.letters.test(words) && !own.rivals?.test(words)) return [own.language];
  }
  return CANDIDATES[script];
}

/** Lower-case words, accents kept (they tell Danish from German), vowel marks and bare numbers dropped. */
function lightFold(text: string): string {
  return asciiDigits(text)
    .normalize('NFC')
    .toLowerCase()
    .replace(/\p{M}|\u0640/gu, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .split(' ')
    .filter((w) => /\p{L}/u.test(w)) // digits inside words stay: "3" and "7" are letters in Latin-script Arabic
    .join(' ');
}

/**
 * Extra messages per language for language identification only (locales/<lng>/languageSamples.json,
 * `samples`): how people write, e.g. Farsi and Arabic in Latin letters. A language without the file has none.
 */
export function loadLanguageSamples(localesDir: string = LOCALES_DIR): { text: string; language: NluLanguage }[] {
  const out: { text: string; language: NluLanguage }[] = [];
  for (const language of NLU_LANGUAGES) {
    const path = join(localesDir, language, 'languageSamples.json');
    if (!existsSync(path)) continue;
    let parsed: { samples?: unknown };
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8')) as { samples?: unknown };
    } catch (err) {
      throw new Error(`${path}: cannot read the language samples (${(err as Error).message})`);
    }
    if (!Array.isArray(parsed.samples) || parsed.samples.some((t) => typeof t !== 'string')) throw new Error(`${path}: "samples" must be a list of texts`);
    for (const text of parsed.samples as string[]) out.push({ text, language });
  }
  return out;
}

/** How many character grams a whole word counts as. */
const WORD_WEIGHT = 5;

/** Character 1- to 3-grams of each word with its boundaries, and the whole word (function words tell languages apart: "mikham", "badi"). */
function grams(folded: string): string[] {
  const out: string[] = [];
  for (const w of folded.split(' ')) {
    if (!w) continue;
    if ([...w].length > 1) for (let k = 0; k < WORD_WEIGHT; k++) out.push(`<${w}>`);
    const padded = [...` ${w} `];
    for (let n = 1; n <= 3; n++) {
      for (let i = 0; i + n <= padded.length; i++) {
        const g = padded.slice(i, i + n).join('');
        if (g !== ' ') out.push(g);
      }
    }
  }
  return out;
}

/**
 * Per-message language identification among the ten languages: a naive Bayes model of
 * character 1- to 3-grams, trained from the same example phrases as the intents, restricted to
 * the languages written in the message's script. Deterministic.
 */
export class LanguageIdentifier {
  private readonly logProb = new Map<NluLanguage, Map<string, number>>();
  private readonly unseen = new Map<NluLanguage, number>();

  constructor(samples: { text: string; language: NluLanguage }[], private readonly sharpness = 1) {
    const counts = new Map<NluLanguage, Map<string, number>>();
    const vocabulary = new Set<string>();
    for (const { text, language } of samples) {
      const table = counts.get(language) ?? new Map<string, number>();
      counts.set(language, table);
      for (const g of grams(lightFold(text))) {
        table.set(g, (table.get(g) ?? 0) + 1);
        vocabulary.add(g);
      }
    }
    const alpha = 0.1;
    for (const lng of NLU_LANGUAGES) {
      const table = counts.get(lng) ?? new Map<string, number>();
      let total = 0;
      for (const c of table.values()) total += c;
      const denominator = total + alpha * (vocabulary.size + 1);
      const probs = new Map<string, number>();
      for (const [g, c] of table) probs.set(g, Math.log((c + alpha) / denominator));
      this.logProb.set(lng, probs);
      this.unseen.set(lng, Math.log(alpha / denominator));
    }
  }

  /** The message's most likely language, or undefined when it has no letters. */
  identify(text: string): LanguageGuess | undefined {
    const all = lightFold(text);
    const script = scriptOf(all);
    if (!script) return undefined;
    const folded = wordsIn(all, script);
    const gs = grams(folded);
    const scored = candidatesFor(script, folded).map((code) => {
      const probs = this.logProb.get(code)!;
      const unseen = this.unseen.get(code)!;
      let sum = 0;
      for (const g of gs) sum += probs.get(g) ?? unseen;
      return { code, perGram: sum / gs.length };
    });
    const top = Math.max(...scored.map((s) => s.perGram));
    const exp = scored.map((s) => ({ code: s.code, weight: Math.exp((s.perGram - top) * this.sharpness * Math.sqrt(gs.length)) }));
    const total = exp.reduce((n, e) => n + e.weight, 0);
    const ranked = exp
      .map((e) => ({ code: e.code, confidence: e.weight / total }))
      .sort((a, b) => b.confidence - a.confidence || NLU_LANGUAGES.indexOf(a.code) - NLU_LANGUAGES.indexOf(b.code));
    return { code: ranked[0].code, confidence: ranked[0].confidence, alternatives: ranked.slice(1) };
  }
}
