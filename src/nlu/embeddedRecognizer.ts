import { INTENTS, type Intent } from './intents';
import { LanguageIdentifier, loadLanguageSamples } from './languageId';
import { NLU_LANGUAGES } from './languages';
import { NgramClassifier, type Ranked } from './ngramClassifier';
import { NumberReader } from './numbers';
import { allPhrases, loadPhraseBank, type PhraseBank } from './phrases';
import type { Recognition, Recognizer } from './recognizer';

/** Below this score the best intent is not trusted and the answer is `none`. */
export const MIN_INTENT_SCORE = 0.2;
/** How close a request must come to `none` to win over a greeting in the same message. */
const CONTENT_OVER_NONE = 0.7;

/**
 * The default recogniser: no network, trained at start-up from the example phrases in
 * locales/<lng>/nlu.json (all ten languages in one model, so mixed and switched languages work).
 */
export class EmbeddedRecognizer implements Recognizer {
  readonly bank: PhraseBank;
  private readonly classifier: NgramClassifier;
  readonly languages: LanguageIdentifier;
  readonly numbers: NumberReader;

  constructor(bank: PhraseBank = loadPhraseBank(), languageSamples: { text: string; language: (typeof NLU_LANGUAGES)[number] }[] = loadLanguageSamples()) {
    this.bank = bank;
    const phrases = allPhrases(bank);
    this.classifier = new NgramClassifier(phrases.map((p) => ({ text: p.text, label: p.intent })));
    const samples = NLU_LANGUAGES.flatMap((language) => (bank[language].languageSamples ?? []).map((text) => ({ text, language })));
    this.languages = new LanguageIdentifier([...phrases, ...samples, ...languageSamples]);
    this.numbers = new NumberReader(bank);
  }

  recognize(text: string, locale: string): Promise<Recognition> {
    return Promise.resolve(this.recognizeNow(text, locale));
  }

  /** The same, synchronously (scripts, benchmarks). */
  recognizeNow(text: string, _locale: string): Recognition {
    const language = this.languages.identify(text);
    const number = this.numbers.read(text);
    const withLanguage = (r: Recognition): Recognition => (language ? { ...r, language } : r);
    if (number?.alone) return withLanguage({ intent: 'none', score: 1, entities: { number: number.value } });
    const ranked = this.rank(text);
    const top = this.preferContent(ranked);
    const entities = number ? { entities: { number: number.value } } : {};
    if (!top || top.label === 'none' || top.score < MIN_INTENT_SCORE) {
      const noneScore = ranked.find((r) => r.label === 'none')?.score ?? 0;
      return withLanguage({ intent: 'none', score: round(Math.max(noneScore, 1 - (top?.label === 'none' ? 0 : top?.score ?? 0))), ...entities });
    }
    return withLanguage({ intent: top.label as Intent, score: round(top.score), ...entities });
  }

  /**
   * A greeting or thanks around a request ("hi, I need a job") matches the `none` examples as
   * well as the request: when something other than `none` comes close, the request wins.
   */
  private preferContent(ranked: Ranked[]): Ranked | undefined {
    const top = ranked[0];
    if (top?.label !== 'none') return top;
    const content = ranked.find((r) => r.label !== 'none');
    return content && content.score >= Math.max(MIN_INTENT_SCORE, CONTENT_OVER_NONE * top.score) ? content : top;
  }

  /** Every intent with its score, best first. */
  rank(text: string): Ranked[] {
    return this.classifier.rank(text).filter((r) => (INTENTS as readonly string[]).includes(r.label));
  }
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
