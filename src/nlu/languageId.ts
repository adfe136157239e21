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

/**
 * Which languages a message in a script can be. Arabic, Farsi, Pashto, Russian, Ukrainian and Tigrinya are
 * also written in Latin letters (phones without the keyboard: "privet mne nuzhna rabota").
 */
const CANDIDATES: Record<Script, NluLanguage[]> = {
  latin: ['da', 'en', 'de', 'so', 'ar', 'fa', 'ps', 'ru', 'uk', 'ti'],
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

/**
 * How much a language's share of a script's samples counts: a short Latin-script message ("menu",
 * "nr 2") is far more often Danish or English than Pashto or Russian in Latin letters, whose few
 * samples would otherwise win every word none of the models has seen.
 */
const PRIOR_WEIGHT = 2.5;

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
 * the languages written in the message's script. Each language has one model per script it is
 * written in: the few Latin-script Russian messages would otherwise be lost among its many
 * Cyrillic ones, and Danish would win every Latin-script message. Deterministic.
 */
export class LanguageIdentifier {
  /** Keyed by `script:language`. */
  private readonly logProb = new Map<string, Map<string, number>>();
  private readonly unseen = new Map<string, number>();
  /** The log share of a script's samples each language has. */
  private readonly prior = new Map<string, number>();

  constructor(samples: { text: string; language: NluLanguage }[], private readonly sharpness = 1) {
    const folded = samples.map(({ text, language }) => {
      const all = lightFold(text);
      return { all, language, script: scriptOf(all) };
    });
    // A language's main script is the one most of its samples use. In another script only the
    // texts no other language has count: the Danish names among the Russian phrases ("mitid",
    // "nyidanmark") are no Latin-script Russian.
    const perScript = new Map<string, number>();
    const languagesOf = new Map<string, Set<NluLanguage>>();
    for (const { all, language, script } of folded) {
      if (!script) continue;
      perScript.set(`${script}:${language}`, (perScript.get(`${script}:${language}`) ?? 0) + 1);
      languagesOf.set(all, (languagesOf.get(all) ?? new Set<NluLanguage>()).add(language));
    }
    const mainScript = new Map<NluLanguage, Script>();
    for (const [key, n] of perScript) {
      const [script, language] = key.split(':') as [Script, NluLanguage];
      const main = mainScript.get(language);
      if (!main || n > perScript.get(`${main}:${language}`)!) mainScript.set(language, script);
    }
    const counts = new Map<string, Map<string, number>>();
    const messages = new Map<string, number>();
    const vocabulary = new Map<Script, Set<string>>();
    for (const { all, language, script } of folded) {
      if (!script) continue;
      if (script !== mainScript.get(language) && languagesOf.get(all)!.size > 1) continue;
      const key = `${script}:${language}`;
      messages.set(key, (messages.get(key) ?? 0) + 1);
      messages.set(script, (messages.get(script) ?? 0) + 1);
      const table = counts.get(key) ?? new Map<string, number>();
      counts.set(key, table);
      const seen = vocabulary.get(script) ?? new Set<string>();
      vocabulary.set(script, seen);
      for (const g of grams(wordsIn(all, script))) {
        table.set(g, (table.get(g) ?? 0) + 1);
        seen.add(g);
      }
    }
    const alpha = 0.1;
    for (const script of Object.keys(CANDIDATES) as Script[]) {
      const size = vocabulary.get(script)?.size ?? 0;
      for (const lng of CANDIDATES[script]) {
        const key = `${script}:${lng}`;
        const table = counts.get(key) ?? new Map<string, number>();
        let total = 0;
        for (const c of table.values()) total += c;
        const denominator = total + alpha * (size + 1);
        const probs = new Map<string, number>();
        for (const [g, c] of table) probs.set(g, Math.log((c + alpha) / denominator));
        this.logProb.set(key, probs);
        this.unseen.set(key, Math.log(alpha / denominator));
        this.prior.set(key, Math.log(((messages.get(key) ?? 0) + 1) / ((messages.get(script) ?? 0) + 1)));
      }
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
      const probs = this.logProb.get(`${script}:${code}`)!;
      const unseen = this.unseen.get(`${script}:${code}`)!;
      let sum = 0;
      for (const g of gs) sum += probs.get(g) ?? unseen;
      return { code, logit: (sum / gs.length) * this.sharpness * Math.sqrt(gs.length) + PRIOR_WEIGHT * this.prior.get(`${script}:${code}`)! };
    });
    const top = Math.max(...scored.map((s) => s.logit));
    const exp = scored.map((s) => ({ code: s.code, weight: Math.exp(s.logit - top) }));
    const total = exp.reduce((n, e) => n + e.weight, 0);
    const ranked = exp
      .map((e) => ({ code: e.code, confidence: e.weight / total }))
      .sort((a, b) => b.confidence - a.confidence || NLU_LANGUAGES.indexOf(a.code) - NLU_LANGUAGES.indexOf(b.code));
    return { code: ranked[0].code, confidence: ranked[0].confidence, alternatives: ranked.slice(1) };
  }
}
