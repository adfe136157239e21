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
export const DEFAULT_FUSION: LexiconFusion = { weight: 0.2, cap: 1.5, own: 0.05 };

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
    const topic = top.label.startsWith('topic.') ? undefined : ranked.find((r) => r.label.startsWith('topic.'));
    const alternative = topic && topic.score >= MIN_INTENT_SCORE ? { topic: { intent: topic.label as Intent, score: round(topic.score) } } : {};
    return withLanguage({ intent: top.label as Intent, score: round(top.score), ...entities, ...alternative });
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
    const ranked = this.rankBySentences(text);
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

  /**
   * The example sentences' similarity. A message of several sentences ("We came a month
   * ago with our children. Where can I learn Danish?") is also read by its question: the sentence
   * that ends in a question mark, else the last one. The context around it dilutes the whole
   * text's match, so each topic keeps the better of the two scores.
   */
  private rankBySentences(text: string): Ranked[] {
    const whole = this.classifier.rank(text);
    const question = questionSentence(text);
    if (question === undefined) return whole.filter((r) => (INTENTS as readonly string[]).includes(r.label));
    const best = new Map(whole.map((r) => [r.label, r.score]));
    // Topics only: a question alone ("What do I do?") is no command, and its context says what it is about.
    for (const r of this.classifier.rank(question)) if (r.label.startsWith('topic.') && r.score > (best.get(r.label) ?? 0)) best.set(r.label, r.score);
    return whole
      .map((r, order) => ({ label: r.label, score: best.get(r.label) ?? r.score, order }))
      .sort((a, b) => b.score - a.score || a.order - b.order)
      .filter((r) => (INTENTS as readonly string[]).includes(r.label))
      .map(({ label, score }) => ({ label, score }));
  }
}

/** Sentences end in . ! ? and their Arabic, Devanagari and Ethiopic forms. */
const SENTENCE_END = /(?<=[.!?؟।።፧])\s+/u;
const QUESTION_MIN_WORDS = 4;

/**
 * The sentence a message of several asks: of its sentences of four words or more, the last that
 * ends in a question mark, else the last; undefined for a message of one sentence.
 */
export function questionSentence(text: string): string | undefined {
  const sentences = text.trim().split(SENTENCE_END).map((s) => s.trim()).filter((s) => /\p{L}/u.test(s));
  if (sentences.length < 2) return undefined;
  // A short question alone ("Hvad gør jeg?") says too little: its context is what it is about.
  const long = sentences.filter((s) => s.split(/\s+/).length >= QUESTION_MIN_WORDS);
  return long.filter((s) => /[?؟፧]$/u.test(s)).at(-1) ?? long.at(-1);
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
