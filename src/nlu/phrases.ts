import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCALES_DIR } from '../i18n';
import { INTENTS, isIntent, type Intent } from './intents';
import { NLU_LANGUAGES, type NluLanguage } from './languages';
import { readWordLists, type WordLists } from './wordLexicon';

/** One language's example phrases (locales/<lng>/nlu.json). */
export interface LanguagePhrases {
  /** Example phrases per intent, written as users write them. */
  intents: Partial<Record<Intent, string[]>>;
  /** Number words, by the number they stand for ("2": ["two", "second"]). */
  numbers: Record<string, string[]>;
  /** Words that may stand before a number in a numeric answer ("number 2", "nr 2"). */
  numberPrefixes?: string[];
  /**
   * More text in the language for language identification only (no intent): e.g. Arabic and
   * Farsi written in Latin letters, which the intent phrases alone cover too thinly.
   */
  languageSamples?: string[];
  /** The domain words of each topic (locales/<lng>/topics.json; optional). */
  topics?: WordLists<Intent>;
}

export interface Phrase {
  text: string;
  intent: Intent;
  language: NluLanguage;
}

export type PhraseBank = Record<NluLanguage, LanguagePhrases>;

/**
 * The file of a language in the configured folder, or the project's own when the folder has no
 * such language (a municipality's folder may hold only the languages it enables; the safety
 * screen and the recogniser understand all ten).
 */
export function localeFile(dir: string, lng: string, name: string): string {
  const path = join(dir, lng, name);
  return existsSync(path) || !existsSync(join(LOCALES_DIR, lng, name)) ? path : join(LOCALES_DIR, lng, name);
}

/** Reads every language's nlu.json; a missing file, unknown intent or empty list stops with a clear message. */
export function loadPhraseBank(dir: string = LOCALES_DIR): PhraseBank {
  const bank = {} as PhraseBank;
  for (const lng of NLU_LANGUAGES) {
    const path = localeFile(dir, lng, 'nlu.json');
    let parsed: LanguagePhrases;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8')) as LanguagePhrases;
    } catch (err) {
      throw new Error(`${path}: cannot read the example phrases (${(err as Error).message})`);
    }
    for (const [name, list] of Object.entries(parsed.intents ?? {})) {
      if (!isIntent(name)) throw new Error(`${path}: "${name}" is not an intent (known: ${INTENTS.join(', ')})`);
      if (!Array.isArray(list) || list.some((p) => typeof p !== 'string' || p.trim() === '')) {
        throw new Error(`${path}: intents["${name}"] must be a list of non-empty phrases`);
      }
    }
    if (parsed.languageSamples !== undefined && (!Array.isArray(parsed.languageSamples) || parsed.languageSamples.some((p) => typeof p !== 'string'))) {
      throw new Error(`${path}: languageSamples must be a list of phrases`);
    }
    bank[lng] = { intents: parsed.intents ?? {}, numbers: parsed.numbers ?? {}, numberPrefixes: parsed.numberPrefixes ?? [], languageSamples: parsed.languageSamples ?? [], topics: loadTopicWords(localeFile(dir, lng, 'topics.json')) };
  }
  return bank;
}

/** A language's topic words (topic intents only). */
function loadTopicWords(path: string): WordLists<Intent> {
  const topics = INTENTS.filter((i) => i.startsWith('topic.'));
  return readWordLists(path, 'topic words', (name): name is Intent => isIntent(name) && name.startsWith('topic.'), topics);
}

/** Every example phrase with its intent and language, in a stable order. */
export function allPhrases(bank: PhraseBank): Phrase[] {
  const out: Phrase[] = [];
  for (const language of NLU_LANGUAGES) {
    for (const intent of INTENTS) {
      for (const text of bank[language].intents[intent] ?? []) out.push({ text, intent, language });
    }
  }
  return out;
}
