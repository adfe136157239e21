import { fold } from './fold';
import { INTENTS, isIntent, topicOf, type Intent } from './intents';
import { LanguageIdentifier, loadLanguageSamples } from './languageId';
import { NLU_LANGUAGES } from './languages';
import { NgramClassifier, type Ranked } from './ngramClassifier';
import { NumberReader } from './numbers';
import { allPhrases, loadPhraseBank, type PhraseBank } from './phrases';
import type { Recognition, Recognizer } from './recognizer';
import { WordLexicon } from './wordLexicon';

/** Below this score the best intent is not trusted and the answer is `none`. */
export const MIN_INTENT_SCORE = 0.2;
/** How close a request must come to `none` to win over a greeting in the same message. */
const CONTENT_OVER_NONE = 0.7;

/**
 * How much the topic words (topics.json) add to a topic's score: each word of the topic or of
 * one of its subtopics adds `weight` to all of them, up to `cap` words; an intent's own words
 * add `own` more.
 */
export interface LexiconFusion {
  weight: number;
  cap: number;
  own: number;
}
export const DEFAULT_FUSION: LexiconFusion = { weight: 0.3, cap: 1.5, own: 0.05 };

/**
 * The default recogniser: no network, trained at start-up from the example phrases in
 * locales/<lng>/nlu.json (all ten languages in one model, so mixed and switched languages work).
 */
export class EmbeddedRecognizer implements Recognizer {
  readonly bank: PhraseBank;
  private readonly classifier: NgramClassifier;
  readonly languages: LanguageIdentifier;
  readonly numbers: NumberReader;
  readonly topicWords: WordLexicon<Intent>;

  constructor(
    bank: PhraseBank = loadPhraseBank(),
    languageSamples: { text: string; language: (typeof NLU_LANGUAGES)[number] }[] = loadLanguageSamples(),
    readonly fusion: LexiconFusion = DEFAULT_FUSION,
  ) {
    this.bank = bank;
    this.topicWords = new WordLexicon(NLU_LANGUAGES.map((language) => bank[language].topics ?? {}), isIntent);
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

  /**
   * Every intent with its score, best first: the example sentences' similarity, raised for the
   * topics whose domain words the text contains (a stranger's wording rarely looks like an
   * example, but it names the doctor, the rent or the bus).
   */
  rank(text: string): Ranked[] {
    const ranked = this.classifier.rank(text).filter((r) => (INTENTS as readonly string[]).includes(r.label));
    const evidence = this.topicWords.score(fold(text), (w) => this.classifier.wordWeight(w));
    if (evidence.size === 0) return ranked;
    const { weight, cap, own } = this.fusion;
    // A topic's words count for the topic and every subtopic of it (the example sentences tell
    // the subtopics apart); a subtopic's own words add a little more.
    const family = new Map<string, number>();
    for (const [intent, s] of evidence) family.set(topicOf(intent), (family.get(topicOf(intent)) ?? 0) + s);
    return ranked
      .map((r) => {
        const f = family.get(topicOf(r.label));
        if (!f || !r.label.startsWith('topic.')) return r;
        const b = weight * Math.min(f, cap) + own * (evidence.get(r.label as Intent) ?? 0);
        return { label: r.label, score: Math.min(1, r.score + b) };
      })
      .sort((a, b) => b.score - a.score);
  }
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
